import { z } from 'zod';
import { scopeOptions } from './assertion-scope.ts';
import { durationSchema, formatDuration } from '../drill/duration.ts';
import type { SampleStore } from '../load/sample-store.ts';
import { isErrorSample } from '../load/sample.ts';
import { PHASES, phaseWindow, type PhaseName, type Timeline } from '../runner/timeline.ts';
import { latencyPercentiles, PERCENTILE_KEYS, type LatencyPercentiles, type PercentileKey } from './latency-percentiles.ts';
import { formatRate } from './verdict-format.ts';
import type { Verdict, VerdictStatus } from './verdict.ts';
import { cohortOption, ofCohort, timelineOfCohort } from './cohort-filter.ts';
import type { Figure } from './figure.ts';
import { describeStepSpan, stepSpanOption, stepSpanWindow, type StepSpan } from './step-span.ts';

const latencyLimits = z.strictObject(
  Object.fromEntries(PERCENTILE_KEYS.map((key) => [key, durationSchema.optional()])) as Record<PercentileKey, z.ZodOptional<typeof durationSchema>>,
);

/** Options of `error-budget`: the share of failed requests (and the longest outage) stays small. */
export const errorBudgetOptions = z.strictObject({
  assertion: z.literal('error-budget'),
  name: z.string().min(1).optional(),
  /**
   * Phase whose requests count (by start time), `all` for the whole run, or a list of phases each
   * of which must hold the budget on its own.
   */
  phase: z.union([z.enum([...PHASES, 'all']), z.array(z.enum(PHASES)).min(1, 'expected at least one phase')]).default('all'),
  /** Largest acceptable error rate, in percent. */
  maxErrorRate: z.number().min(0).max(100),
  /** Longest acceptable run of consecutive failed requests (ms). */
  maxOutage: durationSchema.optional(),
  /** Largest acceptable latency percentiles over every request of the phase, e.g. `{ p99: '800ms' }`. */
  maxLatency: latencyLimits.optional(),
  /** Judge only this client cohort's requests (a `load.clients` name). */
  cohort: cohortOption,
  /** Instead of `phase`: the requests from the start of one step to the end of another (see `stepSpanOption`). */
  steps: stepSpanOption,
  ...scopeOptions,
});

export type ErrorBudgetOptions = z.output<typeof errorBudgetOptions>;
type SinglePhase = PhaseName | 'all';

/** Generated display name, e.g. `Error rate ≤ 1.00% and outages ≤ 5 s in phase fault`. */
export function errorBudgetName(options: Pick<ErrorBudgetOptions, 'phase' | 'maxErrorRate' | 'maxOutage'> & { readonly cohort?: string; readonly steps?: StepSpan | undefined }): string {
  const outage = options.maxOutage === undefined ? '' : ` and outages ≤ ${formatDuration(options.maxOutage)}`;
  const scope =
    options.steps !== undefined
      ? `in steps ${describeStepSpan(options.steps)}`
      : options.phase === 'all'
      ? 'over the whole run'
      : Array.isArray(options.phase)
        ? `in each of phases ${options.phase.join(', ')}`
        : `in phase ${options.phase}`;
  return `Error rate ≤ ${formatRate(options.maxErrorRate)}${outage} ${scope}${options.cohort === undefined ? '' : ` for cohort ${options.cohort}`}`;
}

/**
 * Rates are compared with a little slack so that, e.g., 57 errors in 10 000 requests meets a
 * 0.57 % budget: 57 / 10 000 × 100 is 0.5700000000000001 in floating point.
 */
const RATE_EPSILON = 1e-9;

/**
 * Checks the error rate (errors ÷ requests, an error being a transport failure or a 4xx/5xx)
 * over the requests that started in the phase, and optionally the longest outage: a run of
 * consecutive failed requests in start order, from the first failure's start to the start of
 * the next success (or, when none followed in the phase, to the end of the last failure).
 * Details also break requests down by status class and transport error, and give latency
 * percentiles (HDR histogram over every request, failed ones included: that is what clients
 * waited). With a list of phases each is judged alone, its details prefixed with its name.
 */
export function evaluateErrorBudget(whole: Timeline, options: ErrorBudgetOptions): Verdict {
  const latencyText = describeLatencyLimits(options.maxLatency);
  const base = {
    assertion: 'error-budget',
    name: options.name ?? errorBudgetName(options),
    expected:
      `error rate ≤ ${formatRate(options.maxErrorRate)}` +
      (options.maxOutage === undefined ? '' : `; longest outage ≤ ${formatDuration(options.maxOutage)}`) +
      (latencyText === '' ? '' : `; latency ${latencyText}`),
  } as const;

  const timeline = timelineOfCohort(whole, options.cohort);
  if ('problem' in timeline) return { ...base, status: 'errored', observed: timeline.problem };
  if (options.steps !== undefined || !Array.isArray(options.phase)) {
    const stretch = options.steps === undefined ? phaseStretch(timeline, options.phase as SinglePhase) : stepsStretch(timeline, options.steps);
    const { figure, ...result } = judgeStretch(timeline, options, stretch);
    return { ...base, ...result, ...(figure === undefined ? {} : { figures: [ofCohort(figure, options.cohort)] }) };
  }

  const parts = options.phase.map((phase) => ({ phase, result: judgeStretch(timeline, options, phaseStretch(timeline, phase)) }));
  const details: Record<string, string | number | null> = {};
  for (const { phase, result } of parts) for (const [key, value] of Object.entries(result.details ?? {})) details[`${phase} ${key}`] = value;
  const windows = parts.flatMap(({ result }) => (result.window === undefined ? [] : [result.window]));
  const status: VerdictStatus = parts.some(({ result }) => result.status === 'failed')
    ? 'failed'
    : parts.some(({ result }) => result.status === 'errored')
      ? 'errored'
      : 'passed';
  return {
    ...base,
    status,
    observed: parts.map(({ phase, result }) => `${phase}: ${result.observed}`).join('; '),
    ...(windows.length === 0
      ? {}
      : { window: { from: Math.min(...windows.map((w) => w.from)), to: Math.max(...windows.map((w) => w.to)) } }),
    details,
    figures: parts.flatMap(({ result }) => (result.figure === undefined ? [] : [ofCohort(result.figure, options.cohort)])),
  };
}

interface PhaseResult {
  readonly status: VerdictStatus;
  readonly observed: string;
  readonly window?: { readonly from: number; readonly to: number };
  readonly details?: Record<string, string | number | null>;
  readonly figure?: Figure;
}

/** Where an error budget counts: the run, a phase, or a span of steps. */
interface Stretch {
  /** The figure's suffix: `run`, `recovery`, `steps:hold-3`. */
  readonly key: string;
  /** `whole run`, `phase recovery`, `steps hold-3`. */
  readonly label: string;
  /** The window, or why there is none. */
  readonly window: { from: number; to: number } | string;
  /** Every request of the run, whenever it failed. */
  readonly everything: boolean;
}

function phaseStretch(timeline: Timeline, phase: SinglePhase): Stretch {
  if (phase === 'all') return { key: 'run', label: 'whole run', window: { from: timeline.startedAt, to: timeline.endedAt }, everything: true };
  return { key: phase, label: `phase ${phase}`, window: phaseWindow(timeline, phase) ?? `phase ${phase} never started`, everything: false };
}

function stepsStretch(timeline: Timeline, span: StepSpan): Stretch {
  const described = describeStepSpan(span);
  return { key: `steps:${described.replace(' → ', '..')}`, label: `steps ${described}`, window: stepSpanWindow(timeline, span), everything: false };
}

/** The error rate of one named window, e.g. `errorRate.recovery`, `errorRate.run`. */
function errorRateFigure(stretch: Stretch, rate: number, window: { from: number; to: number }): Figure {
  return {
    name: `errorRate.${stretch.key}`,
    label: stretch.everything ? 'Error rate (whole run)' : `Error rate (${stretch.label})`,
    value: rate,
    unit: 'percent',
    definition: stretch.everything
      ? 'failed ÷ all requests of the run (failed: no response, or HTTP 4xx/5xx)'
      : `failed ÷ all requests of ${stretch.label} (by start time; a failure in flight at a boundary counts where it failed)`,
    window,
  };
}

function judgeStretch(timeline: Timeline, options: ErrorBudgetOptions, stretch: Stretch): PhaseResult {
  const window = stretch.window;
  if (typeof window === 'string') {
    return { status: 'errored', observed: `${window}, so no requests can be judged` };
  }
  const indices = samplesByStart(timeline.samples, window, stretch.everything);
  if (indices.length === 0) {
    const where = stretch.everything ? 'during the run' : `in ${stretch.label}`;
    return { status: 'errored', observed: `no requests were sampled ${where}`, window };
  }

  const stats = measure(timeline.samples, indices);
  const rate = (stats.errors / indices.length) * 100;
  const rateOk = rate <= options.maxErrorRate + RATE_EPSILON;
  const outageOk = options.maxOutage === undefined || stats.longestOutageMs <= options.maxOutage;
  const latency = latencyPercentiles(timeline.samples, indices);
  const tooSlow = latencyBreaches(latency, options.maxLatency);

  const outageText = stats.longestOutageMs > 0 || stats.errors > 0 ? `longest outage ${formatDuration(stats.longestOutageMs)}` : 'no outage';
  const details: Record<string, string | number | null> = {
    requests: indices.length,
    errors: stats.errors,
    errorRatePercent: Math.round(rate * 100) / 100,
    // Float32 latencies leave binary noise (2400.0000152…) that reads as false precision.
    longestOutageMs: Math.round(stats.longestOutageMs * 1000) / 1000,
    longestOutageStartedAt: stats.longestOutageStartedAt,
    'errors 5xx': stats.status5xx,
    'errors 4xx': stats.status4xx,
  };
  for (const [code, count] of [...stats.byCode].sort(([a], [b]) => a.localeCompare(b))) details[`errors ${code}`] = count;
  for (const [statusClass, count] of [...stats.byClass].sort(([a], [b]) => a.localeCompare(b))) details[`status ${statusClass}`] = count;
  if (latency !== undefined) {
    for (const key of PERCENTILE_KEYS) details[`latency ${key} ms`] = latency[key];
  }

  let observed = `${formatRate(rate)} errors (${stats.errors} of ${indices.length} requests); ${outageText}`;
  if (latency !== undefined && options.maxLatency !== undefined) {
    observed += `; latency ${PERCENTILE_KEYS.filter((key) => options.maxLatency?.[key] !== undefined)
      .map((key) => `${key} ${formatDuration(latency[key])}`)
      .join(', ')}`;
  }
  if (tooSlow.length > 0) observed += ` (over the limit: ${tooSlow.join(', ')})`;
  return {
    status: rateOk && outageOk && tooSlow.length === 0 ? 'passed' : 'failed',
    observed,
    window,
    details,
    figure: errorRateFigure(stretch, rate, window),
  };
}

function describeLatencyLimits(limits: ErrorBudgetOptions['maxLatency']): string {
  if (limits === undefined) return '';
  return PERCENTILE_KEYS.flatMap((key) => {
    const limit = limits[key];
    return limit === undefined ? [] : [`${key} ≤ ${formatDuration(limit)}`];
  }).join(', ');
}

function latencyBreaches(latency: LatencyPercentiles | undefined, limits: ErrorBudgetOptions['maxLatency']): string[] {
  if (latency === undefined || limits === undefined) return [];
  return PERCENTILE_KEYS.flatMap((key) => {
    const limit = limits[key];
    return limit !== undefined && latency[key] > limit ? [`${key} ${formatDuration(latency[key])} > ${formatDuration(limit)}`] : [];
  });
}

/**
 * Indices of the samples that belong to [from, to) (every sample when `everything`), sorted by
 * start time. A request belongs to the phase it started in, except a failed one still in flight
 * at a phase boundary: it belongs to the phase in which it failed, because what failed it is
 * what happened there (a request sent 2 ms before the injection and answered 500 is the fault's
 * error, not the baseline's). Each failure is still counted exactly once. Samples are stored in
 * completion order, so a slow failure started early sits after quick successes started later;
 * outages must be read in start order.
 */
function samplesByStart(samples: SampleStore, window: { from: number; to: number }, everything: boolean, firstIndex = 0): Uint32Array {
  const picked = new Uint32Array(samples.length - firstIndex);
  let count = 0;
  let sorted = true;
  let previous = Number.NEGATIVE_INFINITY;
  for (let i = firstIndex; i < samples.length; i++) {
    const start = samples.startAt(i);
    if (!everything) {
      const failed = isErrorSample({ status: samples.statusAt(i) });
      const at = failed ? start + samples.latencyAt(i) : start;
      if (at < window.from || at >= window.to) continue;
    }
    if (start < previous) sorted = false;
    previous = start;
    picked[count++] = i;
  }
  const indices = picked.subarray(0, count);
  // Ties keep store order so the result does not depend on the sort's stability.
  if (!sorted) indices.sort((a, b) => samples.startAt(a) - samples.startAt(b) || a - b);
  return indices;
}

/** How many requests of a window failed, counted as error-budget counts them. */
export interface ErrorRateReading {
  readonly requests: number;
  readonly errors: number;
  /** Percent; undefined when no request belongs to the window. */
  readonly rate: number | undefined;
}

/**
 * The error rate of [from, to) exactly as `error-budget` judges a phase (a failure belongs where
 * it failed). `firstIndex` skips samples known to lie before the window, for a live reader.
 */
export function errorRateIn(samples: SampleStore, window: { from: number; to: number }, firstIndex = 0): ErrorRateReading {
  const indices = samplesByStart(samples, window, false, firstIndex);
  if (indices.length === 0) return { requests: 0, errors: 0, rate: undefined };
  const { errors } = measure(samples, indices);
  return { requests: indices.length, errors, rate: (errors / indices.length) * 100 };
}

interface ErrorStats {
  errors: number;
  status5xx: number;
  status4xx: number;
  byCode: Map<string, number>;
  /** Responses by status class (`2xx`, `3xx`, …); transport errors are not here. */
  byClass: Map<string, number>;
  longestOutageMs: number;
  longestOutageStartedAt: number | null;
}

function measure(samples: SampleStore, indices: Uint32Array): ErrorStats {
  const stats: ErrorStats = {
    errors: 0,
    status5xx: 0,
    status4xx: 0,
    byCode: new Map(),
    byClass: new Map(),
    longestOutageMs: 0,
    longestOutageStartedAt: null,
  };
  let outageStart = Number.NaN;
  let lastErrorEnd = Number.NaN;
  const closeOutage = (end: number): void => {
    const length = end - outageStart;
    if (stats.longestOutageStartedAt === null || length > stats.longestOutageMs) {
      stats.longestOutageMs = length;
      stats.longestOutageStartedAt = outageStart;
    }
    outageStart = Number.NaN;
  };

  for (const i of indices) {
    const status = samples.statusAt(i);
    const start = samples.startAt(i);
    if (status > 0) {
      const statusClass = `${Math.floor(status / 100)}xx`;
      stats.byClass.set(statusClass, (stats.byClass.get(statusClass) ?? 0) + 1);
    }
    if (!isErrorSample({ status })) {
      if (!Number.isNaN(outageStart)) closeOutage(start);
      continue;
    }
    stats.errors++;
    if (status >= 500) stats.status5xx++;
    else if (status >= 400) stats.status4xx++;
    else {
      const code = samples.errorAt(i) ?? 'unknown';
      stats.byCode.set(code, (stats.byCode.get(code) ?? 0) + 1);
    }
    if (Number.isNaN(outageStart)) outageStart = start;
    lastErrorEnd = start + samples.latencyAt(i);
  }
  if (!Number.isNaN(outageStart)) closeOutage(lastErrorEnd);
  return stats;
}
