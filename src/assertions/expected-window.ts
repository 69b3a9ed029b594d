import { formatDuration } from '../drill/duration.ts';
import type { Timeline } from '../runner/timeline.ts';
import type { AssertionContext } from './assertion-context.ts';

/** When, after the fault went in, Route 53's model says DNS should have moved. */
export interface ExpectedWindow {
  /** Earliest plausible time after the injection, ms. */
  readonly fromMs: number;
  /** Latest plausible time after the injection, ms. */
  readonly toMs: number;
  /** The earliest and latest time Route 53 should flag the check unhealthy, ms after injection. */
  readonly detectFromMs: number;
  readonly detectToMs: number;
  readonly ttlSeconds: number;
  /** e.g. `expected 2–4 s (check every 1 s × threshold 3, + TTL 1 s)`. */
  readonly text: string;
}

/**
 * The failover model of AWS-FACTS: the first failing check runs within one RequestInterval of
 * the injection and FailureThreshold consecutive failures flip the check, so detection lands in
 * [(threshold − 1) × interval, threshold × interval]; Route 53 then propagates the new answer
 * (`propagationMs`) and a caching resolver may hold the old one for up to the TTL. The TTL only
 * widens the upper bound: an authoritative server answers at once.
 *
 * Returns undefined when the context lacks the health check's rules. Not modelled: checks that
 * fail by timing out (add the 2–4 s response limit) and a fault that takes time to bite.
 */
export function expectedFailoverWindow(timeline: Timeline, context: AssertionContext): ExpectedWindow | undefined {
  const check = context.healthCheck;
  if (check === undefined || !(check.requestIntervalMs > 0) || !(check.failureThreshold >= 1)) return undefined;
  const ttlSeconds = context.recordTtlSeconds ?? largestAnsweredTtl(timeline);
  const propagationMs = context.propagationMs ?? 0;
  const detectFromMs = (check.failureThreshold - 1) * check.requestIntervalMs;
  const detectToMs = check.failureThreshold * check.requestIntervalMs;
  const toMs = detectToMs + propagationMs + ttlSeconds * 1000;
  const parts = [`check every ${formatDuration(check.requestIntervalMs)} × threshold ${check.failureThreshold}`];
  if (propagationMs > 0) parts.push(`+ propagation ${formatDuration(propagationMs)}`);
  parts.push(`+ TTL ${ttlSeconds} s`);
  return {
    fromMs: detectFromMs,
    toMs,
    detectFromMs,
    detectToMs,
    ttlSeconds,
    text: `expected ${formatDuration(detectFromMs)}–${formatDuration(toMs)} (${parts.join(', ')})`,
  };
}

/** The largest TTL (seconds) any resolver answered with: the record's TTL as clients saw it. */
export function largestAnsweredTtl(timeline: Timeline): number {
  let ttl = 0;
  for (const observation of timeline.dns) if (observation.ttl !== undefined && observation.ttl > ttl) ttl = observation.ttl;
  return ttl;
}
