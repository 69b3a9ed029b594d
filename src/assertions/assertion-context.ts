/**
 * What an assertion needs to know about the environment besides the Timeline: which region is
 * which, and how often the DNS prober asked (the resolution of every DNS time it reports).
 */
export interface AssertionContext {
  /** Region name, e.g. `us-east-1`; matches the values of `Timeline.regionsByAddress`. */
  readonly primaryRegion: string;
  readonly secondaryRegion: string;
  /** Interval between two DNS probes of one resolver, in milliseconds. */
  readonly probeIntervalMs: number;
}
