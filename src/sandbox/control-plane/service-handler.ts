import type { IncomingHttpHeaders } from 'node:http';
import type { SigV4Scope } from './sigv4-scope.ts';

/** One signed AWS request, already read and routed by credential scope. */
export interface AwsRequest {
  readonly method: string;
  /** URL path, still percent-encoded (ids and ARNs are decoded per segment by each handler). */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly scope: SigV4Scope;
  readonly requestId: string;
}

/** What a service handler answers, plus what the call log needs to know about it. */
export interface AwsResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** AWS operation name, e.g. `PutFunctionConcurrency`; `Unknown` when nothing matched. */
  readonly operation: string;
  readonly mutating: boolean;
  readonly errorCode?: string;
}

/** One AWS service the control plane speaks, chosen by the SigV4 service name. */
export interface AwsServiceHandler {
  /** SigV4 signing name, e.g. `route53`, `lambda`. */
  readonly signingName: string;
  handle(request: AwsRequest): AwsResponse;
}

/** One operation: method + path pattern → handler. Captured groups are passed percent-decoded. */
export interface OperationRoute<Context> {
  readonly method: string;
  readonly pattern: RegExp;
  readonly operation: string;
  readonly mutating: boolean;
  readonly run: (context: Context, params: readonly string[]) => AwsOperationResult;
}

/** A successful operation's status and body; errors are thrown as AwsServiceError. */
export interface AwsOperationResult {
  readonly status: number;
  readonly body: string;
}

/**
 * Finds the route for a request.
 *
 * @returns the route and its decoded path parameters, or undefined when no operation matches.
 */
export function matchRoute<Context>(
  routes: readonly OperationRoute<Context>[],
  method: string,
  path: string,
): { readonly route: OperationRoute<Context>; readonly params: readonly string[] } | undefined {
  for (const route of routes) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(path);
    if (match === null) continue;
    const params = match.slice(1).map((value) => decodeURIComponent(value ?? ''));
    return { route, params };
  }
  return undefined;
}
