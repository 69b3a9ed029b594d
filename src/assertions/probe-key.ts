import type { DnsObservation } from '../runner/timeline.ts';

/** How the observations of one run fall into grids, each judged on its own. */
export interface ProbeKeys {
  /** The grid of an observation: `127.0.0.1:53`, plus the name and `<vantage> via` when the run has several. */
  readonly keyOf: (observation: DnsObservation) => string;
  /** True when a grid is named by its resolver alone (one name, one vantage point). */
  readonly byResolverOnly: boolean;
}

/**
 * Grids are (vantage point, resolver, name); the label carries only the parts that vary, so a
 * one-name, one-origin run keeps plain resolver labels (what reports and older records show).
 */
export function probeKeys(dns: readonly DnsObservation[]): ProbeKeys {
  const names = new Set(dns.map((observation) => observation.name));
  const vantages = new Set(dns.map((observation) => observation.vantage));
  const withName = names.size > 1;
  const withVantage = vantages.size > 1;
  return {
    keyOf: (observation) =>
      [withVantage ? `${observation.vantage ?? 'default'} via` : undefined, observation.resolver, withName ? observation.name : undefined]
        .filter((part) => part !== undefined)
        .join(' '),
    byResolverOnly: !withName && !withVantage,
  };
}
