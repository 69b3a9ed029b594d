import { z } from 'zod';
import type { DnsObservation } from '../runner/timeline.ts';
import type { AssertionContext } from './assertion-context.ts';

/** How many resolvers must converge: every one, more than half, or at least N. */
export const quorumSchema = z
  .union([z.enum(['all', 'majority']), z.number().int().positive('expected a whole number of resolvers above 0')], {
    error: () => 'expected "all", "majority" or a whole number of resolvers',
  })
  // No default on purpose: parsed drills (and their run records) stay as they were; absent means all.
  .optional();

export type Quorum = NonNullable<z.output<typeof quorumSchema>>;

/**
 * Which resolvers an assertion looks at: `host:port` strings, names of sets in
 * `AssertionContext.resolverSets` (e.g. `authoritative`), or names of vantage points (the
 * answers seen from there). Absent means every resolver probed.
 */
export const resolverSelectionSchema = z.array(z.string().min(1, 'expected a resolver (host:port) or a resolver set name')).min(1).optional();

/** Resolvers needed for `quorum` out of `total`. */
export function quorumSize(quorum: Quorum, total: number): number {
  if (quorum === 'all') return total;
  if (quorum === 'majority') return Math.floor(total / 2) + 1;
  return quorum;
}

/** `all 3 resolvers`, `a majority (2 of 3)`, `2 of 3 resolvers`. */
export function describeQuorum(quorum: Quorum, total: number): string {
  if (quorum === 'all') return `all ${total} resolver${total === 1 ? '' : 's'}`;
  if (quorum === 'majority') return `a majority (${quorumSize(quorum, total)} of ${total})`;
  return `${quorum} of ${total} resolver${total === 1 ? '' : 's'}`;
}

/** The observations of the selected resolvers, or why the selection matches nothing. */
export type ResolverSelection =
  | {
      readonly ok: true;
      readonly dns: readonly DnsObservation[];
      /** Resolvers the selection names, even those with no observation at all. */
      readonly named: readonly string[];
    }
  | { readonly ok: false; readonly problem: string };

/**
 * Keeps the observations of the resolvers `selection` names (directly or through a named set).
 * A name that matches neither a set nor a probed resolver is an error in the drill, reported
 * rather than read as "that resolver never converged".
 */
export function selectResolvers(
  dns: readonly DnsObservation[],
  selection: readonly string[] | undefined,
  context: AssertionContext,
): ResolverSelection {
  if (selection === undefined) return { ok: true, dns, named: [] };
  const probed = new Set(dns.map((observation) => observation.resolver));
  const vantages = new Set(dns.flatMap((observation) => (observation.vantage === undefined ? [] : [observation.vantage])));
  const wanted = new Set<string>();
  const wantedVantages = new Set<string>();
  const named = new Set<string>();
  const unknown: string[] = [];
  for (const entry of selection) {
    const set = context.resolverSets?.[entry];
    if (vantages.has(entry)) {
      // A vantage point is the answers seen from it, whichever resolvers it asked; a resolver set
      // of the same name lists those, so a silent one still counts against the quorum.
      wantedVantages.add(entry);
      for (const resolver of set ?? []) named.add(resolver);
    } else if (set !== undefined) {
      for (const resolver of set) wanted.add(resolver);
    } else if (probed.has(entry)) {
      wanted.add(entry);
    } else {
      unknown.push(entry);
    }
  }
  for (const resolver of wanted) named.add(resolver);
  if (unknown.length > 0) {
    const sets = Object.keys(context.resolverSets ?? {});
    return {
      ok: false,
      problem:
        `resolvers: ${unknown.map((u) => JSON.stringify(u)).join(', ')} is neither a probed resolver ` +
        `(${probed.size === 0 ? 'none probed' : [...probed].join(', ')}), a resolver set (${sets.length === 0 ? 'none defined' : sets.join(', ')})` +
        ` nor a vantage point (${vantages.size === 0 ? 'none probed' : [...vantages].join(', ')})`,
    };
  }
  const selected = dns.filter(
    (observation) => wanted.has(observation.resolver) || (observation.vantage !== undefined && wantedVantages.has(observation.vantage)),
  );
  return { ok: true, dns: selected, named: [...named] };
}
