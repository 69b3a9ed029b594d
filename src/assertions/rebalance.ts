import { z } from 'zod';
import { boundedDuration } from '../drill/bounded-duration.ts';
import { formatDuration } from '../drill/duration.ts';
import type { DnsObservation, Timeline } from '../runner/timeline.ts';
import { answerRegions } from './answer-regions.ts';
import { scopeOptions } from './assertion-scope.ts';
import { chainOf, type AssertionContext } from './assertion-context.ts';
import type { Figure } from './figure.ts';
import { probeKeys } from './probe-key.ts';
import { describeMinShares, describeShares, minSharesSchema, readShares, type RegionShareReading } from './region-shares.ts';
import { resolverSelectionSchema, selectResolvers } from './resolver-quorum.ts';
import { plural } from './verdict-format.ts';
import type { Verdict } from './verdict.ts';

/**
 * Options of `rebalance`: after the last rollback, an active-active system returns to the shares
 * it had in steady state, in time, without flapping. `region` is the region that comes back
 * (default the primary); flaps are counted on it.
 */
export const rebalanceOptions = z.strictObject({
  assertion: z.literal('rebalance'),
  name: z.string().min(1).optional(),
  /** The shares to return to, percent of every request per region, e.g. `{ primary: 40, secondary: 40 }`. */
  minShares: minSharesSchema,
  /** Longest acceptable time from the last rollback until every window from then on meets `minShares`. */
  within: boundedDuration({ min: 1, why: 'no system rebalances at once' }),
  /** Length of the sliding window the shares are read over. @default 2 s */
  window: boundedDuration({ min: 100, why: 'a share needs requests to be computed on' }).default(2000),
  /** Most flaps one resolver may show: the returning region dropping out of its answers again. @default 0 */
  maxFlaps: z.number({ error: 'expected a whole number of flaps, 0 or more' }).int('expected a whole number of flaps, 0 or more').min(0, 'expected a whole number of flaps, 0 or more').default(0),
  /**
   * A resolver answers the region while it named it at least once in the last `flapWindow` (a
   * weighted record names one region per answer, so presence is read over a stretch). @default 1 s
   */
  flapWindow: boundedDuration({ min: 10, why: 'presence needs at least one probe to be read on' }).default(1000),
  /** Only these resolvers or sets (a vantage point's name among them); default every one probed. */
  resolvers: resolverSelectionSchema,
  ...scopeOptions,
});

export type RebalanceOptions = z.output<typeof rebalanceOptions>;
export type RebalanceInput = z.input<typeof rebalanceOptions>;

/** Generated display name, e.g. `Shares rebalance within 6 s, at most 0 flaps per resolver`. */
export function rebalanceName(options: Pick<RebalanceOptions, 'within' | 'maxFlaps'>): string {
  return `Shares rebalance within ${formatDuration(options.within)}, at most ${plural(options.maxFlaps, 'flap')} per resolver`;
}

/** How one resolver's answers treated the returning region after the rollback. */
interface ResolverFlaps {
  readonly resolver: string;
  /** When it first named the region again (epoch ms), or null. */
  readonly returnedAt: number | null;
  /** Times the region dropped out of its answers after returning. */
  readonly flaps: number;
  /** Every change of presence after the rollback (a clean failback is one). */
  readonly switches: number;
}

/**
 * Judges an active-active failback. Shares: from the last rollback on, the requests of every
 * sliding `window` (stepped by a tenth of it, at least 100 ms) are read per region; the system has
 * rebalanced at the end of the first window from which every later one meets `minShares`, and that
 * must come within `within`. Flapping: each resolver's answers after the rollback, read as "names
 * the returning region within the last `flapWindow`"; each time that turns false again after it
 * turned true is a flap, and no resolver may show more than `maxFlaps`. Both halves must hold.
 */
export function evaluateRebalance(timeline: Timeline, options: RebalanceOptions, context: AssertionContext): Verdict {
  const chain = chainOf(context);
  const region = context.primaryRegion;
  const base = {
    assertion: 'rebalance',
    name: options.name ?? rebalanceName(options),
    expected: `${describeMinShares(options.minShares, chain)} over every ${formatDuration(options.window)} within ${formatDuration(options.within)} of the rollback; ≤ ${plural(options.maxFlaps, 'flap')} of ${region} per resolver`,
  } as const;

  let rollbackAt: number | undefined;
  for (const event of timeline.faults) if (event.kind === 'rollback' && (rollbackAt === undefined || event.at > rollbackAt)) rollbackAt = event.at;
  if (rollbackAt === undefined) return { ...base, status: 'errored', observed: 'no rollback was recorded, so there is no failback to judge' };
  const end = timeline.endedAt > 0 ? timeline.endedAt : Date.now();
  const evidence = { from: rollbackAt, to: end };

  const shares = rebalancedAt(timeline, options, chain, rollbackAt);
  const selection = selectResolvers(timeline.dns, options.resolvers, context);
  if (!selection.ok) return { ...base, status: 'errored', observed: selection.problem, window: evidence };
  const resolvers = flapsPerResolver(selection.dns, timeline.regionsByAddress, region, rollbackAt, options.flapWindow);

  const problems: string[] = [];
  const facts: string[] = [];
  const details: Record<string, string | number | boolean | null> = {};
  const rebalanceMs = shares.at === null ? null : shares.at - rollbackAt;
  details.rebalanceMs = rebalanceMs;
  if (rebalanceMs === null) problems.push(`shares never stayed back${shares.last === undefined ? '' : ` (last ${formatDuration(options.window)}: ${describeShares(shares.last)})`}`);
  else {
    facts.push(`shares back after ${formatDuration(rebalanceMs)} (±${formatDuration(shares.stepMs)})${shares.last === undefined ? '' : `: last ${formatDuration(options.window)} ${describeShares(shares.last)}`}`);
    if (rebalanceMs > options.within) problems.push(`shares back after ${formatDuration(rebalanceMs)} > ${formatDuration(options.within)}`);
  }

  if (resolvers.length === 0) problems.push('no resolver answered after the rollback');
  let mostFlaps = 0;
  for (const reading of resolvers) {
    details[`${reading.resolver} flaps`] = reading.flaps;
    details[`${reading.resolver} switches`] = reading.switches;
    mostFlaps = Math.max(mostFlaps, reading.flaps);
    if (reading.returnedAt === null) problems.push(`${reading.resolver} never answered ${region} again`);
    if (reading.flaps > options.maxFlaps) problems.push(`${reading.resolver} flapped ${plural(reading.flaps, 'time')} (> ${options.maxFlaps})`);
  }
  details.mostFlaps = mostFlaps;
  if (resolvers.length > 0) facts.push(`${region} back in the answers of ${resolvers.filter((r) => r.returnedAt !== null).length} of ${plural(resolvers.length, 'resolver')}, most flaps ${mostFlaps}`);

  const figures: Figure[] = [
    {
      name: 'rebalance',
      label: 'Rebalance (shares back)',
      value: rebalanceMs,
      unit: 'ms',
      definition: `From the last rollback to the end of the first ${formatDuration(options.window)} window from which every window meets ${describeMinShares(options.minShares, chain)}.`,
      window: { from: rollbackAt, to: shares.at ?? end },
      resolutionMs: shares.stepMs,
    },
    {
      name: 'rebalance.flaps',
      label: 'Rebalance flaps (most of one resolver)',
      value: mostFlaps,
      unit: 'count',
      definition: `After the last rollback, the most times one resolver's answers dropped ${region} again (for ${formatDuration(options.flapWindow)} or more) after naming it.`,
      window: evidence,
    },
  ];
  const ok = problems.length === 0;
  return {
    ...base,
    status: ok ? 'passed' : 'failed',
    observed: ok ? facts.join('; ') : `${problems.join('; ')}${facts.length === 0 ? '' : ` (${facts.join('; ')})`}`,
    window: { from: rollbackAt, to: shares.at ?? end },
    resolutionMs: shares.stepMs,
    details,
    figures,
  };
}

/** The end of the first window from which every later one meets the shares (null: none), and the last reading. */
function rebalancedAt(
  timeline: Timeline,
  options: RebalanceOptions,
  chain: readonly string[],
  rollbackAt: number,
): { readonly at: number | null; readonly last: readonly RegionShareReading[] | undefined; readonly stepMs: number } {
  const stepMs = Math.max(100, Math.round(options.window / 10));
  const samples = timeline.samples;
  // Windows end no later than the last request sent, so the tail is never read half-filled.
  let lastStart = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < samples.length; i++) lastStart = Math.max(lastStart, samples.startAt(i));
  let at: number | null = null;
  let last: readonly RegionShareReading[] | undefined;
  for (let t = rollbackAt + options.window; t <= lastStart + 1; t += stepMs) {
    last = readShares(samples, { from: t - options.window, to: t }, options.minShares, chain);
    if (last.every((reading) => reading.met)) at ??= t;
    else at = null;
  }
  return { at, last, stepMs };
}

/** Per resolver (as its grid is keyed), how the returning region's presence in its answers moved after the rollback. */
function flapsPerResolver(
  dns: readonly DnsObservation[],
  regionsByAddress: Readonly<Record<string, string>>,
  region: string,
  rollbackAt: number,
  flapWindowMs: number,
): ResolverFlaps[] {
  const { keyOf } = probeKeys(dns);
  const byResolver = new Map<string, DnsObservation[]>();
  for (const observation of dns) {
    if (observation.at <= rollbackAt - flapWindowMs || observation.rcode === 'TIMEOUT' || observation.rcode === 'ERROR') continue;
    const key = keyOf(observation);
    const list = byResolver.get(key);
    if (list === undefined) byResolver.set(key, [observation]);
    else list.push(observation);
  }
  const readings: ResolverFlaps[] = [];
  for (const [resolver, observations] of [...byResolver].sort(([a], [b]) => a.localeCompare(b))) {
    const sorted = [...observations].sort((a, b) => a.at - b.at);
    let lastNamed = Number.NEGATIVE_INFINITY;
    const presentAt = (at: number): boolean => at - lastNamed < flapWindowMs;
    // Presence as it stood at the rollback, from the answers just before it.
    for (const observation of sorted) if (observation.at <= rollbackAt && answerRegions(observation, regionsByAddress).regions.includes(region)) lastNamed = observation.at;
    let present = presentAt(rollbackAt);
    let returnedAt: number | null = present ? rollbackAt : null;
    let flaps = 0;
    let switches = 0;
    for (const observation of sorted) {
      if (observation.at <= rollbackAt) continue;
      // Presence can lapse between probes: read it first as of this probe, before its own answer.
      const names = answerRegions(observation, regionsByAddress).regions.includes(region);
      if (names) lastNamed = observation.at;
      const now = presentAt(observation.at);
      if (now === present) continue;
      switches++;
      if (now) returnedAt ??= observation.at;
      else if (returnedAt !== null) flaps++;
      present = now;
    }
    readings.push({ resolver, returnedAt, flaps, switches });
  }
  return readings;
}
