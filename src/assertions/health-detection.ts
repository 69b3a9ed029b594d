import type { HealthObservation, Timeline } from '../runner/timeline.ts';

/** When a health check as a whole reached a status, as the Timeline tells it. */
export interface Detection {
  /** The check that was read (the one asked for, or the first to flip when none was named). */
  readonly healthCheckId: string | undefined;
  /** Epoch ms of the flip: the CheckedTime of the result that tipped it, else the poll time. */
  readonly at: number | null;
  /** ms from `from` to the flip; 0 when the check already had the status before `from`. */
  readonly ms: number | null;
  /** The check already had the status when the window opened (nothing to detect). */
  readonly already: boolean;
  /** Overall-status observations of the check(s) considered, anywhere in the run. */
  readonly observations: number;
}

/** Where and what to look for. */
export interface DetectionQuery {
  /** Health check id; absent means any check (the first to flip wins). */
  readonly healthCheckId?: string;
  /** Status to look for: false finds "turned unhealthy" (time to detect), true "turned healthy". */
  readonly healthy: boolean;
  readonly from: number;
  readonly until: number;
}

/**
 * Finds when a health check's overall status (observations without `checkerRegion`) became
 * `query.healthy` inside [from, until). The flip is dated by `checkedAt` when the observer gave
 * one, which is when Route 53's checker saw the deciding result; otherwise by the poll time.
 * Either way the figure is good to one health-poll interval.
 */
export function measureDetection(timeline: Timeline, query: DetectionQuery): Detection {
  const overall = timeline.health
    .filter((o) => o.checkerRegion === undefined && (query.healthCheckId === undefined || o.healthCheckId === query.healthCheckId))
    .sort((a, b) => when(a) - when(b));
  const before = new Map<string, HealthObservation>();
  for (const observation of overall) if (when(observation) < query.from) before.set(observation.healthCheckId, observation);
  const wantedIds = query.healthCheckId === undefined ? [...new Set(overall.map((o) => o.healthCheckId))] : [query.healthCheckId];
  for (const id of wantedIds) {
    if (before.get(id)?.healthy === query.healthy) {
      return { healthCheckId: id, at: query.from, ms: 0, already: true, observations: overall.length };
    }
  }
  const flip = overall.find((o) => o.healthy === query.healthy && when(o) >= query.from && when(o) < query.until);
  if (flip === undefined) {
    return { healthCheckId: query.healthCheckId, at: null, ms: null, already: false, observations: overall.length };
  }
  const at = when(flip);
  return { healthCheckId: flip.healthCheckId, at, ms: at - query.from, already: false, observations: overall.length };
}

function when(observation: HealthObservation): number {
  return observation.checkedAt ?? observation.at;
}
