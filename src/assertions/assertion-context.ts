import type { RoutingShape } from '../drill/environment.ts';
import type { ClientCohort } from '../load/client-cohort.ts';

/**
 * What an assertion needs to know about the environment besides the Timeline: which region is
 * which, and how often the DNS prober asked (the resolution of every DNS time it reports).
 * Everything past `probeIntervalMs` is optional: assertions say less (no expected window, no
 * health-check resolution) when it is missing, they never fail for it.
 */
export interface AssertionContext {
  /** Region name, e.g. `us-east-1`; matches the values of `Timeline.regionsByAddress`. */
  readonly primaryRegion: string;
  readonly secondaryRegion: string;
  /** The judged service's whole region chain, primary first (absent: just the two above). */
  readonly regions?: readonly string[];
  /** Interval between two DNS probes of one resolver, in milliseconds. */
  readonly probeIntervalMs: number;
  /** Interval between two health-check polls, in ms: the resolution of detection times. */
  readonly healthPollIntervalMs?: number;
  /** Route 53 health check ids guarding each region's record (from the environment's service). */
  readonly healthCheckIds?: { readonly primary?: string; readonly secondary?: string };
  /**
   * The primary health check's rules, in real time, for the expected failover window:
   * RequestInterval × 1000 × time scale (1 on AWS, the topology's timeScale on the sandbox).
   */
  readonly healthCheck?: { readonly requestIntervalMs: number; readonly failureThreshold: number };
  /** TTL of the watched record in seconds; when absent, the largest TTL seen in answers is used. */
  readonly recordTtlSeconds?: number;
  /** Allowance for Route 53 to propagate a changed answer to its name servers, ms (default 0). */
  readonly propagationMs?: number;
  /**
   * Named sets of resolvers (`host:port`), e.g. `{ listed: [...], authoritative: [...] }`, so an
   * assertion can be restricted to a set by name. Resolvers in no set are still evaluated.
   * A vantage point's name selects the answers seen from it (`DnsObservation.vantage`); a set of
   * the same name lists its resolvers, so one that never answered still counts against a quorum.
   */
  readonly resolverSets?: Readonly<Record<string, readonly string[]>>;
  /** The load's client cohorts (names, models, cache lengths), for cohort filters and their models. */
  readonly cohorts?: readonly ClientCohort[];
  /** The drill's own service: what an assertion without `service` judges. */
  readonly defaultService?: string;
  /** Every service the drill observes, for assertions that name one with `service`. */
  readonly services?: Readonly<Record<string, ServiceContext>>;
}

/** What an assertion scoped to one service knows about it (see `scopeAssertion`). */
export interface ServiceContext {
  /** Its regions in chain order. */
  readonly regions: readonly string[];
  /** How its record spreads traffic: only a failover chain has a "secondary" to move to. */
  readonly routing?: RoutingShape;
  readonly recordName: string;
  /** Its health check per region (AWS region name → id). */
  readonly healthCheckIds: Readonly<Record<string, string>>;
  /** Its primary health check's rules, in real time (see `AssertionContext.healthCheck`). */
  readonly healthCheck?: { readonly requestIntervalMs: number; readonly failureThreshold: number };
  readonly recordTtlSeconds?: number;
}

/** The judged service's region chain: `regions`, or the two regions a context without it names. */
export function chainOf(context: Pick<AssertionContext, 'regions' | 'primaryRegion' | 'secondaryRegion'>): readonly string[] {
  return context.regions ?? [context.primaryRegion, context.secondaryRegion];
}
