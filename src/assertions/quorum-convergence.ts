import type { DnsObservation } from '../runner/timeline.ts';
import { resolverConvergence, type ConvergenceWindow, type ResolverConvergence } from './resolver-convergence.ts';
import { probeKeys } from './probe-key.ts';
import { quorumSize, type Quorum } from './resolver-quorum.ts';

/** Per-resolver convergence plus when a quorum of resolvers had converged. */
export interface QuorumConvergence {
  readonly results: readonly ResolverConvergence[];
  readonly total: number;
  readonly needed: number;
  /** ms from the window start until `needed` resolvers had converged (for good), or null. */
  readonly quorumMs: number | null;
  /** Epoch ms of that moment, or null. */
  readonly quorumAt: number | null;
  /** Flaps summed over the resolvers. */
  readonly flaps: number;
}

/**
 * Converges every resolver (see `resolverConvergence`) and reads the quorum time: the
 * `needed`-th fastest sustained convergence. Resolvers in `named` that never produced an
 * observation count as never converged, so a silent resolver cannot shrink the quorum's base.
 */
export function quorumConvergence(
  dns: readonly DnsObservation[],
  regionsByAddress: Readonly<Record<string, string>>,
  targetRegion: string,
  window: ConvergenceWindow,
  quorum: Quorum,
  named: readonly string[] = [],
): QuorumConvergence {
  const results = resolverConvergence(dns, regionsByAddress, targetRegion, window);
  const seen = new Set(results.map((result) => result.resolver));
  if (probeKeys(dns).byResolverOnly) {
    for (const resolver of named) if (!seen.has(resolver)) results.push({ resolver, ms: null, at: null, answers: 0, flaps: 0 });
  }
  const total = results.length;
  const needed = quorumSize(quorum, total);
  const times = results
    .map((result) => result.ms)
    .filter((ms): ms is number => ms !== null)
    .sort((a, b) => a - b);
  const quorumMs = needed >= 1 && needed <= times.length ? (times[needed - 1] ?? null) : null;
  return {
    results,
    total,
    needed,
    quorumMs,
    quorumAt: quorumMs === null ? null : window.from + quorumMs,
    flaps: results.reduce((sum, result) => sum + result.flaps, 0),
  };
}

/** `; flapped 2× (127.0.0.1:53 2)` or nothing when no resolver flapped. */
export function describeFlaps(results: readonly ResolverConvergence[]): string {
  const flapping = results.filter((result) => result.flaps > 0);
  if (flapping.length === 0) return '';
  const total = flapping.reduce((sum, result) => sum + result.flaps, 0);
  return `; flapped ${total}× (${flapping.map((result) => `${result.resolver} ${result.flaps}×`).join(', ')})`;
}
