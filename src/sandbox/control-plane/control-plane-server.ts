import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { AwsServiceError, MalformedRequestError } from './aws-errors.ts';
import type { CallLog } from '../event-log.ts';
import { renderJsonError } from './rest-json.ts';
import { renderXmlError } from './rest-xml.ts';
import type { SandboxDescription, SandboxEvent } from '../sandbox-handle.ts';
import { parseSigV4Scope } from './sigv4-scope.ts';
import type { AwsRequest, AwsResponse, AwsServiceHandler } from './service-handler.ts';

/** What the control plane serves. */
export interface ControlPlaneOptions {
  readonly services: readonly AwsServiceHandler[];
  readonly calls: CallLog;
  readonly events: () => readonly SandboxEvent[];
  readonly describe: () => SandboxDescription;
  /** `POST /_sandbox/move-region {"region","address"}`: Sandbox.moveRegion for a sandbox in another process. */
  readonly moveRegion: (region: string, address: string) => Promise<void>;
}

// Far above anything drdrill sends; stops a runaway client from filling memory.
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Creates the control plane's HTTP server (not yet listening): AWS calls are routed by the SigV4
 * credential scope's service name; `/_sandbox/*` routes expose ground truth without auth so a
 * drill in another process can read it.
 */
export function createControlPlaneServer(options: ControlPlaneOptions): Server {
  const byName = new Map(options.services.map((s) => [s.signingName, s]));
  return createServer((req, res) => {
    readBody(req)
      .then((body) => {
        const url = new URL(req.url ?? '/', 'http://sandbox');
        if (url.pathname === MOVE_REGION_ROUTE) {
          serveMoveRegion(options, req.method ?? 'GET', body, res);
          return;
        }
        if (url.pathname.startsWith('/_sandbox/')) {
          serveSandboxRoute(options, req.method ?? 'GET', url.pathname, res);
          return;
        }
        answerAws(options, byName, req, url, body, res);
      })
      .catch((error: unknown) => {
        const requestId = randomUUID();
        const status = error instanceof MalformedRequestError ? 413 : 500;
        const code = error instanceof MalformedRequestError ? 'RequestEntityTooLarge' : 'InternalFailure';
        send(res, status, { 'content-type': 'application/json', 'x-amzn-ErrorType': code }, JSON.stringify({ message: (error as Error).message }), requestId);
      });
  });
}

function answerAws(
  options: ControlPlaneOptions,
  byName: ReadonlyMap<string, AwsServiceHandler>,
  req: IncomingMessage,
  url: URL,
  body: string,
  res: ServerResponse,
): void {
  const requestId = randomUUID();
  const scope = parseSigV4Scope(req.headers.authorization);
  const method = req.method ?? 'GET';
  let response: AwsResponse;
  if (scope === undefined) {
    response = rejection(
      req,
      new AwsServiceError('MissingAuthenticationTokenException', 403, 'Missing or malformed SigV4 Authorization header: the sandbox routes AWS calls by their credential scope'),
      requestId,
    );
  } else {
    const handler = byName.get(scope.service);
    if (handler === undefined) {
      const supported = [...byName.keys()].join(', ');
      response = rejection(
        req,
        new AwsServiceError('UnknownOperationException', 400, `The drdrill sandbox does not implement the AWS service "${scope.service}" (supported: ${supported})`),
        requestId,
      );
    } else {
      const request: AwsRequest = { method, path: url.pathname, query: url.searchParams, headers: req.headers, body, scope, requestId };
      try {
        response = handler.handle(request);
      } catch (error) {
        response = rejection(req, new AwsServiceError('InternalFailure', 500, `sandbox fault: ${(error as Error).message}`, 'Receiver'), requestId);
      }
    }
  }
  options.calls.append({
    at: Date.now(),
    service: scope?.service ?? 'unknown',
    operation: response.operation,
    region: scope?.region ?? 'unknown',
    mutating: response.mutating,
    status: response.status,
    requestId,
    ...(response.errorCode === undefined ? {} : { errorCode: response.errorCode }),
    path: url.pathname,
  });
  send(res, response.status, response.headers, response.body, requestId);
}

/** An error for a request no service handled, in the wire shape its content type suggests. */
function rejection(req: IncomingMessage, error: AwsServiceError, requestId: string): AwsResponse {
  const contentType = req.headers['content-type'] ?? '';
  const xml = /xml|x-www-form-urlencoded/.test(contentType) || (req.headers.authorization ?? '').includes('/route53/');
  return {
    status: error.status,
    headers: xml
      ? { 'content-type': 'text/xml' }
      : { 'content-type': 'application/json', 'x-amzn-ErrorType': error.code },
    body: xml ? renderXmlError(error, requestId) : renderJsonError(error),
    operation: 'Unknown',
    mutating: false,
    errorCode: error.code,
  };
}

const MOVE_REGION_ROUTE = '/_sandbox/move-region';

/** Moves a region's endpoint (not an AWS call: a test's way to make AWS move an address). */
function serveMoveRegion(options: ControlPlaneOptions, method: string, body: string, res: ServerResponse): void {
  const requestId = randomUUID();
  const json = { 'content-type': 'application/json' };
  if (method !== 'POST') {
    send(res, 405, { ...json, allow: 'POST' }, JSON.stringify({ message: `${MOVE_REGION_ROUTE} only answers POST {"region": "...", "address": "127.0.0.x"}` }), requestId);
    return;
  }
  let input: unknown;
  try {
    input = JSON.parse(body);
  } catch {
    input = undefined;
  }
  const { region, address } = (typeof input === 'object' && input !== null ? input : {}) as { region?: unknown; address?: unknown };
  if (typeof region !== 'string' || typeof address !== 'string') {
    send(res, 400, json, JSON.stringify({ message: `${MOVE_REGION_ROUTE}: expected a JSON body {"region": "...", "address": "127.0.0.x"}` }), requestId);
    return;
  }
  options.moveRegion(region, address).then(
    () => send(res, 200, json, JSON.stringify({ region, address }), requestId),
    (error: unknown) => send(res, 400, json, JSON.stringify({ message: error instanceof Error ? error.message : String(error) }), requestId),
  );
}

function serveSandboxRoute(options: ControlPlaneOptions, method: string, path: string, res: ServerResponse): void {
  const requestId = randomUUID();
  const routes: Readonly<Record<string, () => unknown>> = {
    '/_sandbox/describe': options.describe,
    '/_sandbox/events': options.events,
    '/_sandbox/calls': () => options.calls.list(),
  };
  const route = routes[path];
  const json = { 'content-type': 'application/json' };
  if (route === undefined) {
    send(res, 404, json, JSON.stringify({ message: `no sandbox route ${path}; try ${Object.keys(routes).join(', ')}` }), requestId);
  } else if (method !== 'GET') {
    send(res, 405, { ...json, allow: 'GET' }, JSON.stringify({ message: `${path} only answers GET` }), requestId);
  } else {
    send(res, 200, json, JSON.stringify(route()), requestId);
  }
}

function send(res: ServerResponse, status: number, headers: Readonly<Record<string, string>>, body: string, requestId: string): void {
  res.writeHead(status, {
    ...headers,
    'x-amzn-RequestId': requestId,
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new MalformedRequestError(`request body larger than ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
