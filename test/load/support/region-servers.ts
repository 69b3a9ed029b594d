import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';

/** How a test region answers: 200 with its region header, never, or a fixed status. */
export type RegionMode = 'ok' | 'stall' | { readonly status: number };

export interface RegionServer {
  readonly address: string;
  readonly region: string;
  mode: RegionMode;
  /** Requests whose headers arrived, with arrival time (epoch ms) and Host header. */
  readonly requests: { at: number; host: string | undefined }[];
  /** TCP connections accepted. */
  connections: number;
  /** Connections currently open. */
  readonly openSockets: Set<Socket>;
}

export interface RegionServers {
  /** The port every region listens on (a DNS failover changes the address, not the port). */
  readonly port: number;
  readonly servers: readonly RegionServer[];
  byAddress(address: string): RegionServer;
  close(): Promise<void>;
}

export const REGION_HEADER = 'x-drdrill-region';

/** Starts one HTTP server per region, all on the same port, each on its own 127.0.0.x address. */
export async function startRegionServers(specs: readonly { address: string; region: string }[]): Promise<RegionServers> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const started: { state: RegionServer; http: Server }[] = [];
    let port = 0;
    let ok = true;
    for (const spec of specs) {
      const state: RegionServer = { ...spec, mode: 'ok', requests: [], connections: 0, openSockets: new Set() };
      const http = createServer((request, response) => {
        state.requests.push({ at: Date.now(), host: request.headers.host });
        const mode = state.mode;
        if (mode === 'stall') return;
        response.writeHead(mode === 'ok' ? 200 : mode.status, { [REGION_HEADER]: state.region, 'content-type': 'text/plain' });
        response.end(`served by ${state.region}\n`);
      });
      http.on('connection', (socket: Socket) => {
        state.connections++;
        state.openSockets.add(socket);
        socket.on('close', () => state.openSockets.delete(socket));
      });
      const listened = await new Promise<boolean>((resolve) => {
        http.once('error', () => resolve(false));
        http.listen(port, spec.address, () => resolve(true));
      });
      if (!listened) {
        ok = false;
        break;
      }
      const address = http.address();
      if (port === 0 && address !== null && typeof address === 'object') port = address.port;
      started.push({ state, http });
    }
    if (ok) {
      const servers = started.map((entry) => entry.state);
      return {
        port,
        servers,
        byAddress: (address) => {
          const found = servers.find((server) => server.address === address);
          if (found === undefined) throw new Error(`no test region on ${address}`);
          return found;
        },
        close: () => closeAll(started.map((entry) => entry.http)),
      };
    }
    await closeAll(started.map((entry) => entry.http));
  }
  throw new Error('could not find one port free on every test region address after 10 tries');
}

async function closeAll(servers: readonly Server[]): Promise<void> {
  await Promise.all(
    servers.map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
}
