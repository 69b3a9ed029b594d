import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { isIP } from 'node:net';
import { forwardedService, forwardToService, type ForwardContext } from './api-forward.ts';
import { hitsShare, deploymentFaults } from './deployment-faults.ts';
import { normalizeDnsName } from '../dns/hosted-zone.ts';
import { SandboxListenError, closeHttp, isAddressInUse, listenTcp, PORT_ATTEMPTS } from './listen.ts';
import type { ResolvedDeployment, ResolvedService } from '../topology/resolve-topology.ts';
import type { SandboxState } from '../sandbox-state.ts';
import { SANDBOX_TLS_CERT, SANDBOX_TLS_KEY } from './sandbox-tls.ts';

/** A loopback address to listen on and the name its servers answer for. */
export interface ListenAddress {
  readonly name: string;
  readonly address: string;
}

/** A request handler bound to the address it was accepted on. */
export type AddressHandler = (name: string, req: IncomingMessage, res: ServerResponse) => void;

/** HTTP (and optionally HTTPS) servers on one shared port per scheme across several addresses. */
export interface SharedPortServers {
  readonly port: number;
  readonly tlsPort?: number;
  /** Starts answering (listeners are bound before the state exists, to learn the ports). */
  serve(handler: AddressHandler): void;
  /**
   * Listens for `name` on one more address too, on the same port(s) (HTTPS as well when `name`
   * has it), answering with the handler given to `serve`.
   *
   * @throws SandboxListenError when the port is taken on that address.
   */
  listenAlso(name: string, address: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Binds one HTTP server per address on a port shared by all of them (and, with `tls`, one HTTPS
 * server per address on a second shared port). With port 0 the first address gets an ephemeral
 * port, the others must take the same one, and an EADDRINUSE anywhere starts over.
 *
 * @throws SandboxListenError naming the port and addresses when no shared port could be bound.
 */
export async function listenSharedPort(
  addresses: readonly ListenAddress[],
  requestedPort: number,
  tls: { readonly addresses: readonly ListenAddress[]; readonly port: number } | undefined,
): Promise<SharedPortServers> {
  const http = await bindShared(addresses, requestedPort, 'httpPort', () => createServer());
  let https: Bound | undefined;
  try {
    if (tls !== undefined && tls.addresses.length > 0) {
      https = await bindShared(tls.addresses, tls.port, 'httpsPort', () => createHttpsServer({ key: SANDBOX_TLS_KEY, cert: SANDBOX_TLS_CERT }));
    }
  } catch (error) {
    await Promise.all(http.servers.map(({ server }) => closeHttp(server)));
    throw error;
  }
  const all: { readonly name: string; readonly server: Server }[] = [...http.servers, ...(https?.servers ?? [])];
  let serving: AddressHandler | undefined;
  const attach = (name: string, server: Server): void => {
    server.on('request', (req: IncomingMessage, res: ServerResponse) => serving?.(name, req, res));
  };
  for (const { name, server } of all) attach(name, server);
  const bindOne = async (name: string, address: string, port: number, field: string, make: () => Server): Promise<void> => {
    const server = make();
    try {
      await listenTcp(server, address, port);
    } catch (error) {
      await closeHttp(server);
      throw new SandboxListenError(`${field}: could not bind port ${port} on ${address}: ${(error as Error).message}`);
    }
    attach(name, server);
    all.push({ name, server });
  };
  return {
    port: http.port,
    ...(https === undefined ? {} : { tlsPort: https.port }),
    serve(handler: AddressHandler): void {
      serving = handler;
    },
    async listenAlso(name: string, address: string): Promise<void> {
      await bindOne(name, address, http.port, 'httpPort', () => createServer());
      if (https !== undefined && https.servers.some((s) => s.name === name)) {
        await bindOne(name, address, https.port, 'httpsPort', () => createHttpsServer({ key: SANDBOX_TLS_KEY, cert: SANDBOX_TLS_CERT }));
      }
    },
    async close(): Promise<void> {
      await Promise.all(all.map(({ server }) => closeHttp(server)));
    },
  };
}

interface Bound {
  readonly port: number;
  readonly servers: readonly { readonly name: string; readonly server: Server }[];
}

async function bindShared(addresses: readonly ListenAddress[], requestedPort: number, field: string, make: () => Server): Promise<Bound> {
  const attempts = requestedPort === 0 ? PORT_ATTEMPTS : 1;
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const servers: { readonly name: string; readonly server: Server }[] = [];
    try {
      let port = requestedPort;
      for (const { name, address } of addresses) {
        const server = make();
        servers.push({ name, server });
        port = await listenTcp(server, address, port);
      }
      return { port, servers };
    } catch (error) {
      await Promise.all(servers.map(({ server }) => closeHttp(server)));
      if (!isAddressInUse(error)) throw error;
      lastError = error;
    }
  }
  throw new SandboxListenError(
    `${field}: could not bind ${requestedPort === 0 ? 'a shared ephemeral port' : `port ${requestedPort}`} on every address ` +
      `(${addresses.map((r) => r.address).join(', ')}): ${(lastError as Error).message}`,
  );
}

/** How a request reached a deployment. */
export type Route =
  | { readonly kind: 'deployment'; readonly service: ResolvedService; readonly deployment: ResolvedDeployment; readonly via: 'custom-domain' | 'execute-api' | 'address' }
  | { readonly kind: 'forbidden' }
  | { readonly kind: 'not-found' };

/**
 * Routes by Host as API Gateway does: the API's execute-api host reaches the API directly; a
 * custom domain goes through its API mappings (none for the path: 403 Forbidden); an IP-literal
 * host (no name at all) reaches the first service, so plain `curl http://127.0.0.2:port/` works.
 */
export function routeRequest(state: SandboxState, region: string, host: string | undefined, path: string): Route {
  const hostname = normalizeDnsName((host ?? '').replace(/:\d+$/, '').replace(/^\[|\]$/g, ''));
  for (const service of state.topology.services) {
    const deployment = service.deployments.find((d) => d.executeApiHost === hostname);
    if (deployment !== undefined) {
      return deployment.region === region ? { kind: 'deployment', service, deployment, via: 'execute-api' } : { kind: 'not-found' };
    }
  }
  const domain = state.apiGateway.findDomain(region, hostname);
  if (domain !== undefined) {
    const mapping = state.apiGateway.mappingFor(domain, path);
    if (mapping === undefined) return { kind: 'forbidden' };
    for (const service of state.topology.services) {
      const deployment = service.deployments.find((d) => d.region === region && d.apiId === mapping.apiId);
      if (deployment !== undefined) return { kind: 'deployment', service, deployment, via: 'custom-domain' };
    }
    return { kind: 'not-found' };
  }
  if (hostname === '' || isIP(hostname) !== 0) {
    const service = state.topology.services[0];
    const deployment = service?.deployments.find((d) => d.region === region);
    if (service !== undefined && deployment !== undefined) return { kind: 'deployment', service, deployment, via: 'address' };
    return { kind: 'not-found' };
  }
  return { kind: 'forbidden' };
}

/** Per-fault invocation counters (for deterministic shares) and pending timers (closed with the sandbox). */
export class InvocationTracker {
  readonly #counters = new Map<string, number>();
  readonly #timers = new Set<NodeJS.Timeout>();

  next(key: string): number {
    const n = this.#counters.get(key) ?? 0;
    this.#counters.set(key, n + 1);
    return n;
  }

  after(ms: number, run: () => void, res: ServerResponse): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      run();
    }, ms);
    this.#timers.add(timer);
    res.on('close', () => {
      clearTimeout(timer);
      this.#timers.delete(timer);
    });
  }

  close(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }
}

/**
 * One request to a region's "API Gateway", answered as clients see AWS when things break:
 * unmapped custom domain → 403 `{"message":"Forbidden"}`; backend security group closed → no
 * answer until the (scaled) integration timeout, then 503; throttled function → 500; FIS action
 * or failure flag → its status at its rate; otherwise the function says where it ran.
 */
export function handleRegionalRequest(
  state: SandboxState,
  tracker: InvocationTracker,
  forwarding: ForwardContext,
  region: string,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  // Read the body whole (keep-alive connections stay usable): the simulated function ignores it,
  // a shared API forwards it.
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  const path = req.url ?? '/';
  const route = routeRequest(state, region, req.headers.host, path);
  if (route.kind === 'forbidden') {
    sendJson(res, 403, JSON.stringify({ message: 'Forbidden' }), 'application/json', region);
    return;
  }
  if (route.kind === 'not-found') {
    sendJson(res, 404, JSON.stringify({ message: 'Not Found' }), 'application/json', region);
    return;
  }
  const { service, deployment } = route;
  const faults = deploymentFaults(state, deployment).filter((f) => f.effect.kind !== 'forbidden');
  const invoke = (index: number): void => {
    const fault = faults[index];
    const forwardTo = fault === undefined ? forwardedService(state, service, path) : undefined;
    if (forwardTo !== undefined) {
      const send = (): void =>
        forwardToService(state, tracker, forwarding, region, forwardTo, Buffer.concat(chunks), req, res, (status, message) =>
          sendJson(res, status, JSON.stringify({ message }), 'application/json', region),
        );
      if (req.readableEnded) send();
      else req.once('end', send);
      return;
    }
    if (fault === undefined) {
      const body = JSON.stringify({ region, service: service.name, function: deployment.functionName, path });
      sendJson(res, 200, body, 'application/json', region);
      return;
    }
    const effect = fault.effect;
    const key = `${region}|${service.name}|${fault.fault}`;
    switch (effect.kind) {
      case 'hang':
        tracker.after(state.topology.integrationTimeoutSeconds * state.topology.timeScale * 1000, () => {
          sendJson(res, 503, JSON.stringify({ message: 'Service Unavailable' }), 'application/json', region);
        }, res);
        return;
      case 'respond':
        if (hitsShare(effect.share, tracker.next(key))) {
          sendJson(res, effect.status, effect.body, effect.contentType, region);
          return;
        }
        invoke(index + 1);
        return;
      case 'delay':
        if (hitsShare(effect.share, tracker.next(key))) {
          tracker.after(effect.ms, () => invoke(index + 1), res);
          return;
        }
        invoke(index + 1);
        return;
      case 'forbidden':
        invoke(index + 1);
        return;
    }
  };
  invoke(0);
}

function sendJson(res: ServerResponse, status: number, body: string, contentType: string, region: string): void {
  if (res.headersSent || res.destroyed) return;
  // Sandbox-only header on every answer, errors included, so load samples can attribute
  // failures to a region without trusting the connected address.
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    'x-drdrill-region': region,
    'apigw-requestid': Math.random().toString(36).slice(2, 14),
  });
  res.end(body);
}
