import type { DnsObservation } from '../runner/timeline.ts';
import { formatDuration } from '../drill/duration.ts';
import { describeAnswer, isAnswerOn } from './answer-regions.ts';
import { probeKeys } from './probe-key.ts';
import { formatTimeWithResolution, plural } from './verdict-format.ts';

/** When one resolver settled on the target region, if it did. */
export interface ResolverConvergence {
  /** `host:port` of the resolver (with the vantage point and name when the drill probed several; see `probeKeys`). */
  readonly resolver: string;
  /** Milliseconds from the window start to the first answer of the sustained run, or null. */
  readonly ms: number | null;
  /** Epoch ms of that answer (when the query was sent), or null. */
  readonly at: number | null;
  /** Answers (not timeouts) the resolver gave inside the window. */
  readonly answers: number;
  /** The last answer in the window, in words (`us-west-2`, `NXDOMAIN`), when there was one. */
  readonly lastAnswer?: string;
  /** TTL of the last answer that carried one, in seconds. */
  readonly lastTtl?: number;
  /**
   * Flaps: how often the answers left the target region after having reached it (an answer on
   * the target, then one elsewhere). A clean switch has none.
   */
  readonly flaps: number;
}

/** Where a convergence is looked for: from `from` (inclusive) to `until` (exclusive). */
export interface ConvergenceWindow {
  readonly from: number;
  readonly until: number;
}

/**
 * rcodes meaning "no answer came". They neither start nor break a converged run: a resolver
 * that timed out did not send clients anywhere else, and the load samples already count what
 * clients suffered meanwhile.
 */
const NO_ANSWER = new Set(['TIMEOUT', 'ERROR']);

/**
 * For each resolver seen anywhere in `dns`, finds the first answer inside `window` that is
 * non-empty and entirely on `targetRegion` and after which every answer up to the window's end
 * stays there. A flap back to another region (or NXDOMAIN, SERVFAIL, an unknown address)
 * restarts the search, so only sustained convergence counts.
 *
 * Resolvers are returned in the order they first appear in `dns`.
 */
export function resolverConvergence(
  dns: readonly DnsObservation[],
  regionsByAddress: Readonly<Record<string, string>>,
  targetRegion: string,
  window: ConvergenceWindow,
): ResolverConvergence[] {
  const { keyOf } = probeKeys(dns);

  const byResolver = new Map<string, DnsObservation[]>();
  for (const observation of dns) {
    const key = keyOf(observation);
    let list = byResolver.get(key);
    if (list === undefined) {
      list = [];
      byResolver.set(key, list);
    }
    if (observation.at >= window.from && observation.at < window.until) list.push(observation);
  }

  const results: ResolverConvergence[] = [];
  for (const [resolver, observations] of byResolver) {
    // Answers can be recorded out of send order (a slow query finishing after a fast one).
    observations.sort((a, b) => a.at - b.at);
    let convergedAt: number | null = null;
    let answers = 0;
    let lastAnswer: string | undefined;
    let lastTtl: number | undefined;
    let flaps = 0;
    for (const observation of observations) {
      if (NO_ANSWER.has(observation.rcode)) continue;
      answers++;
      lastAnswer = describeAnswer(observation, regionsByAddress);
      if (observation.ttl !== undefined) lastTtl = observation.ttl;
      if (isAnswerOn(observation, regionsByAddress, targetRegion)) {
        convergedAt ??= observation.at;
      } else {
        if (convergedAt !== null) flaps++;
        convergedAt = null;
      }
    }
    results.push({
      resolver,
      ms: convergedAt === null ? null : convergedAt - window.from,
      at: convergedAt,
      answers,
      flaps,
      ...(lastAnswer === undefined ? {} : { lastAnswer }),
      ...(lastTtl === undefined ? {} : { lastTtl }),
    });
  }
  return results;
}

/** The verdict-ready reading of a set of resolver convergences against a limit. */
export interface ConvergenceSummary {
  /** Every resolver converged and none took longer than the limit. */
  readonly ok: boolean;
  /** Slowest convergence among the resolvers that converged, in ms (null if none did). */
  readonly slowestMs: number | null;
  /** Epoch ms of the slowest convergence (null if none converged). */
  readonly slowestAt: number | null;
  /** e.g. `all 2 resolvers converged; slowest 3.4 s (±0.25 s)`. */
  readonly text: string;
  /** Per-resolver time in ms, null when it never converged. */
  readonly details: Record<string, number | null>;
}

/**
 * Summarises convergences for a verdict: the slowest time with its resolution, and by name the
 * resolvers that were too slow or never converged (with what they last answered).
 */
export function summarizeConvergence(
  results: readonly ResolverConvergence[],
  withinMs: number,
  resolutionMs: number,
): ConvergenceSummary {
  const details: Record<string, number | null> = {};
  let slowest: ResolverConvergence | undefined;
  const tooSlow: string[] = [];
  const never: string[] = [];
  for (const result of results) {
    details[result.resolver] = result.ms;
    if (result.ms === null) {
      never.push(`${result.resolver} (${result.answers === 0 ? 'no answer' : `last answered ${result.lastAnswer ?? '?'}`})`);
      continue;
    }
    if (slowest === undefined || result.ms > (slowest.ms ?? -Infinity)) slowest = result;
    if (result.ms > withinMs) tooSlow.push(`${result.resolver} (${formatDuration(result.ms)})`);
  }

  const total = results.length;
  const convergedCount = total - never.length;
  const slowestText =
    slowest === undefined || slowest.ms === null ? undefined : formatTimeWithResolution(slowest.ms, resolutionMs);
  let text: string;
  if (never.length === 0 && total === 1) text = `1 resolver converged in ${slowestText ?? '?'}`;
  else if (never.length === 0) text = `all ${total} resolvers converged; slowest ${slowestText ?? '?'}`;
  else text = `${convergedCount} of ${plural(total, 'resolver')} converged${slowestText === undefined ? '' : `; slowest ${slowestText}`}`;
  if (tooSlow.length > 0) text += `; too slow: ${tooSlow.join(', ')}`;
  if (never.length > 0) text += `; never converged: ${never.join(', ')}`;

  return {
    ok: total > 0 && never.length === 0 && tooSlow.length === 0,
    slowestMs: slowest?.ms ?? null,
    slowestAt: slowest?.at ?? null,
    text,
    details,
  };
}
