import type { SampleStore } from '../load/sample-store.ts';
import { isErrorSample } from '../load/sample.ts';

/** How the client-perceived recovery is judged. */
export interface RecoveryQuery {
  readonly from: number;
  /** Exclusive end: the rollback, or the end of the run. */
  readonly until: number;
  /** Sliding window W, ms. */
  readonly windowMs: number;
  /** X: lowest acceptable success rate inside every window, percent. */
  readonly minSuccessRate: number;
}

/** When clients saw the service healthy again, for good. */
export interface ClientRecovery {
  /** Requests that started in [from, until). */
  readonly requests: number;
  /** Full windows (W fits before `until`) that were judged. */
  readonly windows: number;
  /** Start of the first request of the sustained recovery, or null. */
  readonly at: number | null;
  readonly ms: number | null;
  /**
   * The recovery happened between the previous window start and `at`, so this is the figure's
   * uncertainty (ms); 0 when unknown.
   */
  readonly resolutionMs: number;
  /** Times the success rate fell below X again after having recovered. */
  readonly relapses: number;
  /** Epoch ms of each relapse (start of the first failing window). */
  readonly relapseAts: readonly number[];
}

const RATE_EPSILON = 1e-9;

/**
 * Client-perceived recovery: the earliest request start t such that every sliding window
 * [s, s + W) starting at a request s ≥ t (and fitting before `until`) has a success rate of at
 * least X. A relapse (a failing window after a good one) pushes t past it, so "recovered then
 * relapsed" is only recovered if it recovered again, and is counted in `relapses`.
 *
 * Only full windows are judged: a window cut short by `until` would judge a handful of requests.
 * Requests are read in start order (the store keeps completion order).
 */
export function measureClientRecovery(samples: SampleStore, query: RecoveryQuery): ClientRecovery {
  const picked: number[] = [];
  for (let i = 0; i < samples.length; i++) {
    const start = samples.startAt(i);
    if (start >= query.from && start < query.until) picked.push(i);
  }
  picked.sort((a, b) => samples.startAt(a) - samples.startAt(b) || a - b);
  const starts = picked.map((i) => samples.startAt(i));
  const okPrefix = new Uint32Array(picked.length + 1);
  picked.forEach((index, k) => {
    okPrefix[k + 1] = (okPrefix[k] ?? 0) + (isErrorSample({ status: samples.statusAt(index) }) ? 0 : 1);
  });

  let windows = 0;
  let lastBad = -1;
  let wasGood = false;
  const relapseAts: number[] = [];
  let end = 0;
  for (let k = 0; k < starts.length; k++) {
    const start = starts[k] ?? 0;
    if (start + query.windowMs > query.until) break;
    windows++;
    end = Math.max(end, k + 1);
    while (end < starts.length && (starts[end] ?? 0) < start + query.windowMs) end++;
    const ok = (okPrefix[end] ?? 0) - (okPrefix[k] ?? 0);
    const rate = (ok / (end - k)) * 100;
    const good = rate + RATE_EPSILON >= query.minSuccessRate;
    if (!good) {
      if (wasGood) relapseAts.push(start);
      lastBad = k;
    }
    wasGood = good;
  }

  const recoveredIndex = lastBad + 1;
  const recovered = windows > 0 && recoveredIndex < windows;
  const at = recovered ? (starts[recoveredIndex] ?? null) : null;
  const previous = recoveredIndex > 0 ? starts[recoveredIndex - 1] : query.from;
  return {
    requests: picked.length,
    windows,
    at,
    ms: at === null ? null : at - query.from,
    resolutionMs: at === null || previous === undefined ? 0 : at - previous,
    relapses: relapseAts.length,
    relapseAts,
  };
}
