import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tokenMatches } from './console-token.ts';

/** What a POST asks for, its JSON body parsed; the reply is sent as JSON with `status`. */
export type ActionHandler = (action: string, body: unknown) => { readonly status: number; readonly body: Readonly<Record<string, unknown>> };

export interface ConsoleServerOptions {
  readonly token: string;
  /** The page, sent for `GET /`. */
  readonly page: string;
  /** Its Content-Security-Policy: the page's inline script and style by hash, nothing from elsewhere. */
  readonly contentSecurityPolicy: string;
  /** The latest state as JSON, sent to each events stream as it connects. */
  readonly snapshot: () => string;
  readonly onAction: ActionHandler;
}

export interface ConsoleServer {
  readonly url: string;
  /** Sends one state to every open events stream. */
  broadcast(json: string): void;
  /** Messages and bytes sent on events streams so far, for the payload rate. */
  readonly sent: { messages: number; bytes: number };
  close(): Promise<void>;
}

/** Bodies are a name, a step and a note: a few kilobytes at most. */
const MAX_BODY_BYTES = 16 * 1024;
/** A comment this often keeps proxies and the browser from closing a quiet stream. */
const KEEPALIVE_MS = 15_000;

/**
 * The console's HTTP side on 127.0.0.1 and a free port: the page, a server-sent events stream of
 * states and the POSTs of its controls. Every request without the token — page, stream, favicon,
 * control — gets 403 and nothing else; the token may come as `?token=` or as `X-Drdrill-Token`.
 */
export async function startConsoleServer(options: ConsoleServerOptions): Promise<ConsoleServer> {
  const streams = new Set<ServerResponse>();
  const sent = { messages: 0, bytes: 0 };
  const write = (response: ServerResponse, chunk: string): void => {
    sent.bytes += Buffer.byteLength(chunk);
    response.write(chunk);
  };
  const server = createServer((request, response) => {
    response.on('error', () => response.destroy());
    handle(request, response).catch(() => {
      // A page's bad request never reaches the run: answer it, and that is all.
      if (!response.headersSent) reply(response, 500, { error: 'the console could not answer this request' });
      else response.destroy();
    });
  });
  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const given = url.searchParams.get('token') ?? headerToken(request);
    if (!tokenMatches(options.token, given)) {
      request.resume();
      response.writeHead(403, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end('403 forbidden: this console needs the token printed with its address\n');
      return;
    }
    if (request.method === 'GET' && url.pathname === '/') {
      response
        .writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'cache-control': 'no-store',
          'content-security-policy': options.contentSecurityPolicy,
          'referrer-policy': 'no-referrer',
          'x-content-type-options': 'nosniff',
        })
        .end(options.page);
      return;
    }
    if (request.method === 'GET' && url.pathname === '/events') {
      response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
      streams.add(response);
      response.on('close', () => streams.delete(response));
      // A page gone mid-write (tab closed, laptop asleep) is an error on its stream: heard here,
      // it cannot become an uncaught exception, which would stop the run.
      response.on('error', () => streams.delete(response));
      // Opening (or reopening) the page gets the whole state at once, nothing replayed piecemeal.
      write(response, `retry: 1000\ndata: ${options.snapshot()}\n\n`);
      sent.messages++;
      return;
    }
    if (request.method === 'POST' && url.pathname.startsWith('/actions/')) {
      const body = await readJson(request);
      if (body === undefined) {
        reply(response, 400, { error: `expected a JSON object of at most ${MAX_BODY_BYTES} bytes` });
        return;
      }
      const result = options.onAction(url.pathname.slice('/actions/'.length), body);
      reply(response, result.status, result.body);
      return;
    }
    request.resume();
    reply(response, 404, { error: `no ${request.method ?? ''} ${url.pathname} here` });
  }
  const keepalive = setInterval(() => {
    for (const stream of streams) write(stream, ': keepalive\n\n');
  }, KEEPALIVE_MS);
  keepalive.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  // The console must never be why the process stays up.
  server.unref();
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/?token=${encodeURIComponent(options.token)}`,
    sent,
    broadcast(json) {
      if (streams.size > 0) sent.messages++;
      for (const stream of streams) write(stream, `data: ${json}\n\n`);
    },
    close: async () => {
      clearInterval(keepalive);
      for (const stream of streams) stream.end();
      streams.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

function headerToken(request: IncomingMessage): string | undefined {
  const value = request.headers['x-drdrill-token'];
  return Array.isArray(value) ? value[0] : value;
}

function reply(response: ServerResponse, status: number, body: Readonly<Record<string, unknown>>): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}

/** The request's body as a JSON object, or undefined when it is too big or not one. */
async function readJson(request: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(buffer);
  }
  try {
    const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
