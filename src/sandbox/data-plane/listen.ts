import type { Server } from 'node:http';
import type { Server as NetServer } from 'node:net';
import type { Socket as UdpSocket } from 'node:dgram';

/** Thrown when a sandbox listener cannot get the port it needs. */
export class SandboxListenError extends Error {
  override readonly name = 'SandboxListenError';
}

/** True for the error Node raises when a port is taken. */
export function isAddressInUse(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE';
}

/** Starts a TCP (or HTTP) server on host:port and resolves with the bound port. */
export function listenTcp(server: NetServer | Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

/** Binds a UDP socket on host:port and resolves with the bound port. */
export function bindUdp(socket: UdpSocket, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    socket.once('error', onError);
    socket.bind({ address: host, port, exclusive: true }, () => {
      socket.off('error', onError);
      resolve(socket.address().port);
    });
  });
}

/** Closes an HTTP server, dropping idle keep-alive connections so close resolves promptly. */
export function closeHttp(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Closes a plain TCP server (its connections must be destroyed by the caller). */
export function closeTcp(server: NetServer): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
  });
}

/** Closes a UDP socket; resolves even if it was never bound. */
export function closeUdp(socket: UdpSocket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      // ERR_SOCKET_DGRAM_NOT_RUNNING: nothing to close.
      resolve();
    }
  });
}

/** How many times a shared port is retried before giving up (each try picks a new ephemeral port). */
export const PORT_ATTEMPTS = 20;
