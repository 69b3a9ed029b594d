import { isErrorSample } from '../load/sample.ts';
import type { SampleStore } from '../load/sample-store.ts';

/** Requests completed in the last few seconds to one service, as the console and the status line show them. */
export interface ServiceTraffic {
  /** The load target's name, or `load` when the drill loads one service without naming it. */
  readonly service: string;
  readonly requests: number;
  /** Requests per second over the window. */
  readonly rate: number;
  readonly errors: number;
  /** Percent of the window's requests that failed; 0 with no request. */
  readonly errorPercent: number;
  /** Percent of the answered requests each region served, largest first. */
  readonly regions: readonly { readonly region: string; readonly percent: number }[];
}

/** How far back "now" reaches: long enough to smooth a 20 req/s load, short enough to show a switch at once. */
export const TRAFFIC_WINDOW_MS = 3_000;

/**
 * The traffic of the last `windowMs` per service. Samples are stored in completion order, so the
 * walk goes backwards from the newest and stops at the first one completed before the window:
 * the cost follows the load's rate, not the run's length.
 */
export function recentTraffic(samples: SampleStore, now: number, windowMs = TRAFFIC_WINDOW_MS): ServiceTraffic[] {
  const tallies = new Map<string, { requests: number; errors: number; regions: Map<string, number> }>();
  for (let i = samples.length - 1; i >= 0; i--) {
    const completed = samples.startAt(i) + samples.latencyAt(i);
    if (completed < now - windowMs) break;
    if (completed > now) continue;
    const service = samples.targetAt(i) ?? 'load';
    let tally = tallies.get(service);
    if (tally === undefined) {
      tally = { requests: 0, errors: 0, regions: new Map() };
      tallies.set(service, tally);
    }
    tally.requests++;
    if (isErrorSample({ status: samples.statusAt(i) })) tally.errors++;
    const region = samples.regionAt(i);
    if (region !== undefined) tally.regions.set(region, (tally.regions.get(region) ?? 0) + 1);
  }
  return [...tallies].map(([service, tally]) => {
    const answered = [...tally.regions.values()].reduce((sum, count) => sum + count, 0);
    return {
      service,
      requests: tally.requests,
      rate: round1((tally.requests * 1000) / windowMs),
      errors: tally.errors,
      errorPercent: tally.requests === 0 ? 0 : round1((tally.errors / tally.requests) * 100),
      regions: [...tally.regions]
        .map(([region, count]) => ({ region, percent: round1((count / answered) * 100) }))
        .sort((a, b) => b.percent - a.percent || a.region.localeCompare(b.region)),
    };
  }).sort((a, b) => a.service.localeCompare(b.service));
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
