import { z } from 'zod';
import { durationSchema, formatDuration } from '../drill/duration.ts';
import type { Timeline } from '../runner/timeline.ts';
import type { AssertionContext } from './assertion-context.ts';
import { unknownRegionProblem } from './known-region.ts';
import { resolverConvergence, summarizeConvergence } from './resolver-convergence.ts';
import type { Verdict } from './verdict.ts';

/** Options of `dns-convergence`: every resolver settles on the healthy region in time. */
export const dnsConvergenceOptions = z.strictObject({
  assertion: z.literal('dns-convergence'),
  name: z.string().min(1).optional(),
  /** Longest acceptable time from the injection to a resolver's sustained answer (ms). */
  within: durationSchema,
  /** Which region the answers should move to. */
  to: z.enum(['secondary', 'primary']).default('secondary'),
});

export type DnsConvergenceOptions = z.output<typeof dnsConvergenceOptions>;

/** Generated display name, e.g. `DNS converges on secondary within 10 s`. */
export function dnsConvergenceName(options: Pick<DnsConvergenceOptions, 'to' | 'within'>): string {
  return `DNS converges on ${options.to} within ${formatDuration(options.within)}`;
}

/**
 * Checks that, after the first injection, every resolver's answers moved to the target region
 * and stayed there until the first rollback (or the end of the run), each within
 * `options.within`. Times run from the injection to the first answer of the sustained run, so
 * they are late by up to one probe interval (reported as `resolutionMs`).
 */
export function evaluateDnsConvergence(
  timeline: Timeline,
  options: DnsConvergenceOptions,
  context: AssertionContext,
): Verdict {
  const base = {
    assertion: 'dns-convergence',
    name: options.name ?? dnsConvergenceName(options),
    expected: `≤ ${formatDuration(options.within)}`,
  } as const;

  const inject = timeline.faults.find((event) => event.kind === 'inject');
  if (inject === undefined) {
    return {
      ...base,
      status: 'errored',
      observed: 'the fault never went in: no inject event was recorded, so there was no failover to time',
    };
  }
  const rollback = timeline.faults.find((event) => event.kind === 'rollback' && event.at >= inject.at);
  const end = rollback?.at ?? timeline.endedAt;
  const evidenceWindow = { from: inject.at, to: end };

  if (timeline.dns.length === 0) {
    return { ...base, status: 'failed', observed: 'no resolver answered: no DNS observations were recorded', window: evidenceWindow };
  }
  const targetRegion = options.to === 'primary' ? context.primaryRegion : context.secondaryRegion;
  const regionProblem = unknownRegionProblem(timeline.regionsByAddress, targetRegion, options.to);
  if (regionProblem !== undefined) return { ...base, status: 'errored', observed: regionProblem, window: evidenceWindow };

  // Without a rollback the fault held to the end, so every later answer counts.
  const results = resolverConvergence(timeline.dns, timeline.regionsByAddress, targetRegion, {
    from: inject.at,
    until: rollback?.at ?? Number.POSITIVE_INFINITY,
  });
  const summary = summarizeConvergence(results, options.within, context.probeIntervalMs);
  const allConverged = results.every((result) => result.ms !== null);
  const silent = results.every((result) => result.answers === 0);
  const observed = silent
    ? `no resolver answered between the injection and ${rollback === undefined ? 'the end of the run' : 'the rollback'} (${results.length} probed)`
    : summary.text;

  return {
    ...base,
    status: summary.ok ? 'passed' : 'failed',
    observed,
    window: allConverged && summary.slowestAt !== null ? { from: inject.at, to: summary.slowestAt } : evidenceWindow,
    resolutionMs: context.probeIntervalMs,
    details: summary.details,
  };
}
