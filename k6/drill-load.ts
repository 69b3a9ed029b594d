/**
 * drdrill's default k6 load script (k6 v0.57+ runs TypeScript as is).
 *
 * Open model: one constant-arrival-rate (or ramping-arrival-rate) scenario per target, so a slow
 * or dead region never lowers the offered rate; k6 reports `dropped_iterations` when it runs out
 * of VUs. DNS is never cached (`ttl: '0'`) and connections are not reused unless the drill asks
 * for keep-alive: otherwise k6 keeps its answer for five minutes and never sees a failover.
 *
 * Every request adds exactly one point to the `drdrill_request` trend (value: ms from the start of
 * the iteration to the end of the response), tagged with what drdrill turns into a sample:
 * `target`, `status` (0 when no response), `region` (from the region header), `address` (the IP
 * that answered) and `error_code` (k6's code for a failed request). drdrill reads the points from
 * `--out json` while the test runs.
 *
 * Inputs (all through `-e`, set by drdrill's k6 engine):
 *   DRDRILL_TARGETS        JSON [{ name, url, rate, ramp?: [{ target, durationMs }],
 *                            request?: { method?, headers?: { name: value | { fromEnv } }, body? } }]
 *                          (a `fromEnv` header is read from k6's own environment: credentials are
 *                          never on k6's command line)
 *   DRDRILL_DURATION_MS    how long to offer load
 *   DRDRILL_TIMEOUT_MS     per-request timeout
 *   DRDRILL_REGION_HEADER  response header naming the region (default x-drdrill-region)
 *   DRDRILL_KEEP_ALIVE     "true" to reuse connections (shows clients stuck on a dead region)
 *   DRDRILL_THRESHOLDS     JSON k6 thresholds from the drill (k6 exits 99 when one is crossed)
 *   DRDRILL_TAGS           JSON test-wide tags (drill, run id)
 *   DRDRILL_SUMMARY        file to write the end-of-test summary to (JSON)
 */
import http from 'k6/http';
import { Trend } from 'k6/metrics';
import type { Options, Scenario } from 'k6/options';

interface RampStage {
  readonly target: number;
  readonly durationMs: number;
}

type HeaderValue = string | { readonly fromEnv: string };

interface TargetRequest {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, HeaderValue>>;
  readonly body?: string;
}

interface Target {
  readonly name: string;
  readonly url: string;
  readonly rate: number;
  readonly ramp?: readonly RampStage[];
  readonly request?: TargetRequest;
}

/** What one target's iterations send, headers read from the environment once, at init. */
interface PreparedRequest {
  readonly method: string;
  readonly body: string | null;
  readonly headers: Record<string, string>;
}

const requests = new Trend('drdrill_request', true);

const targets = parseJson<Target[]>('DRDRILL_TARGETS', []);
const durationMs = positiveNumber('DRDRILL_DURATION_MS', 60_000);
const timeoutMs = positiveNumber('DRDRILL_TIMEOUT_MS', 2_000);
const regionHeader = canonicalHeader(__ENV.DRDRILL_REGION_HEADER ?? 'x-drdrill-region');
const keepAlive = __ENV.DRDRILL_KEEP_ALIVE === 'true';

if (targets.length === 0) throw new Error('DRDRILL_TARGETS is empty: expected a JSON list of { name, url, rate }');
const prepared: Record<string, PreparedRequest> = Object.fromEntries(targets.map((target) => [target.name, prepare(target)]));

export const options: Options = {
  scenarios: Object.fromEntries(targets.map((target, i) => [`target_${i}`, scenarioFor(target)])),
  thresholds: parseJson<Record<string, string[]>>('DRDRILL_THRESHOLDS', {}),
  tags: parseJson<Record<string, string>>('DRDRILL_TAGS', {}),
  dns: { ttl: '0', select: 'first', policy: 'preferIPv4' },
  noConnectionReuse: !keepAlive,
  noVUConnectionReuse: !keepAlive,
  discardResponseBodies: true,
  summaryTrendStats: ['min', 'med', 'p(95)', 'p(99)', 'max', 'count'],
};

/** One iteration = one request to this scenario's target, measured from the iteration's start. */
export default function (): void {
  const name = __ENV.DRDRILL_TARGET ?? '';
  const url = __ENV.DRDRILL_URL ?? '';
  const request = prepared[name] ?? { method: 'GET', body: null, headers: {} };
  const started = Date.now();
  const response = http.request(request.method, url, request.body, { timeout: timeoutMs, tags: { name }, headers: request.headers });
  const tags: Record<string, string> = { target: name, status: String(response.status) };
  const region = response.headers[regionHeader];
  if (region !== undefined && region !== '') tags.region = region;
  if (response.remote_ip !== '') tags.address = response.remote_ip;
  if (response.error_code !== 0) tags.error_code = String(response.error_code);
  requests.add(Date.now() - started, tags);
}

/** Writes the summary where drdrill keeps evidence; nothing on stdout, which carries the NDJSON. */
export function handleSummary(data: object): Record<string, string> {
  const file = __ENV.DRDRILL_SUMMARY;
  return file === undefined || file === '' ? {} : { [file]: JSON.stringify(data) };
}

function scenarioFor(target: Target): Scenario {
  // Enough VUs to keep the rate while every request waits for its full timeout (open model).
  const peak = Math.max(target.rate, ...(target.ramp ?? []).map((stage) => stage.target));
  const maxVUs = Math.max(1, Math.ceil(peak * (timeoutMs / 1000 + 1)));
  const preAllocatedVUs = Math.min(maxVUs, Math.max(5, Math.ceil(peak)));
  // k6 takes whole iterations per timeUnit: fractional rates (12.5/s) become 12500 per 1000 s.
  const rates = [target.rate, ...(target.ramp ?? []).map((stage) => stage.target)];
  const scale = rates.every((rate) => Number.isInteger(rate)) ? 1 : 1000;
  const perUnit = (rate: number): number => Math.round(rate * scale);
  const common = {
    preAllocatedVUs,
    maxVUs,
    timeUnit: `${scale}s`,
    gracefulStop: `${Math.ceil(timeoutMs)}ms`,
    env: { DRDRILL_TARGET: target.name, DRDRILL_URL: target.url },
  };
  if (target.ramp === undefined || target.ramp.length === 0) {
    return { executor: 'constant-arrival-rate', rate: perUnit(target.rate), duration: `${Math.ceil(durationMs)}ms`, ...common };
  }
  return {
    executor: 'ramping-arrival-rate',
    startRate: perUnit(target.rate),
    stages: target.ramp.map((stage) => ({ target: perUnit(stage.target), duration: `${Math.ceil(stage.durationMs)}ms` })),
    ...common,
  };
}

function prepare(target: Target): PreparedRequest {
  const headers: Record<string, string> = {};
  for (const [header, value] of Object.entries(target.request?.headers ?? {})) {
    // k6 takes the request's Host from a header spelt `Host`.
    const name = header.toLowerCase() === 'host' ? 'Host' : header;
    if (typeof value === 'string') {
      headers[name] = value;
      continue;
    }
    const fromEnv = __ENV[value.fromEnv];
    // The variable's name only: its value is a credential.
    if (fromEnv === undefined) throw new Error(`target ${target.name}: header ${header} reads environment variable ${value.fromEnv}, which is not set`);
    headers[name] = fromEnv;
  }
  return { method: target.request?.method ?? 'GET', body: target.request?.body ?? null, headers };
}

function parseJson<T>(name: string, fallback: T): T {
  const text = __ENV[name];
  if (text === undefined || text === '') return fallback;
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new Error(`${name} is not valid JSON (${String(error)}): ${text}`);
  }
}

function positiveNumber(name: string, fallback: number): number {
  const text = __ENV[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} is ${JSON.stringify(text)}; expected a number > 0`);
  return value;
}

/** k6 canonicalises response header names (`x-drdrill-region` → `X-Drdrill-Region`). */
function canonicalHeader(name: string): string {
  return name
    .toLowerCase()
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('-');
}
