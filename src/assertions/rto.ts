import { z } from 'zod';
import { faultOption, scopeOptions } from './assertion-scope.ts';
import { durationSchema, formatDuration } from '../drill/duration.ts';
import type { Timeline } from '../runner/timeline.ts';
import type { AssertionContext } from './assertion-context.ts';
import { measureClientRecovery } from './client-recovery.ts';
import { cohortExpectation } from './cohort-expectation.ts';
import { cohortOption, ofCohort, timelineOfCohort } from './cohort-filter.ts';
import { expectedFailoverWindow, largestAnsweredTtl } from './expected-window.ts';
import { measureDetection } from './health-detection.ts';
import { unknownRegionProblem } from './known-region.ts';
import { quorumConvergence } from './quorum-convergence.ts';
import { quorumSchema } from './resolver-quorum.ts';
import { formatRate, formatTimeWithResolution } from './verdict-format.ts';
import type { Verdict } from './verdict.ts';
import type { Figure } from './figure.ts';

/** Injectors that move traffic by decision (ARC), not by making an endpoint fail a health check. */
const OPERATOR_MOVES: ReadonlySet<string> = new Set(['routing-control']);

/** Options of `rto`: clients recover, for good, soon enough after the fault went in. */
export const rtoOptions = z.strictObject({
  assertion: z.literal('rto'),
  name: z.string().min(1).optional(),
  /** Longest acceptable time from the injection to sustained client recovery (ms). */
  within: durationSchema,
  /** X: success rate every sliding window must reach, in percent. */
  successRate: z.number().min(0).max(100).default(99),
  /** W: width of the sliding window (ms). */
  window: durationSchema.default(5000),
  /** Health check whose unhealthy flip is "detection": the primary's (default) or an id. */
  healthCheck: z.string().min(1).default('primary'),
  /** Resolvers that must have moved for "DNS shifted"; default all. */
  quorum: quorumSchema,
  /** Judge only this client cohort's requests (a `load.clients` name); its model's window is reported beside. */
  cohort: cohortOption,
  ...scopeOptions,
  /** Time from this fault's injection (a cascade's hop) instead of the first one's. */
  fault: faultOption,
});

export type RtoOptions = z.output<typeof rtoOptions>;

/** Generated display name, e.g. `RTO ≤ 10 s (≥ 99.00% success over 5 s)`. */
export function rtoName(options: Pick<RtoOptions, 'within' | 'successRate' | 'window'> & { readonly cohort?: string }): string {
  const who = options.cohort === undefined ? '' : ` for cohort ${options.cohort}`;
  return `RTO ≤ ${formatDuration(options.within)}${who} (≥ ${formatRate(options.successRate)} success over ${formatDuration(options.window)})`;
}

/**
 * Recovery time objective, decomposed: from the injection to
 * 1. detect: the health check turned unhealthy (Route 53 noticed),
 * 2. shift: the quorum of resolvers answered with the secondary for good (DNS moved),
 * 3. recover: clients saw a success rate of at least X in every window W from then on.
 * The verdict judges (3) against `within`; (1) and (2) say where the time went. Each figure
 * carries its own resolution: the health-poll interval, the probe interval, the request spacing.
 * The fault window ends at the first rollback: recovering only because the fault was removed is
 * not a recovery.
 */
export function evaluateRto(whole: Timeline, options: RtoOptions, context: AssertionContext): Verdict {
  const base = {
    assertion: 'rto',
    name: options.name ?? rtoName(options),
    expected: `clients recover (≥ ${formatRate(options.successRate)} success in every ${formatDuration(options.window)} window) ≤ ${formatDuration(options.within)} after the injection`,
  } as const;

  const timeline = timelineOfCohort(whole, options.cohort);
  if ('problem' in timeline) return { ...base, status: 'errored', observed: timeline.problem };
  const inject = timeline.faults.find((event) => event.kind === 'inject');
  if (inject === undefined) {
    return { ...base, status: 'errored', observed: 'the fault never went in: no inject event was recorded, so there is no recovery to time' };
  }
  const cohort = options.cohort === undefined ? undefined : context.cohorts?.find((each) => each.name === options.cohort);
  const rollback = timeline.faults.find((event) => event.kind === 'rollback' && event.at >= inject.at);
  const until = rollback?.at ?? timeline.endedAt;
  const window = { from: inject.at, to: until };
  const regionProblem = unknownRegionProblem(timeline, context.secondaryRegion, 'secondary');

  const recovery = measureClientRecovery(timeline.samples, {
    from: inject.at,
    until,
    windowMs: options.window,
    minSuccessRate: options.successRate,
  });
  const details: Record<string, string | number | boolean | null> = {};

  // 1. detect
  const healthCheckId =
    options.healthCheck === 'primary' ? context.healthCheckIds?.primary : options.healthCheck === 'secondary' ? context.healthCheckIds?.secondary : options.healthCheck;
  const detection = measureDetection(timeline, { ...(healthCheckId === undefined ? {} : { healthCheckId }), healthy: false, from: inject.at, until });
  const healthResolution = context.healthPollIntervalMs ?? 0;
  // A routing control moves traffic by the operator's decision while every endpoint stays
  // healthy: no check is meant to fail, so "detect never" would read as a fault of the system.
  const operatorMove = detection.ms === null && OPERATOR_MOVES.has(inject.injector);
  let detectText: string;
  const inapplicable = `a ${inject.injector} flip moved traffic; ${detection.healthCheckId ?? 'the check'} stayed healthy, as it should`;
  if (detection.observations === 0) detectText = 'detect not observed (no health-check status was recorded)';
  else if (operatorMove) detectText = `detect not applicable (${inapplicable})`;
  else if (detection.ms === null) detectText = `detect never (${detection.healthCheckId ?? 'no check'} stayed healthy)`;
  else if (detection.already) detectText = `detect 0 s (${detection.healthCheckId ?? 'the check'} was already unhealthy)`;
  else detectText = `detect ${formatTimeWithResolution(detection.ms, healthResolution)}`;
  details.detectMs = detection.ms;
  const figures: Figure[] = [];
  if (detection.observations > 0) {
    figures.push({
      name: 'rto.detect',
      label: 'RTO: detect',
      value: detection.ms,
      unit: 'ms',
      definition: `first injection → health check ${detection.healthCheckId ?? options.healthCheck} reported unhealthy`,
      window,
      ...(healthResolution > 0 ? { resolutionMs: healthResolution } : {}),
      ...(operatorMove ? { inapplicable } : {}),
    });
  }
  if (healthResolution > 0) details.detectResolutionMs = healthResolution;
  if (detection.healthCheckId !== undefined) details.healthCheckId = detection.healthCheckId;

  // 2. shift
  let shiftText: string;
  let shiftMs: number | null = null;
  if (regionProblem !== undefined) {
    shiftText = 'DNS shift unknown (no address is known for the secondary region)';
    details.shiftMs = null;
  } else if (timeline.dns.length === 0) {
    shiftText = 'DNS shift not observed (no DNS observations)';
    details.shiftMs = null;
  } else {
    const shift = quorumConvergence(timeline.dns, timeline.regionsByAddress, context.secondaryRegion, { from: inject.at, until }, options.quorum ?? 'all');
    shiftText = shift.quorumMs === null ? 'DNS shift never' : `DNS shift ${formatTimeWithResolution(shift.quorumMs, context.probeIntervalMs)}`;
    details.shiftMs = shift.quorumMs;
    details.shiftResolutionMs = context.probeIntervalMs;
    shiftMs = shift.quorumMs;
    figures.push({
      name: 'rto.shift',
      label: 'RTO: DNS shift',
      value: shift.quorumMs,
      unit: 'ms',
      definition: `first injection → ${options.quorum === undefined || options.quorum === 'all' ? 'every probed resolver' : `a quorum (${String(options.quorum)}) of the probed resolvers`} answered ${context.secondaryRegion} for good`,
      window,
      resolutionMs: context.probeIntervalMs,
    });
  }

  // 3. recover
  details.requests = recovery.requests;
  details.recoveryMs = recovery.ms;
  details.recoveryResolutionMs = recovery.resolutionMs;
  details.relapses = recovery.relapses;
  const expectedModel = expectedFailoverWindow(timeline, context);
  if (expectedModel !== undefined) {
    details.expectedDetectFromMs = expectedModel.detectFromMs;
    details.expectedDetectToMs = expectedModel.detectToMs;
  }
  const relapseText =
    recovery.relapses === 0 ? '' : `; relapsed ${recovery.relapses}× (at ${recovery.relapseAts.map((at) => formatDuration(at - inject.at)).join(', ')})`;
  const breakdown = `${detectText}, ${shiftText}`;

  if (recovery.requests === 0) {
    return { ...base, status: 'errored', observed: `no requests were sampled while the fault was in place, so client recovery is unproven; ${breakdown}`, window, details, figures: figuresOf(figures, options.cohort) };
  }
  if (recovery.windows === 0) {
    return {
      ...base,
      status: 'errored',
      observed: `the fault was in place for ${formatDuration(until - inject.at)}, shorter than one ${formatDuration(options.window)} window, so recovery cannot be judged; ${breakdown}`,
      window,
      details,
      figures: figuresOf(figures, options.cohort),
    };
  }
  const model = cohort === undefined || shiftMs === null ? undefined : cohortExpectation(cohort, shiftMs, context.recordTtlSeconds ?? largestAnsweredTtl(timeline));
  if (model !== undefined) {
    details.expectedFromMs = model.fromMs;
    details.expectedToMs = model.toMs;
    const slack = Math.max(context.probeIntervalMs, recovery.resolutionMs);
    details.withinModel =
      model.toMs === null ? recovery.ms === null : recovery.ms !== null && recovery.ms >= model.fromMs - slack && recovery.ms <= model.toMs + slack;
  }
  const modelText = model === undefined ? '' : `; cohort ${options.cohort ?? ''}: ${model.text}`;
  const rtoFigure = (value: number | null, to: number): Figure => ({
    ...(model === undefined ? {} : { expected: { fromMs: model.fromMs, toMs: model.toMs, text: model.text } }),
    name: 'rto',
    label: 'RTO',
    value,
    unit: 'ms',
    definition: `first injection → the first request from which every ${formatDuration(options.window)} window had ≥ ${formatRate(options.successRate)} success until the rollback`,
    window: { from: inject.at, to },
    ...(recovery.resolutionMs > 0 ? { resolutionMs: recovery.resolutionMs } : {}),
  });
  if (recovery.ms === null || recovery.at === null) {
    figures.unshift(rtoFigure(null, until));
    return {
      ...base,
      status: 'failed',
      observed: `clients never recovered while the fault was in place (${recovery.requests} requests)${relapseText}; ${breakdown}${
        model?.never === undefined ? modelText : `; cohort ${options.cohort ?? ''} cannot recover on DNS: ${model.never}`
      }`,
      window,
      details,
      figures: figuresOf(figures, options.cohort),
    };
  }
  const rtoText = formatTimeWithResolution(recovery.ms, recovery.resolutionMs);
  figures.unshift(rtoFigure(recovery.ms, recovery.at));
  return {
    ...base,
    status: recovery.ms <= options.within ? 'passed' : 'failed',
    observed: `RTO ${rtoText}: ${breakdown}, clients ${rtoText}${relapseText}${expectedModel === undefined ? '' : `; ${expectedModel.text}`}${modelText}`,
    window: { from: inject.at, to: recovery.at },
    resolutionMs: Math.max(recovery.resolutionMs, context.probeIntervalMs, healthResolution),
    details,
    figures: figuresOf(figures, options.cohort),
  };
}

/** All three figures, or for one cohort only its own recovery (detection and shift are everyone's). */
function figuresOf(figures: readonly Figure[], cohort: string | undefined): Figure[] {
  return cohort === undefined ? [...figures] : figures.filter((figure) => figure.name === 'rto').map((figure) => ofCohort(figure, cohort));
}
