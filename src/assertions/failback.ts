import { z } from 'zod';
import { resolverSelectionSchema, selectResolvers } from './resolver-quorum.ts';
import { scopeOptions } from './assertion-scope.ts';
import { durationSchema, formatDuration } from '../drill/duration.ts';
import { isErrorSample } from '../load/sample.ts';
import type { Timeline } from '../runner/timeline.ts';
import type { AssertionContext } from './assertion-context.ts';
import { unknownRegionProblem } from './known-region.ts';
import { describeFlaps } from './quorum-convergence.ts';
import { resolverConvergence, summarizeConvergence } from './resolver-convergence.ts';
import { formatRate, plural } from './verdict-format.ts';
import { cohortOption, timelineOfCohort } from './cohort-filter.ts';
import type { Verdict } from './verdict.ts';
import type { Figure } from './figure.ts';

const DEFAULT_FINAL_WINDOW_MS = 3000;

/** Options of `failback`: after the rollback, DNS and traffic return to the primary region. */
export const failbackOptions = z.strictObject({
  assertion: z.literal('failback'),
  name: z.string().min(1).optional(),
  /** Longest acceptable time from the last rollback to a resolver's sustained primary answer (ms). */
  within: durationSchema,
  /** Tail of the run whose requests must all be served by the primary without errors (ms). */
  finalWindow: durationSchema.default(DEFAULT_FINAL_WINDOW_MS),
  /** Lowest acceptable share (percent) of final-window requests served by the primary without error; default 100. */
  minPrimaryShare: z.number().min(0).max(100).optional(),
  /** Largest acceptable error rate (percent) over every request from the rollback to the end; unchecked by default. */
  maxErrorRate: z.number().min(0).max(100).optional(),
  /** Most answer flaps (a resolver leaving the primary again after reaching it) tolerated; unchecked by default, always reported. */
  maxFlaps: z.number().int().min(0).optional(),
  /** Judge the traffic half on this client cohort's requests only (a `load.clients` name). */
  cohort: cohortOption,
  /** Only these resolvers or sets (a vantage point's name among them); default every one probed. */
  resolvers: resolverSelectionSchema,
  ...scopeOptions,
});

export type FailbackOptions = z.output<typeof failbackOptions>;

/** Generated display name, e.g. `Traffic fails back to primary within 10 s`. */
export function failbackName(options: Pick<FailbackOptions, 'within'> & { readonly cohort?: string }): string {
  return `Traffic${options.cohort === undefined ? '' : ` of cohort ${options.cohort}`} fails back to primary within ${formatDuration(options.within)}`;
}

/**
 * Checks the two halves of a failback. DNS: after the last rollback every resolver's answers
 * return to the primary region within `options.within` and stay there to the end of the run.
 * Traffic: the requests that started in the last `finalWindow` of the run were served by the
 * primary region without error (all of them, or `minPrimaryShare` percent). Both must hold; both
 * are reported in `details`, with the errors clients saw from the rollback on (judged against
 * `maxErrorRate` when given) and flapping: a resolver whose answers reached the primary and
 * then left it again (judged against `maxFlaps` when given, reported always).
 */
export function evaluateFailback(whole: Timeline, options: FailbackOptions, context: AssertionContext): Verdict {
  const primary = context.primaryRegion;
  const minShare = options.minPrimaryShare ?? 100;
  const base = {
    assertion: 'failback',
    name: options.name ?? failbackName(options),
    expected:
      `DNS back on primary ≤ ${formatDuration(options.within)} after rollback; ` +
      (minShare >= 100
        ? `last ${formatDuration(options.finalWindow)} all requests served by ${primary} without errors`
        : `last ${formatDuration(options.finalWindow)} ≥ ${formatRate(minShare)} of requests served by ${primary} without errors`) +
      (options.maxErrorRate === undefined ? '' : `; error rate after rollback ≤ ${formatRate(options.maxErrorRate)}`) +
      (options.maxFlaps === undefined ? '' : `; ≤ ${plural(options.maxFlaps, 'flap')}`),
  } as const;
  const timeline = timelineOfCohort(whole, options.cohort);
  if ('problem' in timeline) return { ...base, status: 'errored', observed: timeline.problem };

  let rollbackAt: number | undefined;
  for (const event of timeline.faults) {
    if (event.kind === 'rollback' && (rollbackAt === undefined || event.at > rollbackAt)) rollbackAt = event.at;
  }
  if (rollbackAt === undefined) {
    const failed = timeline.faults.some((event) => event.kind === 'rollback-failed');
    return {
      ...base,
      status: 'errored',
      observed: failed
        ? 'the rollback failed (no successful rollback event), so there was no failback to time'
        : 'no rollback event was recorded, so there was no failback to time',
    };
  }
  const window = { from: rollbackAt, to: timeline.endedAt };
  const regionProblem = unknownRegionProblem(timeline, primary, 'primary');
  if (regionProblem !== undefined) return { ...base, status: 'errored', observed: regionProblem, window };

  // DNS half.
  const details: Record<string, string | number | boolean | null> = {};
  let dnsOk: boolean;
  let dnsText: string;
  let flaps = 0;
  let failbackMs: number | null = null;
  const selection = selectResolvers(timeline.dns, options.resolvers, context);
  if (!selection.ok) return { ...base, status: 'errored', observed: selection.problem, window };
  if (selection.dns.length === 0) {
    dnsOk = false;
    dnsText = 'no resolver answered: no DNS observations were recorded';
  } else {
    const results = resolverConvergence(selection.dns, timeline.regionsByAddress, primary, {
      from: rollbackAt,
      until: Number.POSITIVE_INFINITY,
    });
    const summary = summarizeConvergence(results, options.within, context.probeIntervalMs);
    dnsOk = summary.ok;
    failbackMs = results.some((result) => result.ms === null) ? null : summary.slowestMs;
    dnsText = results.every((result) => result.answers === 0)
      ? `no resolver answered after the rollback (${results.length} probed)`
      : summary.text;
    dnsText += describeFlaps(results);
    flaps = results.reduce((sum, result) => sum + result.flaps, 0);
    Object.assign(details, summary.details);
  }
  details.dnsFailedBack = dnsOk;
  if (flaps > 0 || options.maxFlaps !== undefined) details.flaps = flaps;
  const flapsOk = options.maxFlaps === undefined || flaps <= options.maxFlaps;

  // Traffic half: requests that started in the final window, read straight off the columns.
  const samples = timeline.samples;
  const tailFrom = timeline.endedAt - options.finalWindow;
  let afterRequests = 0;
  let afterErrors = 0;
  let requests = 0;
  let errors = 0;
  let healthyOnPrimary = 0;
  const elsewhere = new Map<string, number>();
  for (let i = 0; i < samples.length; i++) {
    const start = samples.startAt(i);
    if (start >= rollbackAt && start <= timeline.endedAt) {
      afterRequests++;
      if (isErrorSample({ status: samples.statusAt(i) })) afterErrors++;
    }
    if (start < tailFrom || start > timeline.endedAt) continue;
    requests++;
    const region = samples.regionAt(i);
    if (isErrorSample({ status: samples.statusAt(i) })) errors++;
    else if (region === primary) healthyOnPrimary++;
    if (region !== primary) {
      const key = region ?? 'unknown region';
      elsewhere.set(key, (elsewhere.get(key) ?? 0) + 1);
    }
  }
  const trafficOk = requests > 0 && (healthyOnPrimary / requests) * 100 + 1e-9 >= minShare;
  details.finalWindowMs = options.finalWindow;
  details.finalRequests = requests;
  details.finalErrors = errors;
  details.finalHealthyOnPrimary = healthyOnPrimary;
  for (const [region, count] of [...elsewhere].sort(([a], [b]) => a.localeCompare(b))) details[`finalServedBy ${region}`] = count;
  details.trafficFailedBack = trafficOk;
  const afterRate = afterRequests === 0 ? 0 : (afterErrors / afterRequests) * 100;
  if (afterErrors > 0 || options.maxErrorRate !== undefined) {
    details.failbackRequests = afterRequests;
    details.failbackErrors = afterErrors;
    details.failbackErrorRatePercent = Math.round(afterRate * 100) / 100;
  }
  const errorsOk = options.maxErrorRate === undefined || afterRate <= options.maxErrorRate + 1e-9;

  const tail = `last ${formatDuration(options.finalWindow)}`;
  let trafficText: string;
  if (requests === 0) {
    trafficText = `${tail}: no requests were sampled, so traffic failback is unproven`;
  } else {
    const others = [...elsewhere].map(([region, count]) => `${count} by ${region}`).join(', ');
    trafficText =
      `${tail}: ${healthyOnPrimary} of ${plural(requests, 'request')} served by ${primary} without error` +
      (others === '' ? '' : `; ${others}`) +
      (errors === 0 ? '' : `; ${plural(errors, 'error')}`);
  }

  const errorsText =
    afterErrors === 0 && options.maxErrorRate === undefined
      ? ''
      : `; since the rollback ${formatRate(afterRate)} errors (${afterErrors} of ${plural(afterRequests, 'request')})`;

  // Missing samples make the traffic half unjudgeable, but a DNS failure is still a failure.
  const status =
    !dnsOk || !flapsOk || !errorsOk || (requests > 0 && !trafficOk) ? 'failed' : requests === 0 ? 'errored' : 'passed';
  return {
    ...base,
    status,
    observed: `DNS: ${dnsText}; ${trafficText}${errorsText}`,
    window,
    resolutionMs: context.probeIntervalMs,
    details,
    // DNS failback is everyone's: a cohort's verdict judges its traffic, the figure stays the run's.
    ...(timeline.dns.length === 0 || options.cohort !== undefined
      ? {}
      : {
          figures: [
            {
              name: 'failback',
              label: 'Failback (DNS)',
              value: failbackMs,
              unit: 'ms',
              definition: `last rollback → every probed resolver answered ${primary} again for good`,
              window,
              resolutionMs: context.probeIntervalMs,
            } satisfies Figure,
          ],
        }),
  };
}
