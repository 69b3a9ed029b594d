import type { SampleStore } from '../load/sample-store.ts';
import { isErrorSample } from '../load/sample.ts';
import type { RunSeries, SeriesPoint } from '../runner/run-record.ts';

/** A run that asks for more buckets than this is almost certainly a unit mix-up (s vs ms). */
const MAX_BUCKETS = 1_000_000;

/** Thrown when `buildSeries` is given a window or bucket size it cannot chart. */
export class SeriesRangeError extends RangeError {
  override readonly name = 'SeriesRangeError';
}

/**
 * Buckets samples by their start time into fixed windows `[from + k·bucketMs, from + (k+1)·bucketMs)`
 * covering `[from, to)`. Samples outside the window are ignored. Every bucket is returned, empty
 * ones included (requests 0, p95 null), so a chart drawn from the points has no gaps.
 *
 * p95 is exact per bucket (nearest-rank: the ⌈0.95·n⌉-th smallest latency), not an estimate,
 * because a drill's buckets are small enough to sort. It is rounded to microseconds only to
 * hide float32 storage noise in run.json.
 *
 * `only` keeps the samples it accepts (by index), e.g. one service's.
 *
 * @example buildSeries(samples, run.startedAt, run.endedAt) // one point per second of the run
 */
export function buildSeries(samples: SampleStore, from: number, to: number, bucketMs = 1000, only?: (i: number) => boolean): SeriesPoint[] {
  if (!Number.isFinite(bucketMs) || bucketMs <= 0) {
    throw new SeriesRangeError(`bucketMs must be a positive number of milliseconds, got ${bucketMs}`);
  }
  if (!Number.isFinite(from) || !Number.isFinite(to) || to < from) {
    throw new SeriesRangeError(`series window must satisfy from <= to (epoch ms), got from=${from} to=${to}`);
  }
  const bucketCount = Math.ceil((to - from) / bucketMs);
  if (bucketCount > MAX_BUCKETS) {
    throw new SeriesRangeError(
      `series window ${to - from} ms at bucketMs=${bucketMs} needs ${bucketCount} buckets, more than ${MAX_BUCKETS}`,
    );
  }

  // Pass 1: counts, so latencies can then be laid out bucket by bucket in one typed array
  // (a counting-sort layout) instead of one JS array per bucket.
  const bucketOf = new Int32Array(samples.length).fill(-1);
  const requests = new Uint32Array(bucketCount);
  const errors = new Uint32Array(bucketCount);
  const byRegion: Record<string, number>[] = Array.from({ length: bucketCount }, () => ({}));
  for (let i = 0; i < samples.length; i++) {
    const start = samples.startAt(i);
    if (!(start >= from && start < to) || (only !== undefined && !only(i))) continue;
    const bucket = Math.floor((start - from) / bucketMs);
    bucketOf[i] = bucket;
    requests[bucket] = (requests[bucket] ?? 0) + 1;
    if (isErrorSample({ status: samples.statusAt(i) })) errors[bucket] = (errors[bucket] ?? 0) + 1;
    const region = samples.regionAt(i);
    const counts = byRegion[bucket];
    if (region !== undefined && counts !== undefined) counts[region] = (counts[region] ?? 0) + 1;
  }

  const offsets = new Uint32Array(bucketCount + 1);
  for (let b = 0; b < bucketCount; b++) offsets[b + 1] = (offsets[b] ?? 0) + (requests[b] ?? 0);
  const latencies = new Float64Array(offsets[bucketCount] ?? 0);
  const cursor = offsets.slice(0, bucketCount);
  for (let i = 0; i < samples.length; i++) {
    const bucket = bucketOf[i] ?? -1;
    if (bucket < 0) continue;
    const at = cursor[bucket] ?? 0;
    latencies[at] = samples.latencyAt(i);
    cursor[bucket] = at + 1;
  }

  const points: SeriesPoint[] = [];
  for (let b = 0; b < bucketCount; b++) {
    const count = requests[b] ?? 0;
    const start = offsets[b] ?? 0;
    points.push({
      t: from + b * bucketMs,
      requests: count,
      errors: errors[b] ?? 0,
      p95: count === 0 ? null : percentile95(latencies.subarray(start, start + count)),
      byRegion: byRegion[b] ?? {},
    });
  }
  return points;
}

function percentile95(bucket: Float64Array): number {
  bucket.sort();
  // Integer arithmetic: 0.95 * n in floating point can land just above an integer and shift the rank.
  const value = bucket[Math.ceil((95 * bucket.length) / 100) - 1] ?? Number.NaN;
  return Math.round(value * 1000) / 1000;
}

/**
 * A run's series for run.json: every request in one series, and, when the samples name more than
 * one target (service), the same buckets for each service alone, so reports can chart each one.
 */
export function buildRunSeries(samples: SampleStore, from: number, to: number, bucketMs = 1000): RunSeries {
  const points = buildSeries(samples, from, to, bucketMs);
  const services = samples.targets;
  if (services.length < 2) return { bucketMs, points };
  const byService: Record<string, SeriesPoint[]> = {};
  for (const service of services) byService[service] = buildSeries(samples, from, to, bucketMs, (i) => samples.targetAt(i) === service);
  return { bucketMs, points, byService };
}
