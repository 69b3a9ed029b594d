import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { SandboxListenError, closeHttp, isAddressInUse, listenTcp, PORT_ATTEMPTS } from './listen.ts';
import { normalizeDnsName } from './hosted-zone.ts';
import type { SandboxState } from './sandbox-state.ts';
import type { SandboxRegion, SandboxService } from './topology.ts';

/** Every region's "API Gateway + Lambda", listening on one port shared by all region addresses. */
export interface RegionalEndpoints {
  readonly port: number;
  /** Starts answering from `state` (listeners are bound before the state exists, to learn the port). */
  serve(state: SandboxState): void;
  close(): Promise<void>;
}

/**
 * Binds one HTTP server per region on `region.address:port`. With port 0 it picks a port that
 * is free on every address: the first region gets an ephemeral port, the others must take the
 * same one, and an EADDRINUSE anywhere starts over with a new port.
 *
 * @throws SandboxListenError when no shared port could be bound.
 */
export async function listenRegionalEndpoints(
  regions: readonly SandboxRegion[],
  requestedPort: number,
): Promise<RegionalEndpoints> {
  const attempts = requestedPort === 0 ? PORT_ATTEMPTS : 1;
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const servers: { readonly region: SandboxRegion; readonly server: Server }[] = [];
    try {
      let port = requestedPort;
      for (const region of regions) {
        const server = createServer();
        servers.push({ region, server });
        port = await listenTcp(server, region.address, port);
      }
      return endpoints(servers, port);
    } catch (error) {
      await Promise.all(servers.map(({ server }) => closeHttp(server)));
      if (!isAddressInUse(error)) throw error;
      lastError = error;
    }
  }
  throw new SandboxListenError(
    `httpPort: could not bind ${requestedPort === 0 ? 'a shared ephemeral port' : `port ${requestedPort}`} on every region address ` +
      `(${regions.map((r) => r.address).join(', ')}): ${(lastError as Error).message}`,
  );
}

function endpoints(servers: readonly { readonly region: SandboxRegion; readonly server: Server }[], port: number): RegionalEndpoints {
  return {
    port,
    serve(state: SandboxState): void {
      for (const { region, server } of servers) {
        server.on('request', (req: IncomingMessage, res: ServerResponse) => {
          handleRegionalRequest(state, region.name, req, res);
        });
      }
    },
    async close(): Promise<void> {
      await Promise.all(servers.map(({ server }) => closeHttp(server)));
    },
  };
}

/** The service whose record name is the request's Host (port stripped); the first service otherwise. */
export function serviceForHost(state: SandboxState, host: string | undefined): SandboxService | undefined {
  const hostname = normalizeDnsName((host ?? '').replace(/:\d+$/, ''));
  const services = state.topology.services;
  return services.find((s) => normalizeDnsName(s.recordName) === hostname) ?? services[0];
}

/**
 * One invocation of the region's function, answered as API Gateway would: a throttled function
 * (reserved concurrency 0) becomes the HTTP API's 500; otherwise the function says where it ran.
 * The health path is not special, so health checks see exactly what clients see.
 */
export function handleRegionalRequest(state: SandboxState, region: string, req: IncomingMessage, res: ServerResponse): void {
  // Drain the body so keep-alive connections stay usable; the simulated function ignores it.
  req.resume();
  const service = serviceForHost(state, req.headers.host);
  const fn = service === undefined ? undefined : state.functionFor(service, region);
  const path = req.url ?? '/';
  if (service === undefined || fn === undefined) {
    sendJson(res, 404, { message: 'Not Found' }, region);
    return;
  }
  if (fn.reservedConcurrency === 0) {
    sendJson(res, 500, { message: 'Internal Server Error' }, region);
    return;
  }
  sendJson(res, 200, { region, service: service.name, function: fn.functionName, path }, region);
}

function sendJson(res: ServerResponse, status: number, body: object, region: string): void {
  const text = JSON.stringify(body);
  // Sandbox-only header on every answer, errors included, so load samples can attribute
  // failures to a region without trusting the connected address.
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-drdrill-region': region,
  });
  res.end(text);
}
