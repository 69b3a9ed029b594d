import { z } from 'zod';
import { regionRefSchema } from '../drill/region-ref.ts';
import { faultOption, scopeOptions } from './assertion-scope.ts';
import { durationSchema, formatDuration } from '../drill/duration.ts';
import type { Timeline } from '../runner/timeline.ts';
import type { AssertionContext } from './assertion-context.ts';
import { expectedFailoverWindow } from './expected-window.ts';
import { unknownRegionProblem } from './known-region.ts';
import { describeFlaps, quorumConvergence } from './quorum-convergence.ts';
import { summarizeConvergence } from './resolver-convergence.ts';
import { describeQuorum, quorumSchema, resolverSelectionSchema, selectResolvers } from './resolver-quorum.ts';
import { formatTimeWithResolution } from './verdict-format.ts';
import type { Verdict } from './verdict.ts';
import type { Figure } from './figure.ts';

/** Options of `dns-convergence`: every resolver settles on the healthy region in time. */
export const dnsConvergenceOptions = z.strictObject({
  assertion: z.literal('dns-convergence'),
  name: z.string().min(1).optional(),
  /** Longest acceptable time from the injection to a resolver's sustained answer (ms). */
  within: durationSchema,
  /** Which region the answers should move to. */
  to: regionRefSchema.default('secondary'),
  service: scopeOptions.service,
  /** Time from this fault's injection (a cascade's hop) instead of the first one's. */
  fault: faultOption,
  /** How many resolvers must converge within the limit: `all` (default), `majority` or a number. */
  quorum: quorumSchema,
  /** Only these resolvers (`host:port` or a resolver set name such as `authoritative`); default all probed. */
  resolvers: resolverSelectionSchema,
});

export type DnsConvergenceOptions = z.output<typeof dnsConvergenceOptions>;

/** Generated display name, e.g. `DNS converges on secondary within 10 s`. */
export function dnsConvergenceName(options: Pick<DnsConvergenceOptions, 'to' | 'within'> & { readonly quorum?: DnsConvergenceOptions['quorum'] }): string {
  const who = options.quorum === undefined || options.quorum === 'all' ? '' : options.quorum === 'majority' ? ' (majority of resolvers)' : ` (${options.quorum} resolvers)`;
  return `DNS converges on ${options.to} within ${formatDuration(options.within)}${who}`;
}

/**
 * Checks that, after the first injection, the resolvers' answers moved to the target region and
 * stayed there until the first rollback (or the end of the run): each resolver's time, and the
 * quorum's time (the `needed`-th fastest), must be within `options.within`. Times run from the
 * injection to the first answer of the sustained run, so they are late by up to one probe
 * interval (reported as `resolutionMs`). Answers that left the target again are reported as
 * flaps; with the health check's rules in the context, the model's expected window is reported
 * next to the measurement.
 */
export function evaluateDnsConvergence(
  timeline: Timeline,
  options: DnsConvergenceOptions,
  context: AssertionContext,
): Verdict {
  const quorum = options.quorum ?? 'all';
  const base = {
    assertion: 'dns-convergence',
    name: options.name ?? dnsConvergenceName(options),
    expected: `≤ ${formatDuration(options.within)}${quorum === 'all' ? '' : ` for ${quorum === 'majority' ? 'a majority of' : quorum} resolvers`}`,
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
  // Answers count until the undo was sent: a check that follows it at once moves DNS before it returns.
  const heldUntil = rollback === undefined ? undefined : (rollback.startedAt ?? rollback.at);
  const end = heldUntil ?? timeline.endedAt;
  const evidenceWindow = { from: inject.at, to: end };

  const selection = selectResolvers(timeline.dns, options.resolvers, context);
  if (!selection.ok) return { ...base, status: 'errored', observed: selection.problem, window: evidenceWindow };
  if (selection.dns.length === 0 && selection.named.length === 0) {
    return { ...base, status: 'failed', observed: 'no resolver answered: no DNS observations were recorded', window: evidenceWindow };
  }
  const targetRegion = options.to === 'primary' ? context.primaryRegion : context.secondaryRegion;
  const regionProblem = unknownRegionProblem(timeline, targetRegion, String(options.to));
  if (regionProblem !== undefined) return { ...base, status: 'errored', observed: regionProblem, window: evidenceWindow };

  // Without a rollback the fault held to the end, so every later answer counts.
  const measured = quorumConvergence(
    selection.dns,
    timeline.regionsByAddress,
    targetRegion,
    { from: inject.at, until: heldUntil ?? Number.POSITIVE_INFINITY },
    quorum,
    selection.named,
  );
  const { results, total, needed } = measured;
  if (needed > total) {
    return {
      ...base,
      status: 'errored',
      observed: `quorum ${String(quorum)} needs more resolvers than the ${total} probed`,
      window: evidenceWindow,
    };
  }
  const summary = summarizeConvergence(results, options.within, context.probeIntervalMs);
  const inTime = results.filter((result) => result.ms !== null && result.ms <= options.within).length;
  const ok = total > 0 && inTime >= needed;
  const silent = results.every((result) => result.answers === 0);

  let observed: string;
  if (silent) {
    observed = `no resolver answered between the injection and ${rollback === undefined ? 'the end of the run' : 'the rollback'} (${results.length} probed)`;
  } else if (quorum === 'all') {
    observed = summary.text;
  } else {
    const reached =
      measured.quorumMs === null
        ? `quorum of ${describeQuorum(quorum, total)} never converged`
        : `quorum of ${describeQuorum(quorum, total)} converged in ${formatTimeWithResolution(measured.quorumMs, context.probeIntervalMs)}`;
    observed = `${reached}; ${summary.text}`;
  }
  observed += describeFlaps(results);

  const details: Record<string, string | number | boolean | null> = { ...summary.details };
  if (quorum !== 'all') {
    details.quorumNeeded = needed;
    details.quorumMs = measured.quorumMs;
  }
  if (measured.flaps > 0) details.flaps = measured.flaps;
  const expected = options.to !== 'primary' ? expectedFailoverWindow(timeline, context) : undefined;
  if (expected !== undefined && !silent) {
    observed += `; ${expected.text}`;
    details.expectedFromMs = expected.fromMs;
    details.expectedToMs = expected.toMs;
    if (measured.quorumMs !== null) {
      // The measurement is late by up to one probe interval, so the window is widened by as much.
      details.withinExpectedWindow =
        measured.quorumMs >= expected.fromMs - context.probeIntervalMs && measured.quorumMs <= expected.toMs + context.probeIntervalMs;
    }
  }

  const window = measured.quorumAt !== null ? { from: inject.at, to: measured.quorumAt } : evidenceWindow;
  const figure: Figure = {
    name: options.to === 'secondary' ? 'dns.convergence' : `dns.convergence.${String(options.to)}`,
    label: options.to === 'secondary' ? 'DNS convergence' : `DNS convergence on ${String(options.to)}`,
    value: silent ? null : measured.quorumMs,
    unit: 'ms',
    definition: `first injection → ${quorum === 'all' ? 'the last of the' : `a quorum (${String(quorum)}) of the`} ${total} probed resolvers answered ${targetRegion} for good (until the rollback)`,
    window,
    resolutionMs: context.probeIntervalMs,
  };
  return {
    ...base,
    status: ok ? 'passed' : 'failed',
    observed,
    window,
    resolutionMs: context.probeIntervalMs,
    details,
    figures: [figure],
  };
}
