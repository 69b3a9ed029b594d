import { request } from 'node:http';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { InvocationTracker } from './regional-endpoint.ts';

/** Where a proxy sends a request and how it dresses the answer. */
export interface ProxyTarget {
  /** The name the upstream is asked for (its Host), and the address it resolved to. */
  readonly host: string;
  readonly address: string;
  readonly port: number;
  /** Headers added to (or replacing) the client's on the way up. */
  readonly requestHeaders: OutgoingHttpHeaders;
  /** Headers added to (or replacing) the upstream's on the way back. */
  readonly answerHeaders: Readonly<Record<string, string>>;
  /** No answer within this long (ms) is a timeout. */
  readonly timeoutMs: number;
  /** The request body, when the caller has read it already; otherwise the client's is piped up. */
  readonly body?: Buffer;
}

/** Why the upstream gave no answer. */
export type ProxyFailure = { readonly kind: 'unreachable'; readonly message: string } | { readonly kind: 'timeout' };

/**
 * Forwards one request on a fresh upstream connection (no keep-alive, so every request goes where
 * the name resolves now) and passes the answer through with its headers; the caller answers
 * failures in its own shape (CloudFront's error page, API Gateway's JSON).
 */
export function proxyRequest(target: ProxyTarget, tracker: InvocationTracker, req: IncomingMessage, res: ServerResponse, onFailure: (failure: ProxyFailure) => void): void {
  const headers = { ...req.headers, host: target.host, ...target.requestHeaders };
  if (target.body !== undefined) {
    delete headers['transfer-encoding'];
    headers['content-length'] = String(target.body.length);
  }
  const upstream = request({ host: target.address, port: target.port, method: req.method ?? 'GET', path: req.url ?? '/', headers, agent: false });
  let done = false;
  tracker.after(target.timeoutMs, () => {
    if (done) return;
    done = true;
    upstream.destroy();
    onFailure({ kind: 'timeout' });
  }, res);
  upstream.on('response', (answer) => {
    if (done) {
      answer.resume();
      return;
    }
    done = true;
    const out: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined && name !== 'connection' && name !== 'keep-alive') out[name] = value;
    res.writeHead(answer.statusCode ?? 502, { ...out, ...target.answerHeaders });
    answer.pipe(res);
  });
  upstream.on('error', (error) => {
    if (done) return;
    done = true;
    onFailure({ kind: 'unreachable', message: error.message });
  });
  if (target.body === undefined) req.pipe(upstream);
  else upstream.end(target.body);
}
