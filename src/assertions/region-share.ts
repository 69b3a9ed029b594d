import { z } from 'zod';
import { regionRefSchema, resolveRegionRef } from '../drill/region-ref.ts';
import { scopeOptions } from './assertion-scope.ts';
import { durationSchema, formatDuration } from '../drill/duration.ts';
import type { SampleStore } from '../load/sample-store.ts';
import { isErrorSample } from '../load/sample.ts';
import { PHASES, phaseWindow, type Timeline } from '../runner/timeline.ts';
import { chainOf, type AssertionContext } from './assertion-context.ts';
import { formatRate, plural } from './verdict-format.ts';
import { cohortOption, timelineOfCohort } from './cohort-filter.ts';
import type { Verdict } from './verdict.ts';
import { describeStepSpan, stepSpanOption, stepSpanWindow } from './step-span.ts';

/** Stretches of a run a region-share can be judged over, besides the phases. */
const SPANS = ['fault-active', 'after-rollback'] as const;

/** Options of `region-share`: enough requests were served by the expected region. */
export const regionShareOptions = z.strictObject({
  assertion: z.literal('region-share'),
  name: z.string().min(1).optional(),
  /** The region that should serve. */
  region: regionRefSchema,
  service: scopeOptions.service,
  /** X: lowest acceptable share of requests served (successfully) by that region, percent. */
  minShare: z.number().min(0).max(100),
  /**
   * Where: a phase, `fault-active` (first injection → first rollback after it) or
   * `after-rollback` (last rollback → end of the run).
   */
  during: z.enum([...PHASES, ...SPANS]).optional(),
  /** Instead of `during`: from the start of one step to the end of another (see `stepSpanOption`). */
  steps: stepSpanOption,
  /** Ignore the first part of the stretch, e.g. the time failover is expected to take (ms). */
  skip: durationSchema.default(0),
  /**
   * `all`: share of every request (errors count against it); `successful`: share of the
   * requests that got an answer without error.
   */
  of: z.enum(['all', 'successful']).default('all'),
  /** Judge only this client cohort's requests (a `load.clients` name). */
  cohort: cohortOption,
}).superRefine((options, ctx) => {
  if ((options.during === undefined) === (options.steps === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['during'], message: 'expected during (a phase or a stretch) or steps ({ from, to }), exactly one' });
  }
});

export type RegionShareOptions = z.output<typeof regionShareOptions>;

/** Generated display name, e.g. `≥ 95.00% of requests served by secondary during fault-active`. */
export function regionShareName(options: Pick<RegionShareOptions, 'region' | 'minShare' | 'during' | 'skip' | 'of' | 'steps'> & { readonly cohort?: string }): string {
  const skip = options.skip > 0 ? ` (after the first ${formatDuration(options.skip)})` : '';
  const of = options.of === 'successful' ? 'successful requests' : 'requests';
  const who = options.cohort === undefined ? '' : ` of cohort ${options.cohort}`;
  return `≥ ${formatRate(options.minShare)} of ${of}${who} served by ${options.region} ${whereOf(options)}${skip}`;
}

/** `during recovery`, `in steps hold-3`. */
function whereOf(options: Pick<RegionShareOptions, 'during' | 'steps'>): string {
  return options.steps === undefined ? `during ${options.during ?? '?'}` : `in steps ${describeStepSpan(options.steps)}`;
}

/**
 * Checks the share of requests (by start time, in the chosen stretch) that were answered
 * without error by the expected region. Details break the requests down by the region that
 * answered, so "who served instead" is on the record.
 */
export function evaluateRegionShare(whole: Timeline, options: RegionShareOptions, context: AssertionContext): Verdict {
  const region = resolveRegionRef(options.region, chainOf(context)) ?? String(options.region);
  const base = {
    assertion: 'region-share',
    name: options.name ?? regionShareName(options),
    expected: `≥ ${formatRate(options.minShare)} of ${options.of === 'successful' ? 'successful requests' : 'requests'} served by ${region}`,
  } as const;

  const timeline = timelineOfCohort(whole, options.cohort);
  if ('problem' in timeline) return { ...base, status: 'errored', observed: timeline.problem };
  const span = options.steps === undefined ? stretch(timeline, options.during ?? 'fault-active') : stepSpanWindow(timeline, options.steps);
  if (typeof span === 'string') return { ...base, status: 'errored', observed: span };
  const window = { from: Math.min(span.from + options.skip, span.to), to: span.to };

  const { requests, errors, served, byRegion } = measureShare(timeline.samples, window, region);
  const details: Record<string, string | number | null> = { requests, errors, [`served by ${region}`]: served };
  for (const [other, count] of [...byRegion].sort(([a], [b]) => a.localeCompare(b))) {
    if (other !== region) details[`served by ${other}`] = count;
  }
  const denominator = options.of === 'successful' ? requests - errors : requests;
  if (denominator === 0) {
    const what = options.of === 'successful' && requests > 0 ? `none of the ${plural(requests, 'request')} succeeded` : 'no requests were sampled';
    return { ...base, status: 'errored', observed: `${what} ${whereOf(options)}, so the share is unknown`, window, details };
  }
  const share = (served / denominator) * 100;
  details.sharePercent = Math.round(share * 100) / 100;
  const others = [...byRegion].filter(([other]) => other !== region).map(([other, count]) => `${count} by ${other}`);
  if (errors > 0) others.push(plural(errors, 'error'));
  return {
    ...base,
    status: share + 1e-9 >= options.minShare ? 'passed' : 'failed',
    observed: `${formatRate(share)} (${served} of ${plural(denominator, options.of === 'successful' ? 'successful request' : 'request')} served by ${region}${others.length === 0 ? '' : `; ${others.join(', ')}`})`,
    window,
    details,
  };
}

/** What a stretch of requests shows about one region: how many it served, and who served the rest. */
export interface ShareReading {
  /** Requests that started in the window. */
  readonly requests: number;
  readonly errors: number;
  /** Requests the region answered without error. */
  readonly served: number;
  /** Requests answered without error, by the region that answered. */
  readonly byRegion: ReadonlyMap<string, number>;
}

/**
 * Counts the requests that started in [from, to) and who answered them without error. `firstIndex`
 * skips samples known to lie before the window (a live reader scanning only the recent ones).
 */
export function measureShare(samples: SampleStore, window: { readonly from: number; readonly to: number }, region: string, firstIndex = 0): ShareReading {
  const byRegion = new Map<string, number>();
  let requests = 0;
  let errors = 0;
  let served = 0;
  for (let i = firstIndex; i < samples.length; i++) {
    const start = samples.startAt(i);
    if (start < window.from || start >= window.to) continue;
    requests++;
    if (isErrorSample({ status: samples.statusAt(i) })) {
      errors++;
      continue;
    }
    const answeredBy = samples.regionAt(i) ?? 'unknown region';
    byRegion.set(answeredBy, (byRegion.get(answeredBy) ?? 0) + 1);
    if (answeredBy === region) served++;
  }
  return { requests, errors, served, byRegion };
}

function stretch(timeline: Timeline, during: NonNullable<RegionShareOptions['during']>): { from: number; to: number } | string {
  if (during === 'fault-active') {
    const inject = timeline.faults.find((event) => event.kind === 'inject');
    if (inject === undefined) return 'the fault never went in: no inject event was recorded';
    const rollback = timeline.faults.find((event) => event.kind === 'rollback' && event.at >= inject.at);
    return { from: inject.at, to: rollback?.at ?? timeline.endedAt };
  }
  if (during === 'after-rollback') {
    let last: number | undefined;
    for (const event of timeline.faults) if (event.kind === 'rollback' && (last === undefined || event.at > last)) last = event.at;
    if (last === undefined) return 'no rollback event was recorded, so there is no "after rollback"';
    return { from: last, to: timeline.endedAt };
  }
  return phaseWindow(timeline, during) ?? `phase ${during} never started`;
}
