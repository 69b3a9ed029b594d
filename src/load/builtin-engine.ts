import { Agent as HttpAgent, ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { isIP, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { ArrivalSchedule } from './arrival-schedule.ts';
import { LagHistogram } from './lag-histogram.ts';
import type { LoadEngine, LoadPlan, LoadSummary } from './load-engine.ts';
import { checkLoadPlan, loadTargetsOf, type ResolvedTarget } from './load-plan-check.ts';
import { COHORT_BEHAVIOUR, type ClientCohort } from './client-cohort.ts';
import { resolveRequestHeaders } from './load-request.ts';
import { FreshHttpExchange, type FreshHttpTemplate } from './fresh-http-exchange.ts';
import { createResolverLookup, type ResolverLookupOptions } from './resolver-lookup.ts';
import type { MutableSample, Sample } from './sample.ts';

export interface BuiltinEngineOptions {
  /**
   * Budget for resolving the host through `plan.resolver` (ms); default min(2000, plan.timeoutMs).
   * Shorter than the request timeout, so a resolver that does not answer shows as `EDNS_TIMEOUT`
   * rather than as a plain `ETIMEDOUT`.
   */
  readonly dnsTimeoutMs?: number;
  /** Where request headers' `fromEnv` variables are read, once, when the load starts. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

const ENGINE_NAME = 'builtin';
const USER_AGENT = 'drdrill-builtin/0.1';
/** Compact the in-flight window once this many finished slots lead it. */
const COMPACT_AFTER = 4096;

/**
 * Creates the built-in open-model HTTP load engine.
 *
 * - Request i is due at t0 + i/rate (or, with `plan.ramp`, when the linearly ramping rate's
 *   cumulative arrivals reach i) and is sent then, whatever earlier requests are doing: a slow
 *   or dead endpoint never lowers the offered rate (no coordinated omission). A sample's `start` is
 *   its due time and `latencyMs` counts from it, so scheduling lag shows up as latency.
 * - One timer drives everything: each tick sends every request that is due and expires every
 *   request past its deadline. Deadlines (due time + timeoutMs) grow with i, so in-flight requests
 *   form a FIFO and expiry only looks at the head. No per-request timer.
 * - Stops scheduling after `durationMs` or `maxRequests` requests, whichever comes first, and
 *   resolves once every sent request has a sample (a response, an error, or `ETIMEDOUT` at
 *   `timeoutMs` from its due time). Aborting `signal` stops at once: requests in flight are
 *   destroyed and not recorded, and the summary counts them in `sent` but not in `completed`.
 * - With `plan.resolver` every new connection resolves the host with a fresh A query to that
 *   server and connects to the first address; DNS failures become samples with error `ENOTFOUND`
 *   (NXDOMAIN / no A record) or `EDNS_<RCODE>` (`EDNS_TIMEOUT`, `EDNS_SERVFAIL`, `EDNS_ERROR`, …).
 *   Without it, Node's system lookup is used. IP-literal hosts are not resolved.
 * - `keepAlive: false` (default) opens a new connection for every request (`Connection: close`),
 *   so a DNS change is seen by the next request; `keepAlive: true` reuses idle connections and
 *   therefore keeps talking to the address it first resolved, like many real clients.
 * - A response is read to the end (drained) before its sample is emitted. A response that breaks
 *   off mid-body is a sample with status 0 and the transport error (usually `ECONNRESET`).
 * - `plan.dnsTtl: 'honour'` reuses a resolver answer for its TTL (one shared query per expiry)
 *   instead of asking for every connection.
 * - With `plan.targets` every target is loaded at once, each on its own schedule (its own rate or
 *   ramp, else the plan's), and `maxRequests` caps each target; samples carry the target's name.
 *   The summary adds the targets up.
 * - With `plan.clients` each target is loaded by every cohort at once, each sending its share of
 *   the rate on its own schedule, with its own agent and DNS cache (see COHORT_BEHAVIOUR), its
 *   samples tagged with its name. Per request nothing changes: the cohort is fixed per run.
 * - Each target's `request` sets the method, extra headers and body of its every request. A `Host`
 *   header replaces the URL's host in the Host header and, over HTTPS, in the TLS server name (Node's
 *   agent takes it from the Host header), as a client of a custom domain reached through another
 *   name sends it. `fromEnv` values are read
 *   from `options.env` once, when the run starts; an unset one rejects the run before any request.
 * - If `onSample` throws, the run stops as on abort and the returned promise rejects with that error.
 *
 * @throws LoadPlanError (as a rejection) for a plan out of range.
 */
export function createBuiltinEngine(options: BuiltinEngineOptions = {}): LoadEngine {
  return {
    name: ENGINE_NAME,
    run(plan, onSample, signal) {
      let targets: ResolvedTarget[];
      try {
        checkLoadPlan(plan);
        targets = loadTargetsOf(plan);
      } catch (error) {
        return Promise.reject(error);
      }
      return runTargets(plan, targets, onSample, signal, options);
    },
  };
}

/** The built-in engine with default options. */
export const builtinEngine: LoadEngine = createBuiltinEngine();

/**
 * One request. Subclassing ClientRequest lets shared, module-level listeners find the request
 * state through `this`, so sending a request allocates no closures.
 */
class LoadRequest extends ClientRequest {
  // Prefixed names: ClientRequest already has fields like `finished` that Node relies on.
  loadRun!: LoadRun;
  loadSeq = 0;
  loadSettled = false;
  /** The address connected (or being connected) to, when known. */
  loadAddress: string | undefined;
  loadStatus = 0;
  loadRegion: string | undefined;

  /** The address connected to, else the one it was resolved to. */
  get connectedAddress(): string | undefined {
    return this.socket?.remoteAddress ?? this.loadAddress;
  }
}

/** A request in flight, whichever way it was sent (ClientRequest, or straight on a fresh socket). */
type InFlight = Pick<LoadRequest, 'loadSeq' | 'loadSettled' | 'loadRegion' | 'connectedAddress'> & { destroy(): unknown };

/** Back-pointer from a socket or response to the request it serves, for shared listeners. */
const OWNER = Symbol('drdrill.loadRequest');
type Owned<T> = T & { [OWNER]?: LoadRequest };

function onRequestSocket(this: LoadRequest, socket: Socket): void {
  if (socket.connecting) {
    (socket as Owned<Socket>)[OWNER] = this;
    socket.once('lookup', onSocketLookup);
  }
}

function onSocketLookup(this: Owned<Socket>, error: Error | null, address: string): void {
  const request = this[OWNER];
  if (request !== undefined && error === null && typeof address === 'string' && address !== '') request.loadAddress = address;
}

function onRequestResponse(this: LoadRequest, response: IncomingMessage): void {
  this.loadStatus = response.statusCode ?? 0;
  const region = response.headers[this.loadRun.regionHeader];
  this.loadRegion = Array.isArray(region) ? region[0] : region;
  this.loadAddress = response.socket?.remoteAddress ?? this.loadAddress;
  (response as Owned<IncomingMessage>)[OWNER] = this;
  response.on('end', onResponseEnd);
  response.on('error', onResponseError);
  response.on('close', onResponseClose);
  response.resume();
}

function onResponseEnd(this: Owned<IncomingMessage>): void {
  const request = this[OWNER];
  if (request !== undefined) request.loadRun.complete(request, request.loadStatus, undefined);
}

function onResponseError(this: Owned<IncomingMessage>, error: NodeJS.ErrnoException): void {
  const request = this[OWNER];
  if (request !== undefined) request.loadRun.complete(request, 0, error.code ?? 'ECONNRESET');
}

function onResponseClose(this: Owned<IncomingMessage>): void {
  // Closed without 'end' and without 'error': the body was cut off.
  const request = this[OWNER];
  if (request !== undefined && !request.loadSettled) request.loadRun.complete(request, 0, 'ECONNRESET');
}

function onRequestError(this: LoadRequest, error: NodeJS.ErrnoException & { address?: unknown }): void {
  if (this.loadSettled) return;
  if (this.loadAddress === undefined && typeof error.address === 'string') this.loadAddress = error.address;
  this.loadRun.complete(this, 0, error.code ?? 'ERROR');
}

/** Runs one LoadRun per target; the first failure stops them all. */
async function runTargets(
  plan: LoadPlan,
  targets: readonly ResolvedTarget[],
  onSample: (sample: Sample) => void,
  signal: AbortSignal,
  options: BuiltinEngineOptions,
): Promise<LoadSummary> {
  const stopAll = new AbortController();
  const runSignal = targets.length === 1 && (plan.clients?.length ?? 1) === 1 ? signal : AbortSignal.any([signal, stopAll.signal]);
  const cohorts: readonly (ClientCohort | undefined)[] = plan.clients ?? [undefined];
  const runs = targets.flatMap((target) => cohorts.map((cohort) => new LoadRun(plan, target, cohort, onSample, runSignal, options)));
  const settled = await Promise.allSettled(
    runs.map((run) =>
      run.start().catch((error: unknown) => {
        stopAll.abort();
        throw error;
      }),
    ),
  );
  const failed = settled.find((result) => result.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
  const lags = new LagHistogram();
  let sent = 0;
  let completed = 0;
  for (const run of runs) {
    lags.merge(run.lags);
    sent += run.sent;
    completed += run.completed;
  }
  return {
    engine: ENGINE_NAME,
    sent,
    completed,
    maxSchedulingLagMs: lags.max,
    schedulingLagP99Ms: lags.quantile(0.99),
    outcome: signal.aborted ? 'aborted' : 'completed',
  };
}

/**
 * The bytes of every request of a fresh-connection run over plain HTTP, as ClientRequest would send
 * them without keep-alive (the same headers, then `connection: close`). Undefined when a header
 * holds a line break: ClientRequest refuses those, and it stays the one to say so.
 */
function freshTemplate(options: RequestOptions, headers: Readonly<Record<string, string>>, body: Buffer | undefined, regionHeader: string): FreshHttpTemplate | undefined {
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  if (lines.some((line) => /[\r\n]/.test(line.slice(0, -2)))) return undefined;
  const method = options.method ?? 'GET';
  const head = Buffer.from(`${method} ${options.path ?? '/'} HTTP/1.1\r\n${lines.join('')}connection: close\r\n\r\n`, 'latin1');
  return {
    connect: {
      host: options.host ?? 'localhost',
      port: Number(options.port),
      ...(options.lookup === undefined ? {} : { lookup: options.lookup }),
      ...(options.family === undefined ? {} : { family: options.family }),
    },
    bytes: body === undefined ? head : Buffer.concat([head, body]),
    regionHeader,
    head: method.toUpperCase() === 'HEAD',
  };
}

/** How a cohort's lookups cache answers, or undefined to use the plan's `dnsTtl`. */
function cohortDnsTtl(cohort: ClientCohort | undefined): ResolverLookupOptions['ttl'] | undefined {
  if (cohort === undefined) return undefined;
  const { dns } = COHORT_BEHAVIOUR[cohort.model];
  return dns === 'fixed' ? { fixedMs: cohort.dnsCacheMs ?? Number.POSITIVE_INFINITY } : dns;
}

/** State of one target (and client cohort) of one `run()` call. */
class LoadRun {
  readonly regionHeader: string;
  readonly #plan: LoadPlan;
  readonly #onSample: (sample: Sample) => void;
  readonly #signal: AbortSignal;
  readonly #requestOptions: RequestOptions;
  /** A connection per request over plain HTTP: sent straight on a socket (see FreshHttpExchange). */
  readonly #fresh: FreshHttpTemplate | undefined;
  /** The request content, encoded once; undefined sends none. */
  readonly #body: Buffer | undefined;
  readonly #agent: HttpAgent;
  /** Host as an IP literal (no lookup will happen), for the sample's address. */
  readonly #literalAddress: string | undefined;
  readonly #schedule: ArrivalSchedule;
  readonly #target: string;
  readonly #cohort: string | undefined;
  readonly #total: number;
  readonly lags = new LagHistogram();
  #t0 = 0;
  #wallT0 = 0;
  #sent = 0;
  #completed = 0;
  /** In-flight requests by seq - #base; a finished slot is undefined. */
  #window: (InFlight | undefined)[] = [];
  #base = 0;
  /** Lowest seq that may still be in flight. */
  #head = 0;
  #timer: NodeJS.Timeout | undefined;
  #done = false;
  #resolve: () => void = () => undefined;
  #reject: (reason: unknown) => void = () => undefined;

  constructor(
    plan: LoadPlan,
    target: ResolvedTarget,
    cohort: ClientCohort | undefined,
    onSample: (sample: Sample) => void,
    signal: AbortSignal,
    options: BuiltinEngineOptions,
  ) {
    this.#plan = plan;
    this.#onSample = onSample;
    this.#signal = signal;
    this.regionHeader = target.regionHeader.toLowerCase();
    this.#target = target.name;
    this.#cohort = cohort?.name;
    // A cohort sends its share of the target's rate (and of every ramp stage, and of the cap).
    const share = cohort === undefined ? 1 : cohort.share / 100;
    const ramp = target.ramp?.map((stage) => ({ ...stage, target: stage.target * share }));
    this.#schedule = new ArrivalSchedule(target.rate * share, plan.durationMs, ramp);
    this.#total = Math.min(Math.ceil(plan.maxRequests * share), this.#schedule.total);
    const url = target.url;

    const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    const https = url.protocol === 'https:';
    const behaviour = cohort === undefined ? undefined : COHORT_BEHAVIOUR[cohort.model];
    const keepAlive = behaviour === undefined ? plan.keepAlive === true : behaviour.keepAlive;
    const maxSockets = behaviour?.maxSockets ?? Number.POSITIVE_INFINITY;
    // Never the global agent: since Node 19 it keeps connections alive, which would hide failover.
    this.#agent = https ? new HttpsAgent({ keepAlive, maxSockets }) : new HttpAgent({ keepAlive, maxSockets });
    this.#literalAddress = isIP(hostname) === 0 ? undefined : hostname;
    const extra = resolveRequestHeaders(target.request, options.env ?? process.env);
    this.#body = target.request.body === undefined ? undefined : Buffer.from(target.request.body, 'utf8');
    const headers: Record<string, string> = { host: url.host, 'user-agent': USER_AGENT, accept: '*/*', ...extra };
    if (this.#body !== undefined) headers['content-length'] = String(this.#body.byteLength);
    const requestOptions: RequestOptions = {
      protocol: url.protocol,
      host: hostname,
      port: url.port === '' ? (https ? 443 : 80) : Number(url.port),
      method: target.request.method ?? 'GET',
      path: `${url.pathname}${url.search}`,
      agent: this.#agent,
      headers,
    };
    if (plan.resolver !== undefined && this.#literalAddress === undefined) {
      requestOptions.lookup = createResolverLookup({
        resolver: plan.resolver,
        timeoutMs: options.dnsTimeoutMs ?? Math.min(2000, plan.timeoutMs),
        ttl: cohortDnsTtl(cohort) ?? plan.dnsTtl ?? 'ignore',
      });
      // The resolver answers A records only; pinning IPv4 also keeps net from happy-eyeballs racing.
      requestOptions.family = 4;
    }
    this.#requestOptions = requestOptions;
    this.#fresh = keepAlive || https ? undefined : freshTemplate(requestOptions, headers, this.#body, this.regionHeader);
  }

  get sent(): number {
    return this.#sent;
  }

  get completed(): number {
    return this.#completed;
  }

  start(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
      if (this.#signal.aborted) {
        this.#finish();
        return;
      }
      this.#signal.addEventListener('abort', this.#onAbort, { once: true });
      this.#t0 = performance.now();
      this.#wallT0 = performance.timeOrigin + this.#t0;
      this.#tick();
    });
  }

  readonly #onAbort = (): void => {
    if (this.#done) return;
    this.#destroyInFlight();
    this.#finish();
  };

  readonly #tick = (): void => {
    this.#timer = undefined;
    if (this.#done) return;
    const now = performance.now();
    // Batch every request that is due by now; later ones wait for the next tick.
    while (this.#sent < this.#total) {
      const due = this.#t0 + this.#schedule.offsetMs(this.#sent);
      if (due > now) break;
      this.#send(due);
      if (this.#done) return;
    }
    this.#expire(performance.now());
    if (this.#done) return;
    this.#arm();
  };

  #send(due: number): void {
    const seq = this.#sent++;
    this.lags.record(performance.now() - due);
    if (this.#fresh !== undefined) {
      this.#window.push(new FreshHttpExchange(this, seq, this.#fresh, this.#literalAddress));
      return;
    }
    const request = new LoadRequest(this.#requestOptions);
    request.loadRun = this;
    request.loadSeq = seq;
    request.loadAddress = this.#literalAddress;
    request.on('socket', onRequestSocket);
    request.on('response', onRequestResponse);
    request.on('error', onRequestError);
    this.#window.push(request);
    request.end(this.#body);
  }

  /** Times out every in-flight request whose deadline has passed (they are in deadline order). */
  #expire(now: number): void {
    const timeoutMs = this.#plan.timeoutMs;
    while (this.#head < this.#sent) {
      const request = this.#window[this.#head - this.#base];
      if (request !== undefined) {
        if (this.#t0 + this.#schedule.offsetMs(this.#head) + timeoutMs > now) break;
        this.complete(request, 0, 'ETIMEDOUT');
        request.destroy();
        if (this.#done) return;
      }
      this.#head++;
    }
    const finishedSlots = this.#head - this.#base;
    if (finishedSlots >= COMPACT_AFTER && finishedSlots * 2 >= this.#window.length) {
      this.#window.splice(0, finishedSlots);
      this.#base = this.#head;
    }
  }

  /** Sleeps until the next request is due or the oldest in-flight request times out. */
  #arm(): void {
    let wake = Number.POSITIVE_INFINITY;
    if (this.#sent < this.#total) wake = this.#t0 + this.#schedule.offsetMs(this.#sent);
    if (this.#head < this.#sent) wake = Math.min(wake, this.#t0 + this.#schedule.offsetMs(this.#head) + this.#plan.timeoutMs);
    if (wake === Number.POSITIVE_INFINITY) {
      this.#finish();
      return;
    }
    this.#timer = setTimeout(this.#tick, Math.max(0, wake - performance.now()));
  }

  /** Records the outcome of a request, once; called by the shared listeners and by expiry. */
  complete(request: InFlight, status: number, error: string | undefined): void {
    if (request.loadSettled || this.#done) return;
    request.loadSettled = true;
    this.#window[request.loadSeq - this.#base] = undefined;
    this.#completed++;
    const offsetMs = this.#schedule.offsetMs(request.loadSeq);
    const sample: MutableSample = {
      start: this.#wallT0 + offsetMs,
      latencyMs: performance.now() - (this.#t0 + offsetMs),
      status,
      target: this.#target,
    };
    if (this.#cohort !== undefined) sample.cohort = this.#cohort;
    if (error !== undefined) sample.error = error;
    if (request.loadRegion !== undefined) sample.region = request.loadRegion;
    const address = request.connectedAddress;
    if (address !== undefined) sample.address = address;
    try {
      this.#onSample(sample);
    } catch (failure) {
      this.#destroyInFlight();
      this.#finish(failure);
      return;
    }
    if (this.#sent === this.#total && this.#completed === this.#sent) this.#finish();
  }

  #destroyInFlight(): void {
    for (let seq = this.#head; seq < this.#sent; seq++) {
      const request = this.#window[seq - this.#base];
      if (request === undefined || request.loadSettled) continue;
      request.loadSettled = true;
      request.destroy();
    }
    this.#window = [];
    this.#base = this.#head = this.#sent;
  }

  #finish(failure?: unknown): void {
    if (this.#done) return;
    this.#done = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#signal.removeEventListener('abort', this.#onAbort);
    // Closes idle keep-alive sockets, so nothing outlives the run.
    this.#agent.destroy();
    if (failure !== undefined) {
      this.#reject(failure);
      return;
    }
    this.#resolve();
  }
}
