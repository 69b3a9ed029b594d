import { z } from 'zod';
import { scopeOptions } from './assertion-scope.ts';
import { durationSchema, formatDuration } from '../drill/duration.ts';
import { isErrorSample } from '../load/sample.ts';
import type { Timeline } from '../runner/timeline.ts';
import type { AssertionContext } from './assertion-context.ts';
import { describeAnswer, isAnswerOn } from './answer-regions.ts';
import { latencyPercentiles } from './latency-percentiles.ts';
import { probeKeys } from './probe-key.ts';
import { formatRate, plural } from './verdict-format.ts';
import { chainOf } from './assertion-context.ts';
import { describeMinShares, describeShares, minSharesSchema, readShares } from './region-shares.ts';
import type { Verdict } from './verdict.ts';

/** Options of `steady-state`: the system was healthy before anything was injected. */
export const steadyStateOptions = z.strictObject({
  assertion: z.literal('steady-state'),
  name: z.string().min(1).optional(),
  /** Lowest acceptable success rate of the baseline's requests, percent. */
  minSuccessRate: z.number().min(0).max(100).default(99),
  /** Fewest requests the baseline must have sampled: no evidence is not a steady state. */
  minRequests: z.number().int().min(0).default(1),
  /** Lowest share (percent) of requests served without error by the primary region. @default 95 */
  minPrimaryShare: z.number().min(0).max(100).optional(),
  /**
   * Instead of `minPrimaryShare`, for regions serving at once (active-active): the lowest share
   * (percent of every request, served without error) of each region, e.g. `{ primary: 40, secondary: 40 }`.
   */
  minShares: minSharesSchema.optional(),
  /** Largest acceptable p99 latency of the baseline's requests. */
  maxLatencyP99: durationSchema.optional(),
  /** Every answer of every resolver during the baseline names only the primary region. */
  dnsOnPrimary: z.boolean().default(true),
  /** No health check is seen unhealthy during the baseline (when health checks are observed). */
  healthChecksHealthy: z.boolean().default(true),
  ...scopeOptions,
}).superRefine((options, ctx) => {
  if (options.minShares !== undefined && options.minPrimaryShare !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['minShares'], message: 'expected minShares (a share per region) or minPrimaryShare (the primary\'s), not both' });
  }
});

export type SteadyStateOptions = z.output<typeof steadyStateOptions>;
export type SteadyStateInput = z.input<typeof steadyStateOptions>;

/** The primary's share a baseline must show when the drill says nothing about shares. */
const DEFAULT_PRIMARY_SHARE = 95;

/** Generated display name. */
export function steadyStateName(options: Pick<SteadyStateOptions, 'minSuccessRate'>): string {
  return `Steady state holds before injection (≥ ${formatRate(options.minSuccessRate)} success)`;
}

/** Defaults for a drill that names no steady-state assertion of its own. */
export const DEFAULT_STEADY_STATE: SteadyStateOptions = steadyStateOptions.parse({ assertion: 'steady-state' });

/** Where the baseline ends when the runner asks mid-run. */
export interface SteadyStateWhen {
  /** End of the window (exclusive), epoch ms; default: the next phase mark, else now. */
  readonly until?: number;
}

/**
 * Judges the baseline phase: requests succeeded (≥ `minSuccessRate`), were served by the primary
 * (≥ `minPrimaryShare`), fast enough (`maxLatencyP99`), DNS answered with the primary only and no
 * health check was unhealthy. The runner calls this after the baseline and before injecting: a
 * verdict other than `passed` means abort without injecting (exit 3), since a drill on a system
 * that is already failing proves nothing. Evaluated after the run, it reads the same window.
 */
export function checkSteadyState(
  timeline: Timeline,
  options: SteadyStateOptions,
  context: AssertionContext,
  when: SteadyStateWhen = {},
): Verdict {
  const base = {
    assertion: 'steady-state',
    name: options.name ?? steadyStateName(options),
    expected:
      `≥ ${formatRate(options.minSuccessRate)} success and ` +
      (options.minShares === undefined
        ? `≥ ${formatRate(options.minPrimaryShare ?? DEFAULT_PRIMARY_SHARE)} served by ${context.primaryRegion}`
        : describeMinShares(options.minShares, chainOf(context))) +
      ` over ≥ ${plural(options.minRequests, 'request')}` +
      (options.maxLatencyP99 === undefined ? '' : `; p99 ≤ ${formatDuration(options.maxLatencyP99)}`) +
      (options.dnsOnPrimary ? '; DNS on primary' : '') +
      (options.healthChecksHealthy ? '; health checks healthy' : ''),
  } as const;

  const index = timeline.phases.findIndex((mark) => mark.phase === 'baseline');
  const mark = timeline.phases[index];
  if (mark === undefined) return { ...base, status: 'errored', observed: 'the baseline phase never started, so there is no steady state to judge' };
  const next = timeline.phases[index + 1];
  const window = { from: mark.at, to: when.until ?? next?.at ?? (timeline.endedAt > 0 ? timeline.endedAt : Date.now()) };

  const problems: string[] = [];
  const facts: string[] = [];
  const details: Record<string, string | number | boolean | null> = {};

  // Requests.
  const indices: number[] = [];
  let errors = 0;
  let onPrimary = 0;
  const samples = timeline.samples;
  for (let i = 0; i < samples.length; i++) {
    const start = samples.startAt(i);
    if (start < window.from || start >= window.to) continue;
    indices.push(i);
    if (isErrorSample({ status: samples.statusAt(i) })) errors++;
    else if (samples.regionAt(i) === context.primaryRegion) onPrimary++;
  }
  const requests = indices.length;
  details.requests = requests;
  details.errors = errors;
  if (requests < options.minRequests) {
    problems.push(`only ${plural(requests, 'request')} sampled (need ≥ ${options.minRequests})`);
  }
  if (requests > 0) {
    const success = ((requests - errors) / requests) * 100;
    const share = (onPrimary / requests) * 100;
    details.successRatePercent = Math.round(success * 100) / 100;
    details.primarySharePercent = Math.round(share * 100) / 100;
    facts.push(`${formatRate(success)} success (${errors} of ${plural(requests, 'request')} failed)`);
    if (success + 1e-9 < options.minSuccessRate) problems.push(`success ${formatRate(success)} < ${formatRate(options.minSuccessRate)}`);
    if (options.minShares === undefined) {
      const minPrimaryShare = options.minPrimaryShare ?? DEFAULT_PRIMARY_SHARE;
      facts.push(`${formatRate(share)} on ${context.primaryRegion}`);
      if (share + 1e-9 < minPrimaryShare) problems.push(`primary share ${formatRate(share)} < ${formatRate(minPrimaryShare)}`);
    } else {
      // Active-active: every region named must carry its share of the same requests.
      const readings = readShares(samples, window, options.minShares, chainOf(context));
      facts.push(describeShares(readings));
      for (const reading of readings) {
        details[`${reading.region} sharePercent`] = reading.share === null ? null : Math.round(reading.share * 100) / 100;
        if (!reading.met) problems.push(`${reading.region} share ${reading.share === null ? 'unknown' : formatRate(reading.share)} < ${formatRate(reading.minShare)}`);
      }
    }
    const latency = latencyPercentiles(samples, indices);
    if (latency !== undefined) {
      details['latency p99 ms'] = latency.p99;
      if (options.maxLatencyP99 !== undefined) {
        facts.push(`p99 ${formatDuration(latency.p99)}`);
        if (latency.p99 > options.maxLatencyP99) problems.push(`p99 ${formatDuration(latency.p99)} > ${formatDuration(options.maxLatencyP99)}`);
      }
    }
  }

  // DNS.
  if (options.dnsOnPrimary) {
    const offPrimary = new Map<string, string>();
    const { keyOf } = probeKeys(timeline.dns);
    let answers = 0;
    for (const observation of timeline.dns) {
      if (observation.at < window.from || observation.at >= window.to) continue;
      if (observation.rcode === 'TIMEOUT' || observation.rcode === 'ERROR') continue;
      answers++;
      if (!isAnswerOn(observation, timeline.regionsByAddress, context.primaryRegion) && !offPrimary.has(keyOf(observation))) {
        offPrimary.set(keyOf(observation), describeAnswer(observation, timeline.regionsByAddress));
      }
    }
    details.dnsAnswers = answers;
    if (answers === 0 && timeline.dns.length > 0) problems.push('no resolver answered during the baseline');
    for (const [resolver, answer] of offPrimary) problems.push(`${resolver} answered ${answer}`);
    if (answers > 0 && offPrimary.size === 0) facts.push(`DNS on ${context.primaryRegion} (${plural(answers, 'answer')})`);
  }

  // Health checks: the overall status of each check, as last known inside the window.
  if (options.healthChecksHealthy) {
    // The poller reports changes only, so a check that turned unhealthy before the window and
    // never recovered is unhealthy inside it too.
    const statusBefore = new Map<string, boolean>();
    const unhealthy = new Set<string>();
    let seen = 0;
    const overall = timeline.health.filter((o) => o.checkerRegion === undefined).sort((a, b) => a.at - b.at);
    for (const observation of overall) {
      if (observation.at < window.from) statusBefore.set(observation.healthCheckId, observation.healthy);
      else if (observation.at < window.to) {
        seen++;
        if (!observation.healthy) unhealthy.add(observation.healthCheckId);
      }
    }
    for (const [id, healthy] of statusBefore) if (!healthy) unhealthy.add(id);
    details.healthObservations = seen;
    for (const id of [...unhealthy].sort()) problems.push(`health check ${id} unhealthy`);
  }

  const ok = problems.length === 0;
  details.steady = ok;
  return {
    ...base,
    status: ok ? 'passed' : 'failed',
    observed: ok
      ? `steady: ${facts.join('; ')}`
      : `not steady over ${formatDuration(window.to - window.from)} of baseline: ${problems.join('; ')}${facts.length === 0 ? '' : ` (${facts.join('; ')})`}`,
    window,
    details,
  };
}
