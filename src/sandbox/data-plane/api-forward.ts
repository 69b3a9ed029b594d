import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OriginResolver } from './edge-endpoint.ts';
import { proxyRequest } from './proxy-request.ts';
import type { InvocationTracker } from './regional-endpoint.ts';
import type { ResolvedService } from '../topology/resolve-topology.ts';
import type { SandboxState } from '../sandbox-state.ts';

/** What a shared API needs to reach the services it forwards to: the sandbox DNS and the regions' port. */
export interface ForwardContext {
  readonly resolver: OriginResolver;
  readonly port: number;
}

/**
 * The service a shared API forwards `path` to (an HTTP proxy integration on a path prefix, to that
 * service's own name), or undefined when its own function answers. First matching prefix wins.
 */
export function forwardedService(state: SandboxState, service: ResolvedService, path: string): ResolvedService | undefined {
  const rule = service.forwards?.find((f) => path === f.pathPrefix || path.startsWith(`${f.pathPrefix}/`) || path.startsWith(`${f.pathPrefix}?`));
  return rule === undefined ? undefined : state.topology.services.find((candidate) => candidate.name === rule.service);
}

/**
 * Forwards a request to `target`'s record name, resolved through the sandbox DNS (for its TTL), so
 * the target's own failover decides which region answers; its answer passes through (its region
 * header included) with `x-drdrill-forwarded-by` naming the shared API's region. As API Gateway's
 * HTTP integrations do: an unreachable target is 500, none within the integration timeout 503.
 */
export function forwardToService(
  state: SandboxState,
  tracker: InvocationTracker,
  context: ForwardContext,
  region: string,
  target: ResolvedService,
  body: Buffer,
  req: IncomingMessage,
  res: ServerResponse,
  answer: (status: number, message: string) => void,
): void {
  context.resolver.resolve(target.recordName).then(
    (address) => {
      const proxied = {
        host: target.recordName,
        address,
        port: context.port,
        requestHeaders: { 'x-forwarded-for': req.socket.remoteAddress ?? '' },
        answerHeaders: { 'x-drdrill-forwarded-by': region },
        timeoutMs: state.topology.integrationTimeoutSeconds * state.topology.timeScale * 1000,
        body,
      };
      proxyRequest(proxied, tracker, req, res, (failure) => (failure.kind === 'timeout' ? answer(503, 'Service Unavailable') : answer(500, 'Internal Server Error')));
    },
    () => answer(500, 'Internal Server Error'),
  );
}
