import { isSecretKey } from '../evidence/redact-secrets.ts';

/** HTTP methods a load request may use. */
export const REQUEST_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export type RequestMethod = (typeof REQUEST_METHODS)[number];

/**
 * Methods whose request content has defined semantics (RFC 9110 §9.3): a body on GET, HEAD,
 * DELETE or OPTIONS is something servers and proxies may drop or refuse, so it is refused here.
 */
const METHODS_WITH_BODY: readonly RequestMethod[] = ['POST', 'PUT', 'PATCH'];

/**
 * Headers the engine owns: framing and connection reuse decide what a drill measures (a client
 * stuck on a dead region, a fresh DNS answer per request), so a request may not set them.
 */
const ENGINE_OWNED_HEADERS: readonly string[] = ['connection', 'content-length', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade'];

/**
 * Headers that carry credentials besides those the redactor already treats as secret keys
 * (authorization, cookie, x-api-key, anything naming a token, secret, password or credential).
 */
const SECRET_HEADER = /session|^x-amz-security-token$/i;

/** A header's value: as written, or the value of an environment variable read when load starts. */
export type HeaderValue = string | { readonly fromEnv: string };

/** What each request of a target sends besides its URL. */
export interface LoadRequest {
  /** Default GET. */
  readonly method?: RequestMethod;
  /** Extra request headers by name (any case); `Host` replaces the URL's host in the Host header. */
  readonly headers?: Readonly<Record<string, HeaderValue>>;
  /** Request content, only with a method in METHODS_WITH_BODY. */
  readonly body?: string;
}

/** The token grammar of RFC 9110 §5.6.2. */
export function isHeaderName(name: string): boolean {
  return /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name);
}

/** Visible characters, spaces and tabs only: a CR or LF would let a value start a header of its own. */
function isHeaderValue(value: string): boolean {
  return /^[\t\x20-\x7e\x80-\xff]*$/.test(value);
}

function isEnvironmentVariableName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}

/**
 * Whether a header carries a credential. Its value must come from the environment (`fromEnv`), so
 * it is never in a file a team commits, in the journal, or on a k6 command line.
 */
function isSecretHeader(name: string): boolean {
  return isSecretKey(name) || SECRET_HEADER.test(name);
}

function takesBody(method: RequestMethod | undefined): boolean {
  return METHODS_WITH_BODY.includes(method ?? 'GET');
}

/** Stands for a value a problem must not repeat. */
const REDACTED_VALUE: unique symbol = Symbol('a literal value');

/** One thing wrong with a request: the field below the request, the value, what was expected. */
export interface LoadRequestProblem {
  readonly path: readonly string[];
  /** REDACTED_VALUE when the value is a credential. */
  readonly value: unknown;
  readonly expected: string;
}

/** `expected …, got "…"`, the wording of the environment schema's messages. */
export function describeRequestProblem(problem: LoadRequestProblem): string {
  const got = problem.value === REDACTED_VALUE ? 'a literal value' : (JSON.stringify(problem.value) ?? String(problem.value));
  return `expected ${problem.expected}, got ${got}`;
}

/**
 * What is wrong with a request; empty when it can be sent. Shared by the environment schema and
 * the load plan check, so both refuse the same things.
 */
export function loadRequestProblems(request: LoadRequest): LoadRequestProblem[] {
  const problems: LoadRequestProblem[] = [];
  const add = (path: readonly string[], value: unknown, expected: string): void => {
    problems.push({ path, value, expected });
  };
  if (request.method !== undefined && !(REQUEST_METHODS as readonly string[]).includes(request.method)) {
    add(['method'], request.method, `one of ${REQUEST_METHODS.join(', ')}`);
  }
  if (request.body !== undefined && !takesBody(request.method)) {
    add(['body'], request.body, `no body with method ${request.method ?? 'GET'} (a body goes with ${METHODS_WITH_BODY.join(', ')})`);
  }
  const seen = new Map<string, string>();
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    const lower = name.toLowerCase();
    const field = ['headers', name];
    if (!isHeaderName(name)) add(field, name, 'an HTTP header name such as "x-request-id"');
    else if (ENGINE_OWNED_HEADERS.includes(lower)) add(field, name, `a header the load engine does not set itself (not ${ENGINE_OWNED_HEADERS.join(', ')})`);
    const other = seen.get(lower);
    if (other !== undefined) add(field, name, `one spelling per header (also given as "${other}")`);
    seen.set(lower, name);
    if (typeof value === 'string') {
      // The value itself is never repeated in a message: it is a credential.
      if (isSecretHeader(name)) add(field, REDACTED_VALUE, '{ fromEnv: "VARIABLE" }: a credential header is read from an environment variable, never written in a file');
      else if (!isHeaderValue(value)) add(field, value, 'a header value without control characters (no CR or LF)');
    } else if (typeof value !== 'object' || value === null || typeof value.fromEnv !== 'string' || !isEnvironmentVariableName(value.fromEnv)) {
      add(field, value, 'a string, or { fromEnv: "VARIABLE_NAME" } naming an environment variable');
    }
  }
  return problems;
}

/** Environment variables a request reads that are not set, as [field path, variable]. */
export function unsetRequestVariables(request: LoadRequest, env: NodeJS.ProcessEnv): [field: string, variable: string][] {
  const unset: [string, string][] = [];
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (typeof value === 'object' && env[value.fromEnv] === undefined) unset.push([`headers.${name}`, value.fromEnv]);
  }
  return unset;
}

/** Every environment variable the requests read (`fromEnv`), sorted, once each. */
export function requestVariables(requests: readonly (LoadRequest | undefined)[]): string[] {
  const names = new Set<string>();
  for (const request of requests) for (const value of Object.values(request?.headers ?? {})) if (typeof value === 'object') names.add(value.fromEnv);
  return [...names].sort();
}

/**
 * The headers to send, names lower-cased and every `fromEnv` read from `env` now.
 *
 * @throws Error naming the header and the variable when one is not set (preflight checks this first).
 */
export function resolveRequestHeaders(request: LoadRequest | undefined, env: NodeJS.ProcessEnv): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request?.headers ?? {})) {
    const resolved = typeof value === 'string' ? value : env[value.fromEnv];
    if (typeof value !== 'string') {
      if (resolved === undefined) throw new Error(`request header ${name} reads environment variable ${value.fromEnv}, which is not set`);
      if (!isHeaderValue(resolved)) throw new Error(`request header ${name}: environment variable ${value.fromEnv} holds a control character (CR or LF); expected a header value`);
    }
    headers[name.toLowerCase()] = resolved ?? '';
  }
  return headers;
}
