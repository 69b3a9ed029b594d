import type { RunRecord } from '../runner/run-record.ts';

/** Headline numbers of a run, for summaries and the cross-run history. Undefined = not measurable. */
export interface RunMetrics {
  /** First injection until every resolver answered only with the secondary region (ms). */
  readonly convergenceMs?: number;
  /** First rollback until every resolver answered only with the primary region again (ms). */
  readonly failbackMs?: number;
  /**
   * Recovery time: first injection until requests succeeded again, i.e. the start of the first
   * run of `STABLE_BUCKETS` consecutive non-empty error-free buckets after the first error
   * (0 when the fault caused no error at all).
   */
  readonly rtoMs?: number;
  /** Errors / requests over the whole run (%). */
  readonly errorRate?: number;
  /** Errors / requests during the fault and recovery phases (%). */
  readonly faultErrorRate?: number;
}

const STABLE_BUCKETS = 3;

/** Computes `RunMetrics` from a run record alone (so re-rendering and history agree). */
export function computeRunMetrics(record: RunRecord): RunMetrics {
  const inject = record.faults.find((event) => event.kind === 'inject')?.at;
  const rollback = record.faults.find((event) => event.kind === 'rollback')?.at;
  const { primary, secondary } = record.environment.regions;
  const convergenceMs = inject === undefined ? undefined : dnsSettledOn(record, secondary, inject);
  const failbackMs = rollback === undefined ? undefined : dnsSettledOn(record, primary, rollback);
  const rtoMs = inject === undefined ? undefined : recoveryTime(record, inject);
  const errorRate = record.totals.requests === 0 ? undefined : (record.totals.errors / record.totals.requests) * 100;
  const fault = record.phases.find((mark) => mark.phase === 'fault')?.at;
  const failback = record.phases.find((mark) => mark.phase === 'failback')?.at ?? record.endedAt;
  let faultErrorRate: number | undefined;
  if (fault !== undefined) {
    let requests = 0;
    let errors = 0;
    for (const point of record.series.points) {
      if (point.t < fault || point.t >= failback) continue;
      requests += point.requests;
      errors += point.errors;
    }
    faultErrorRate = requests === 0 ? undefined : (errors / requests) * 100;
  }
  return {
    ...(convergenceMs === undefined ? {} : { convergenceMs }),
    ...(failbackMs === undefined ? {} : { failbackMs }),
    ...(rtoMs === undefined ? {} : { rtoMs }),
    ...(errorRate === undefined ? {} : { errorRate }),
    ...(faultErrorRate === undefined ? {} : { faultErrorRate }),
  };
}

/** When (ms after `since`) the last resolver started answering only with `region`, for good. */
function dnsSettledOn(record: RunRecord, region: string, since: number): number | undefined {
  const byResolver = new Map<string, { at: number; on: boolean }[]>();
  for (const observation of record.dns) {
    if (observation.at < since) continue;
    const on = observation.addresses.length > 0 && observation.addresses.every((address) => record.regionsByAddress[address] === region);
    const list = byResolver.get(observation.resolver) ?? [];
    list.push({ at: observation.at, on });
    byResolver.set(observation.resolver, list);
  }
  if (byResolver.size === 0) return undefined;
  let latest = 0;
  for (const readings of byResolver.values()) {
    readings.sort((a, b) => a.at - b.at);
    // The first reading of the final run of "on" readings before the next phase moves DNS again
    // would need phase-awareness; the first "on" reading is what the assertions measure too.
    const first = readings.find((reading) => reading.on);
    if (first === undefined) return undefined;
    latest = Math.max(latest, first.at - since);
  }
  return latest;
}

function recoveryTime(record: RunRecord, inject: number): number | undefined {
  const points = record.series.points.filter((point) => point.t + record.series.bucketMs > inject);
  const firstError = points.findIndex((point) => point.errors > 0);
  if (firstError === -1) return points.length === 0 ? undefined : 0;
  for (let i = firstError + 1; i + STABLE_BUCKETS <= points.length; i++) {
    const window = points.slice(i, i + STABLE_BUCKETS);
    if (window.every((point) => point.requests > 0 && point.errors === 0)) {
      return Math.max(0, (points[i]?.t ?? inject) - inject);
    }
  }
  return undefined;
}
