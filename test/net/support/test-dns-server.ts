import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import dnsPacket from 'dns-packet';
import type { Answer, DecodedPacket } from 'dns-packet';

/** What the test server answers for one name; change it mid-test with `set`. */
export type TestZoneEntry =
  | { readonly kind: 'a'; readonly addresses: readonly string[]; readonly ttl?: number }
  | { readonly kind: 'cname'; readonly target: string; readonly ttl?: number }
  | { readonly kind: 'rcode'; readonly rcode: 'NXDOMAIN' | 'SERVFAIL' | 'REFUSED' }
  /** No reply at all to this query (a resolver that drops one client's queries). */
  | { readonly kind: 'drop' };

/** Who asked: the query's source address and its EDNS Client Subnet (`203.0.113.0/24`), if any. */
export interface TestQuery {
  readonly name: string;
  readonly source: string;
  readonly clientSubnet?: string;
  readonly transport: 'udp' | 'tcp';
}

export interface TestDnsServer {
  /** `host:port`, usable as a resolver string. */
  readonly address: string;
  readonly port: number;
  set(name: string, entry: TestZoneEntry): void;
  /** Names answered over UDP with only the TC bit (forcing a TCP retry). */
  readonly truncateOverUdp: Set<string>;
  /** When true the server swallows every query (a resolver that never answers). */
  silent: boolean;
  /** Queries received, per transport. */
  readonly counts: { udp: number; tcp: number };
  /** Epoch ms of each query received, in order (for interval checks). */
  readonly receivedAt: number[];
  /** Every query received, in order. */
  readonly queries: TestQuery[];
  /**
   * Answers by who asked, ahead of the zone map: return an entry for this query, or undefined to
   * use the zone (a latency record answered per client, as Route 53 does by resolver or ECS).
   */
  answerBy: ((query: TestQuery) => TestZoneEntry | undefined) | undefined;
  close(): Promise<void>;
}

const RCODES = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 } as const;

/**
 * A tiny authoritative DNS server on 127.0.0.1 (UDP and TCP on the same port) for tests; its zone is
 * a map the test edits while queries run.
 */
export async function startTestDnsServer(options: { readonly host?: string } = {}): Promise<TestDnsServer> {
  const host = options.host ?? '127.0.0.1';
  const zone = new Map<string, TestZoneEntry>();
  const truncateOverUdp = new Set<string>();
  const counts = { udp: 0, tcp: 0 };
  const receivedAt: number[] = [];
  const tcpSockets = new Set<Socket>();
  const queries: TestQuery[] = [];
  const state: { silent: boolean; answerBy: TestDnsServer['answerBy'] } = { silent: false, answerBy: undefined };

  function respond(query: DecodedPacket, overUdp: boolean, source: string): Buffer | undefined {
    receivedAt.push(Date.now());
    const question = query.questions?.[0];
    const qname = question?.name.toLowerCase().replace(/\.$/, '') ?? '';
    const clientSubnet = clientSubnetOf(query);
    const asked: TestQuery = { name: qname, source, transport: overUdp ? 'udp' : 'tcp', ...(clientSubnet === undefined ? {} : { clientSubnet }) };
    queries.push(asked);
    if (state.silent) return undefined;
    if (question === undefined) return undefined;
    const header = { type: 'response' as const, id: query.id ?? 0, questions: query.questions ?? [] };
    if (overUdp && truncateOverUdp.has(qname)) {
      return dnsPacket.encode({ ...header, flags: dnsPacket.AUTHORITATIVE_ANSWER | dnsPacket.TRUNCATED_RESPONSE, answers: [] });
    }
    const answers: Answer[] = [];
    let rcode: number = RCODES.NOERROR;
    let name = qname;
    for (let hop = 0; hop < 10; hop++) {
      const entry = (hop === 0 ? state.answerBy?.(asked) : undefined) ?? zone.get(name);
      if (entry === undefined) {
        if (hop === 0) rcode = RCODES.NXDOMAIN;
        break;
      }
      if (entry.kind === 'drop') return undefined;
      if (entry.kind === 'rcode') {
        rcode = RCODES[entry.rcode];
        break;
      }
      if (entry.kind === 'cname') {
        answers.push({ type: 'CNAME', name, ttl: entry.ttl ?? 60, class: 'IN', data: entry.target });
        name = entry.target;
        continue;
      }
      if (question.type === 'A') {
        for (const address of entry.addresses) answers.push({ type: 'A', name, ttl: entry.ttl ?? 60, class: 'IN', data: address });
      }
      break;
    }
    return dnsPacket.encode({ ...header, flags: dnsPacket.AUTHORITATIVE_ANSWER | rcode, answers });
  }

  const onUdpMessage = (udp: UdpSocket, message: Buffer, remote: { port: number; address: string }): void => {
    counts.udp++;
    let query: DecodedPacket;
    try {
      query = dnsPacket.decode(message);
    } catch {
      return;
    }
    const reply = respond(query, true, remote.address);
    if (reply !== undefined) udp.send(reply, remote.port, remote.address);
  };

  const tcp: Server = createServer((socket) => {
    tcpSockets.add(socket);
    socket.on('close', () => tcpSockets.delete(socket));
    socket.on('error', () => undefined);
    let buffered: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
        const length = buffered.readUInt16BE(0);
        const query = dnsPacket.decode(buffered.subarray(2, 2 + length));
        buffered = buffered.subarray(2 + length);
        counts.tcp++;
        const reply = respond(query, false, socket.remoteAddress ?? '');
        if (reply === undefined) continue;
        const framed = Buffer.alloc(2 + reply.length);
        framed.writeUInt16BE(reply.length, 0);
        reply.copy(framed, 2);
        socket.write(framed);
      }
    });
  });

  // UDP and TCP must share a port; an ephemeral UDP port can be taken on TCP, so retry a few times.
  let udp: UdpSocket | undefined;
  let port = 0;
  for (let attempt = 0; attempt < 10 && udp === undefined; attempt++) {
    const candidate = createSocket('udp4');
    candidate.on('message', (message, remote) => onUdpMessage(candidate, message, remote));
    await new Promise<void>((resolve) => candidate.bind(0, host, resolve));
    port = candidate.address().port;
    const listened = await new Promise<boolean>((resolve) => {
      const onError = (): void => resolve(false);
      tcp.once('error', onError);
      tcp.listen(port, host, () => {
        tcp.off('error', onError);
        resolve(true);
      });
    });
    if (listened) udp = candidate;
    else await new Promise<void>((resolve) => candidate.close(() => resolve()));
  }
  if (udp === undefined) throw new Error('test DNS server: no port free on both UDP and TCP after 10 tries');
  const boundUdp = udp;

  return {
    address: `${host}:${port}`,
    port,
    set: (name, entry) => zone.set(name.toLowerCase().replace(/\.$/, ''), entry),
    truncateOverUdp,
    get silent() {
      return state.silent;
    },
    set silent(value: boolean) {
      state.silent = value;
    },
    get answerBy() {
      return state.answerBy;
    },
    set answerBy(value) {
      state.answerBy = value;
    },
    counts,
    receivedAt,
    queries,
    close: async () => {
      for (const socket of tcpSockets) socket.destroy();
      await Promise.all([
        new Promise<void>((resolve) => boundUdp.close(() => resolve())),
        new Promise<void>((resolve) => tcp.close(() => resolve())),
      ]);
    },
  };
}

/** The query's EDNS Client Subnet as `address/prefix`, when it carried one. */
function clientSubnetOf(query: DecodedPacket): string | undefined {
  for (const record of query.additionals ?? []) {
    if (record.type !== 'OPT') continue;
    for (const option of record.options) {
      if (option.code === 8 && 'ip' in option && option.ip !== undefined) return `${option.ip}/${option.sourcePrefixLength ?? 0}`;
    }
  }
  return undefined;
}
