import { formatDuration } from '../drill/duration.ts';
import type { ClientCohort } from '../load/client-cohort.ts';

/** When a cohort's model says it should recover, in ms after the injection. */
export interface CohortExpectation {
  readonly fromMs: number;
  /** Null: the model says it does not recover while the fault is in (a cache that never expires). */
  readonly toMs: number | null;
  /** e.g. `expected 2.9–5.9 s: DNS shift + up to its 3 s cache (jvm)` */
  readonly text: string;
  /** Why the model never recovers, for a verdict that failed because it did not. */
  readonly never?: string;
}

/**
 * The window each cohort model predicts for its recovery, given when DNS shifted (`shiftMs` after
 * the injection, as the probes measured it): a client that resolves per connection moves with
 * DNS; one that caches moves when its cache runs out after the shift, so up to a TTL or a cache
 * length later; one that caches forever, or holds a connection, does not move on DNS at all.
 */
export function cohortExpectation(cohort: ClientCohort, shiftMs: number, ttlSeconds: number): CohortExpectation {
  const shift = formatDuration(shiftMs);
  const upTo = (cacheMs: number, what: string): CohortExpectation => ({
    fromMs: shiftMs,
    toMs: shiftMs + cacheMs,
    text: `expected ${shift}–${formatDuration(shiftMs + cacheMs)}: DNS shift + up to ${what} (${cohort.model})`,
  });
  switch (cohort.model) {
    case 'fresh':
      return { fromMs: shiftMs, toMs: shiftMs, text: `expected ${shift}: at the DNS shift, it resolves for every connection (fresh)` };
    case 'ttl':
      return upTo(ttlSeconds * 1000, `the record TTL of ${ttlSeconds} s`);
    case 'jvm':
    case 'k6':
      return upTo(cohort.dnsCacheMs ?? 0, `its ${formatDuration(cohort.dnsCacheMs ?? 0)} DNS cache`);
    case 'browser':
      return {
        ...upTo(cohort.dnsCacheMs ?? 0, `its ${formatDuration(cohort.dnsCacheMs ?? 0)} host cache, once its pooled connections close`),
        never: 'it keeps its pooled keep-alive connections to the old region while they answer, even with errors',
      };
    case 'jvm-forever':
      return {
        fromMs: shiftMs,
        toMs: null,
        text: 'expected never: it caches the first DNS answer for the life of the process (jvm-forever)',
        never: 'it caches the first DNS answer for the life of the process (networkaddress.cache.ttl=-1), so it keeps connecting to the region it first resolved until restarted',
      };
    case 'sticky':
      return {
        fromMs: shiftMs,
        toMs: null,
        text: 'expected only when its connection breaks, whatever DNS says (sticky)',
        never: 'it holds one keep-alive connection and reconnects only when that breaks; the old region kept the connection open',
      };
  }
}
