import { randomInt } from 'node:crypto';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect as tcpConnect, isIP, type Socket as TcpSocket } from 'node:net';
import { performance } from 'node:perf_hooks';
import dnsPacket from 'dns-packet';
import type { Answer, DecodedPacket, Packet } from 'dns-packet';
import { parseClientSubnet, type ClientSubnet } from './client-subnet.ts';
import { normalizeDnsName } from './dns-name.ts';
import { parseDnsServer, type DnsServerAddress } from './dns-server-address.ts';

/** What one A query produced. Never a thrown error for network outcomes: see `rcode`. */
export interface DnsAnswer {
  /** IPv4 addresses of the name (after following CNAMEs in the answer), de-duplicated, sorted as strings. */
  readonly addresses: string[];
  /**
   * The CNAME chain followed inside the answer, in order from the queried name: each target name,
   * lower-case, without the trailing dot. Empty when the name itself held the A records.
   */
  readonly cnames: string[];
  /** Smallest TTL (seconds) over the A records used; absent when there were none. */
  readonly ttl?: number;
  /**
   * DNS rcode name from the response (`NOERROR`, `NXDOMAIN`, `SERVFAIL`, …), or `TIMEOUT` when no
   * matching response came within the timeout, or `ERROR` when the exchange failed (socket error,
   * TCP reset, malformed TCP response); `error` then says what happened.
   */
  readonly rcode: string;
  /** Milliseconds from the call to the answer (or to the timeout / error). */
  readonly latencyMs: number;
  /** Transport of the final answer: `tcp` after a truncated UDP response. */
  readonly transport: 'udp' | 'tcp';
  /** Why the exchange failed, when `rcode` is `ERROR` (e.g. `ECONNREFUSED`). */
  readonly error?: string;
}

export interface QueryOptions {
  /** Whole-query budget in ms, including a TCP retry after truncation. Default 2000. */
  readonly timeoutMs?: number;
  /** Aborting rejects the query with `signal.reason` and closes its socket. */
  readonly signal?: AbortSignal;
  /**
   * Local address to send from (like `dig -b`): the UDP socket is bound to it and the TCP retry
   * connects from it. It must be an address of this machine, of the server's family. On loopback
   * any 127.x.y.z works, which is how the sandbox tells simulated client regions apart.
   */
  readonly sourceAddress?: string;
  /**
   * EDNS Client Subnet (RFC 7871) to send, as `203.0.113.0/24` or `2001:db8::/56`: the network a
   * resolver would say its client is in, which latency and geolocation records are answered for.
   */
  readonly clientSubnet?: string;
}

const DEFAULT_TIMEOUT_MS = 2000;
/** CNAME hops followed inside one answer before giving up (loops, absurd chains). */
const MAX_CNAME_HOPS = 16;
/** EDNS UDP payload size advertised with a client subnet: the DNS Flag Day 2020 value. */
const EDNS_UDP_PAYLOAD = 1232;

/**
 * Sends one A query for `name` to `server` (`host:port`) over UDP and retries over TCP when the
 * response is truncated (TC bit). Responses whose id or question do not match are ignored, as a
 * stub resolver would, so a stray datagram cannot answer for the real server.
 *
 * Network outcomes never reject: a timeout resolves with rcode `TIMEOUT`, a socket failure with
 * rcode `ERROR` (and `error`), so callers can record them as observations.
 *
 * @throws InvalidDnsServerError / InvalidDnsNameError / InvalidClientSubnetError / RangeError
 *   (synchronously, before any I/O) for bad input.
 * @returns a promise that rejects only with `signal.reason` when `signal` aborts.
 */
export function queryA(server: string, name: string, options: QueryOptions = {}): Promise<DnsAnswer> {
  const address = parseDnsServer(server);
  const qname = normalizeDnsName(name);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new RangeError(`queryA option timeoutMs must be a positive number of ms, got ${String(options.timeoutMs)}`);
  }
  const sourceAddress = options.sourceAddress;
  if (sourceAddress !== undefined && isIP(sourceAddress) !== address.family) {
    throw new RangeError(
      `queryA option sourceAddress must be an IPv${address.family} address (the family of ${server}), got ${JSON.stringify(sourceAddress)}`,
    );
  }
  const clientSubnet = options.clientSubnet === undefined ? undefined : parseClientSubnet(options.clientSubnet);
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new DnsExchange(address, qname, { timeoutMs, signal, sourceAddress, clientSubnet }).run();
}

/** What shapes one exchange besides the server and the name, validated. */
interface ExchangeSettings {
  readonly timeoutMs: number;
  readonly signal: AbortSignal | undefined;
  readonly sourceAddress: string | undefined;
  readonly clientSubnet: ClientSubnet | undefined;
}

/** One query's state: a UDP attempt, maybe a TCP attempt, one deadline for both. */
class DnsExchange {
  readonly #server: DnsServerAddress;
  readonly #qname: string;
  readonly #id = randomInt(0, 0x10000);
  readonly #started = performance.now();
  readonly #signal: AbortSignal | undefined;
  readonly #timeoutMs: number;
  readonly #sourceAddress: string | undefined;
  readonly #clientSubnet: ClientSubnet | undefined;
  #udp: UdpSocket | undefined;
  #tcp: TcpSocket | undefined;
  #timer: NodeJS.Timeout | undefined;
  #transport: 'udp' | 'tcp' = 'udp';
  #settled = false;
  #resolve: (answer: DnsAnswer) => void = () => undefined;
  #reject: (reason: unknown) => void = () => undefined;

  constructor(server: DnsServerAddress, qname: string, settings: ExchangeSettings) {
    this.#server = server;
    this.#qname = qname;
    this.#timeoutMs = settings.timeoutMs;
    this.#signal = settings.signal;
    this.#sourceAddress = settings.sourceAddress;
    this.#clientSubnet = settings.clientSubnet;
  }

  run(): Promise<DnsAnswer> {
    return new Promise<DnsAnswer>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
      this.#timer = setTimeout(() => this.#finish({ rcode: 'TIMEOUT' }), this.#timeoutMs);
      this.#signal?.addEventListener('abort', this.#onAbort, { once: true });
      this.#startUdp();
    });
  }

  readonly #onAbort = (): void => {
    if (this.#settled) return;
    this.#settled = true;
    const reason: unknown = this.#signal?.reason;
    // Reject only once the sockets are really closed, so a caller that awaits the cancelled query
    // (a prober's stop()) knows nothing is left open.
    this.#cleanup(() => this.#reject(reason));
  };

  #query(): Packet {
    const subnet = this.#clientSubnet;
    return {
      type: 'query',
      id: this.#id,
      flags: dnsPacket.RECURSION_DESIRED,
      questions: [{ type: 'A', class: 'IN', name: this.#qname }],
      ...(subnet === undefined
        ? {}
        : {
            additionals: [
              {
                type: 'OPT',
                name: '.',
                udpPayloadSize: EDNS_UDP_PAYLOAD,
                extendedRcode: 0,
                ednsVersion: 0,
                flags: 0,
                flag_do: false,
                options: [
                  {
                    code: 8,
                    type: 'CLIENT_SUBNET',
                    family: subnet.family,
                    sourcePrefixLength: subnet.sourcePrefixLength,
                    scopePrefixLength: 0,
                    ip: subnet.address,
                  },
                ],
              },
            ],
          }),
    };
  }

  #startUdp(): void {
    const socket = createSocket(this.#server.family === 6 ? 'udp6' : 'udp4');
    this.#udp = socket;
    socket.on('error', (error: NodeJS.ErrnoException) => this.#finish({ rcode: 'ERROR', error: error.code ?? error.message }));
    socket.on('message', (message: Buffer) => {
      let response: DecodedPacket;
      try {
        response = dnsPacket.decode(message);
      } catch {
        // Garbage on our port is ignored like a mismatched id; the timeout still bounds the wait.
        return;
      }
      if (!this.#matches(response)) return;
      if (response.flag_tc) {
        this.#closeUdp();
        this.#startTcp();
        return;
      }
      this.#finishWith(response);
    });
    // A connected socket only accepts datagrams from the server and surfaces ICMP port
    // unreachable as ECONNREFUSED, so a resolver that is down shows as ERROR at once, not TIMEOUT.
    const connectAndSend = (): void => {
      socket.connect(this.#server.port, this.#server.host, () => {
        if (this.#settled) return;
        socket.send(dnsPacket.encode(this.#query()), (error) => {
          if (error) this.#finish({ rcode: 'ERROR', error: (error as NodeJS.ErrnoException).code ?? error.message });
        });
      });
    };
    // Binding first fixes the source address; an address not on this machine fails as EADDRNOTAVAIL.
    if (this.#sourceAddress === undefined) connectAndSend();
    else socket.bind({ address: this.#sourceAddress, port: 0 }, () => !this.#settled && connectAndSend());
  }

  #startTcp(): void {
    this.#transport = 'tcp';
    const socket = tcpConnect({
      host: this.#server.host,
      port: this.#server.port,
      ...(this.#sourceAddress === undefined ? {} : { localAddress: this.#sourceAddress }),
    });
    this.#tcp = socket;
    let buffered: Buffer = Buffer.alloc(0);
    socket.on('error', (error: NodeJS.ErrnoException) => this.#finish({ rcode: 'ERROR', error: error.code ?? error.message }));
    socket.on('connect', () => socket.write(dnsPacket.streamEncode(this.#query())));
    socket.on('data', (chunk: Buffer) => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      if (buffered.length < 2) return;
      const length = buffered.readUInt16BE(0);
      if (buffered.length < 2 + length) return;
      let response: DecodedPacket;
      try {
        response = dnsPacket.decode(buffered.subarray(2, 2 + length));
      } catch (error) {
        this.#finish({ rcode: 'ERROR', error: `malformed TCP response: ${(error as Error).message}` });
        return;
      }
      // Over TCP the connection is ours alone, so a mismatch is a server fault, not a stray packet.
      if (!this.#matches(response)) {
        this.#finish({ rcode: 'ERROR', error: 'TCP response does not match the query id or question' });
        return;
      }
      this.#finishWith(response);
    });
    socket.on('end', () => this.#finish({ rcode: 'ERROR', error: 'TCP connection closed before a full response' }));
  }

  #matches(response: DecodedPacket): boolean {
    if (response.type !== 'response' || response.id !== this.#id) return false;
    const question = response.questions?.[0];
    return (
      response.questions?.length === 1 &&
      question !== undefined &&
      question.type === 'A' &&
      question.name.toLowerCase().replace(/\.$/, '') === this.#qname
    );
  }

  #finishWith(response: DecodedPacket): void {
    const rcode = 'rcode' in response && typeof response.rcode === 'string' ? response.rcode : 'NOERROR';
    const { addresses, cnames, ttl } = addressesOf(response.answers ?? [], this.#qname);
    this.#finish(ttl === undefined ? { rcode, addresses, cnames } : { rcode, addresses, cnames, ttl });
  }

  #finish(result: { rcode: string; addresses?: string[]; cnames?: string[]; ttl?: number; error?: string }): void {
    if (this.#settled) return;
    this.#settled = true;
    const answer: DnsAnswer = {
      addresses: result.addresses ?? [],
      cnames: result.cnames ?? [],
      rcode: result.rcode,
      latencyMs: performance.now() - this.#started,
      transport: this.#transport,
      ...(result.ttl === undefined ? {} : { ttl: result.ttl }),
      ...(result.error === undefined ? {} : { error: result.error }),
    };
    // Settle only once the socket is closed, so nothing of this query outlives its promise.
    this.#cleanup(() => this.#resolve(answer));
  }

  #closeUdp(onClosed?: () => void): void {
    const socket = this.#udp;
    this.#udp = undefined;
    if (socket === undefined) {
      onClosed?.();
      return;
    }
    // Late ICMP errors after close must not become unhandled 'error' events.
    socket.removeAllListeners('message');
    socket.on('error', () => undefined);
    try {
      socket.close(onClosed);
    } catch {
      onClosed?.();
    }
  }

  #cleanup(onClosed?: () => void): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#signal?.removeEventListener('abort', this.#onAbort);
    const tcp = this.#tcp;
    this.#tcp = undefined;
    if (tcp === undefined) {
      this.#closeUdp(onClosed);
      return;
    }
    this.#closeUdp();
    tcp.removeAllListeners('data');
    tcp.on('error', () => undefined);
    if (onClosed !== undefined) tcp.once('close', onClosed);
    tcp.destroy();
  }
}

/**
 * A records for `qname`, following CNAMEs inside the answer section (a recursive resolver
 * returns the whole chain in one response), and the chain's names in the order followed.
 */
function addressesOf(answers: readonly Answer[], qname: string): { addresses: string[]; cnames: string[]; ttl?: number } {
  let current = qname;
  const cnames: string[] = [];
  for (let hop = 0; hop <= MAX_CNAME_HOPS; hop++) {
    const addresses = new Set<string>();
    let ttl: number | undefined;
    let cname: string | undefined;
    for (const answer of answers) {
      if (answer.name.toLowerCase().replace(/\.$/, '') !== current) continue;
      if (answer.type === 'A') {
        addresses.add(answer.data);
        if (answer.ttl !== undefined) ttl = ttl === undefined ? answer.ttl : Math.min(ttl, answer.ttl);
      } else if (answer.type === 'CNAME' && cname === undefined) {
        cname = answer.data.toLowerCase().replace(/\.$/, '');
      }
    }
    if (addresses.size > 0) {
      // Plain string order: every other part of drdrill compares address lists sorted the same way.
      const sorted = [...addresses].sort();
      return ttl === undefined ? { addresses: sorted, cnames } : { addresses: sorted, cnames, ttl };
    }
    if (cname === undefined || cnames.includes(cname)) break;
    cnames.push(cname);
    current = cname;
  }
  return { addresses: [], cnames };
}
