import { createSocket } from 'node:dgram';
import type { Socket as UdpSocket } from 'node:dgram';
import { createServer } from 'node:net';
import type { Server as TcpServer, Socket } from 'node:net';
import { PORT_ATTEMPTS, SandboxListenError, bindUdp, closeTcp, closeUdp, isAddressInUse, listenTcp } from '../data-plane/listen.ts';

/** Turns one DNS message into its response (undefined: send nothing). */
export type DnsResponder = (message: Buffer, transport: 'udp' | 'tcp', clientAddress: string | undefined) => Buffer | undefined;

/** The sandbox's DNS listener: UDP and TCP on one port. */
export interface DnsServer {
  readonly host: string;
  readonly port: number;
  /** Starts answering (the sockets are bound first, to learn the port, before the zone exists). */
  serve(responder: DnsResponder): void;
  close(): Promise<void>;
}

// A client that opens a TCP connection and goes quiet must not keep the sandbox open.
const TCP_IDLE_MS = 10_000;
// RFC 1035 §4.2.2: two-byte length prefix.
const LENGTH_PREFIX = 2;

/**
 * Binds UDP and TCP on host:port (same number for both). With port 0 the UDP socket takes an
 * ephemeral port and TCP must get the same one; EADDRINUSE starts over with a new port.
 *
 * @throws SandboxListenError when no port is free for both.
 */
export async function listenDns(host: string, requestedPort: number): Promise<DnsServer> {
  const attempts = requestedPort === 0 ? PORT_ATTEMPTS : 1;
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const udp = createSocket({ type: host.includes(':') ? 'udp6' : 'udp4' });
    const tcp = createServer();
    try {
      const port = await bindUdp(udp, host, requestedPort);
      await listenTcp(tcp, host, port);
      return dnsServer(host, port, udp, tcp);
    } catch (error) {
      await Promise.all([closeUdp(udp), closeTcp(tcp)]);
      if (!isAddressInUse(error)) throw error;
      lastError = error;
    }
  }
  throw new SandboxListenError(
    `dnsPort: could not bind ${requestedPort === 0 ? 'an ephemeral port' : `port ${requestedPort}`} on ${host} for both UDP and TCP: ${(lastError as Error).message}`,
  );
}

function dnsServer(host: string, port: number, udp: UdpSocket, tcp: TcpServer): DnsServer {
  const connections = new Set<Socket>();
  tcp.on('connection', (socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
  });
  // Until serve() is called, connections are accepted but nothing is answered.
  return {
    host,
    port,
    serve(responder: DnsResponder): void {
      udp.on('message', (message, remote) => {
        const response = safeRespond(responder, message, 'udp', remote.address);
        if (response !== undefined) udp.send(response, remote.port, remote.address);
      });
      // A socket error (e.g. ICMP port unreachable for a vanished client) must not crash the sandbox.
      udp.on('error', () => undefined);
      tcp.on('connection', (socket) => serveTcp(socket, responder));
    },
    async close(): Promise<void> {
      for (const socket of connections) socket.destroy();
      await Promise.all([closeUdp(udp), closeTcp(tcp)]);
    },
  };
}

function serveTcp(socket: Socket, responder: DnsResponder): void {
  let pending = Buffer.alloc(0);
  socket.setTimeout(TCP_IDLE_MS, () => socket.destroy());
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    // One connection may carry several length-prefixed queries, split across reads in any way.
    while (pending.length >= LENGTH_PREFIX) {
      const length = pending.readUInt16BE(0);
      if (pending.length < LENGTH_PREFIX + length) break;
      const message = pending.subarray(LENGTH_PREFIX, LENGTH_PREFIX + length);
      pending = pending.subarray(LENGTH_PREFIX + length);
      const response = safeRespond(responder, message, 'tcp', socket.remoteAddress);
      if (response === undefined) continue;
      const prefix = Buffer.alloc(LENGTH_PREFIX);
      prefix.writeUInt16BE(response.length, 0);
      socket.write(Buffer.concat([prefix, response]));
    }
  });
}

function safeRespond(responder: DnsResponder, message: Buffer, transport: 'udp' | 'tcp', clientAddress: string | undefined): Buffer | undefined {
  try {
    return responder(message, transport, clientAddress);
  } catch {
    // A query the responder cannot handle gets SERVFAIL rather than taking the server down.
    if (message.length < 12) return undefined;
    const header = Buffer.alloc(12);
    header.writeUInt16BE(message.readUInt16BE(0), 0);
    const SERVFAIL = 2;
    header.writeUInt16BE(0x8000 | (message.readUInt16BE(2) & 0x7900) | SERVFAIL, 2);
    return header;
  }
}
