import { connect, type Socket, type TcpNetConnectOpts } from 'node:net';

/** What the exchange reports back to the run that sent it: once, with the status or the error. */
export interface ExchangeOwner {
  complete(exchange: FreshHttpExchange, status: number, error: string | undefined): void;
}

/** One request's fixed parts, encoded once per run: where to connect and the bytes to send. */
export interface FreshHttpTemplate {
  readonly connect: TcpNetConnectOpts;
  /** Request line, headers (with `connection: close`) and body, ready to write. */
  readonly bytes: Buffer;
  /** Lower-case name of the header naming the region that answered. */
  readonly regionHeader: string;
  /** A HEAD request's response has no body whatever its headers say. */
  readonly head: boolean;
}

const CRLF_CRLF = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');
/** A response head larger than this is not an HTTP response worth waiting for. */
const MAX_HEAD_BYTES = 64 * 1024;

/** How the body ends: at a length, at the last chunk, or when the server closes. */
const enum Body {
  Head,
  None,
  Length,
  ChunkSize,
  ChunkData,
  ChunkEnd,
  Trailers,
  UntilClose,
}

/** Back-pointer from a socket to its exchange, so one set of module-level listeners serves all. */
const OWNER = Symbol('drdrill.freshExchange');
type Owned = Socket & { [OWNER]?: FreshHttpExchange };

/**
 * One HTTP/1.1 request on a connection of its own (`Connection: close`), sent straight on a
 * socket: the fresh-connection modes' hot path. Node's ClientRequest and Agent cost several times
 * the connection itself (agent bookkeeping, header assembly, a parser from the pool, a dozen
 * events), and a fresh connection per request gets nothing from them. The response is read just
 * far enough to know what a sample needs: status, the region header, and where the body ends
 * (Content-Length, chunked, or the server closing), then the socket is destroyed. Listeners are
 * shared, found through the socket, so a request allocates no closures.
 */
export class FreshHttpExchange {
  readonly owner: ExchangeOwner;
  // Named like LoadRequest's fields: the run keeps both kinds in one in-flight window.
  readonly loadSeq: number;
  loadSettled = false;
  /** The address connected (or being connected) to, when known. */
  loadAddress: string | undefined;
  loadRegion: string | undefined;
  readonly #socket: Owned;
  readonly #template: FreshHttpTemplate;
  #status = 0;
  #body = Body.Head;
  #remaining = 0;
  /** Bytes of a response head, or of a chunk-size or trailer line, split across reads. */
  #carry: Buffer | undefined;

  constructor(owner: ExchangeOwner, seq: number, template: FreshHttpTemplate, address: string | undefined) {
    this.owner = owner;
    this.loadSeq = seq;
    this.loadAddress = address;
    this.#template = template;
    const socket: Owned = connect(template.connect);
    socket[OWNER] = this;
    socket.on('lookup', onLookup);
    socket.on('connect', onConnect);
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('error', onError);
    socket.on('close', onClose);
    this.#socket = socket;
  }

  /** The address the socket is connected to, else the one it was resolved to. */
  get connectedAddress(): string | undefined {
    return this.#socket.remoteAddress ?? this.loadAddress;
  }

  destroy(): void {
    this.#socket.destroy();
  }

  sendRequest(): void {
    this.loadAddress = this.#socket.remoteAddress ?? this.loadAddress;
    this.#socket.write(this.#template.bytes);
  }

  finish(status: number, error: string | undefined): void {
    if (this.loadSettled) return;
    this.owner.complete(this, status, error);
    this.loadSettled = true;
    this.#socket.destroy();
  }

  /** Reads what arrived; completes the exchange once the response's end is in it. */
  read(chunk: Buffer): void {
    let data = chunk;
    while (!this.loadSettled) {
      if (this.#body === Body.Head) {
        const rest = this.#readHead(data);
        if (rest === undefined) return;
        data = rest;
        continue;
      }
      if (this.#body === Body.UntilClose) return;
      if (this.#body === Body.None) return this.finish(this.#status, undefined);
      if (data.length === 0) return;
      data = this.#readBody(data);
    }
  }

  /** Server closed: the end of a body read until close, or a response cut off. */
  closed(): void {
    if (this.#body === Body.UntilClose) this.finish(this.#status, undefined);
    else this.finish(0, 'ECONNRESET');
  }

  /** Parses a response head; returns the bytes after it, or undefined while it is incomplete. */
  #readHead(chunk: Buffer): Buffer | undefined {
    const data = this.#carry === undefined ? chunk : Buffer.concat([this.#carry, chunk]);
    const end = data.indexOf(CRLF_CRLF);
    if (end === -1) {
      this.#carry = data;
      if (data.length > MAX_HEAD_BYTES) this.finish(0, 'EPROTO');
      return undefined;
    }
    this.#carry = undefined;
    const head = data.toString('latin1', 0, end);
    const status = head.startsWith('HTTP/1.') ? Number(head.slice(9, 12)) : Number.NaN;
    if (!Number.isInteger(status) || status < 100) {
      this.finish(0, 'EPROTO');
      return undefined;
    }
    const rest = data.subarray(end + 4);
    // An interim response (100 Continue, 103 Early Hints) is followed by the real one.
    if (status < 200 && status !== 101) return rest;
    this.#status = status;
    this.#headers(head);
    if (this.#template.head || status === 204 || status === 304) this.#body = Body.None;
    return rest;
  }

  #headers(head: string): void {
    let length = -1;
    let chunked = false;
    let line = head.indexOf('\r\n') + 2;
    while (line > 1 && line < head.length) {
      const next = head.indexOf('\r\n', line);
      const stop = next === -1 ? head.length : next;
      const colon = head.indexOf(':', line);
      if (colon !== -1 && colon < stop) {
        const name = head.slice(line, colon).trim().toLowerCase();
        const value = head.slice(colon + 1, stop).trim();
        if (name === this.#template.regionHeader && this.loadRegion === undefined) this.loadRegion = value;
        else if (name === 'content-length') length = Number(value);
        else if (name === 'transfer-encoding') chunked = value.toLowerCase().includes('chunked');
      }
      line = stop + 2;
    }
    if (chunked) this.#body = Body.ChunkSize;
    else if (length >= 0 && Number.isFinite(length)) {
      this.#body = length === 0 ? Body.None : Body.Length;
      this.#remaining = length;
    } else this.#body = Body.UntilClose;
  }

  /** Consumes body bytes; returns what is left of `data` for the next state. */
  #readBody(data: Buffer): Buffer {
    switch (this.#body) {
      case Body.Length:
      case Body.ChunkData: {
        const taken = Math.min(this.#remaining, data.length);
        this.#remaining -= taken;
        if (this.#remaining === 0) {
          if (this.#body === Body.Length) this.#body = Body.None;
          else {
            this.#body = Body.ChunkEnd;
            this.#remaining = 2;
          }
        }
        return data.subarray(taken);
      }
      case Body.ChunkEnd: {
        const taken = Math.min(this.#remaining, data.length);
        this.#remaining -= taken;
        if (this.#remaining === 0) this.#body = Body.ChunkSize;
        return data.subarray(taken);
      }
      case Body.ChunkSize:
      case Body.Trailers:
        return this.#readLine(data);
      default:
        return data.subarray(data.length);
    }
  }

  /** A chunk-size line (`1a;ext`) or a trailer line; the empty trailer line ends the body. */
  #readLine(chunk: Buffer): Buffer {
    const data = this.#carry === undefined ? chunk : Buffer.concat([this.#carry, chunk]);
    const end = data.indexOf(CRLF);
    if (end === -1) {
      this.#carry = data;
      if (data.length > MAX_HEAD_BYTES) this.finish(0, 'EPROTO');
      return data.subarray(data.length);
    }
    this.#carry = undefined;
    const text = data.toString('latin1', 0, end);
    const rest = data.subarray(end + 2);
    if (this.#body === Body.Trailers) {
      if (text === '') this.#body = Body.None;
      return rest;
    }
    const size = Number.parseInt(text, 16);
    if (!Number.isInteger(size) || size < 0) {
      this.finish(0, 'EPROTO');
      return rest;
    }
    if (size === 0) this.#body = Body.Trailers;
    else {
      this.#body = Body.ChunkData;
      this.#remaining = size;
    }
    return rest;
  }
}

function onLookup(this: Owned, error: Error | null, address: string): void {
  const exchange = this[OWNER];
  if (exchange !== undefined && error === null && typeof address === 'string' && address !== '') exchange.loadAddress = address;
}

function onConnect(this: Owned): void {
  this[OWNER]?.sendRequest();
}

function onData(this: Owned, chunk: Buffer): void {
  this[OWNER]?.read(chunk);
}

function onEnd(this: Owned): void {
  this[OWNER]?.closed();
}

function onError(this: Owned, error: NodeJS.ErrnoException & { address?: unknown }): void {
  const exchange = this[OWNER];
  if (exchange === undefined || exchange.loadSettled) return;
  if (exchange.loadAddress === undefined && typeof error.address === 'string') exchange.loadAddress = error.address;
  exchange.finish(0, error.code ?? 'ERROR');
}

function onClose(this: Owned): void {
  const exchange = this[OWNER];
  if (exchange !== undefined && !exchange.loadSettled) exchange.closed();
}
