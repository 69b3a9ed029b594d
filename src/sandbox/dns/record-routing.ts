import type { ZoneRecord } from './hosted-zone.ts';
import { regionLatencyMs } from './region-latency.ts';

/** Route 53 routing policies the sandbox evaluates (every record set of one name and type shares one). */
export type RoutingPolicy = 'simple' | 'failover' | 'latency' | 'weighted';

/** The routing policy a record set belongs to, from the fields it sets. */
export function routingPolicyOf(record: ZoneRecord): RoutingPolicy {
  if (record.failover !== undefined) return 'failover';
  if (record.region !== undefined) return 'latency';
  if (record.weight !== undefined) return 'weighted';
  return 'simple';
}

/** What a routing decision depends on beyond the records themselves. */
export interface RoutingContext {
  /** The region Route 53 would place the querying resolver in. */
  readonly clientRegion: string;
  /** A record set's health: its health check, and its alias target when EvaluateTargetHealth is set. */
  readonly isHealthy: (record: ZoneRecord) => boolean;
}

/**
 * The record sets Route 53 may answer with for one name and type, by its routing rules:
 * - simple: every record set;
 * - failover: the primary while healthy, else the secondary while healthy, else the primary
 *   (when both are unhealthy Route 53 behaves as if both were healthy);
 * - latency: the healthy record set nearest the client's region (all of them when none is healthy);
 * - weighted: the healthy record sets with a weight above 0 (all weights 0: all healthy ones;
 *   none healthy: all of them), one of which is picked per query by weight.
 *
 * @param records the record sets of one name and type (one policy)
 */
export function eligibleRecordSets(records: readonly ZoneRecord[], context: RoutingContext): readonly ZoneRecord[] {
  const first = records[0];
  if (first === undefined) return [];
  switch (routingPolicyOf(first)) {
    case 'simple':
      return records;
    case 'failover': {
      const primary = records.find((r) => r.failover === 'PRIMARY');
      const secondary = records.find((r) => r.failover === 'SECONDARY');
      if (primary !== undefined && context.isHealthy(primary)) return [primary];
      if (secondary !== undefined && context.isHealthy(secondary)) return [secondary];
      const fallback = primary ?? secondary;
      return fallback === undefined ? [] : [fallback];
    }
    case 'latency': {
      const healthy = records.filter(context.isHealthy);
      const pool = healthy.length > 0 ? healthy : records;
      const nearest = [...pool].sort(
        (a, b) => regionLatencyMs(context.clientRegion, a.region ?? '') - regionLatencyMs(context.clientRegion, b.region ?? ''),
      )[0];
      return nearest === undefined ? [] : [nearest];
    }
    case 'weighted': {
      const healthy = records.filter(context.isHealthy);
      const pool = healthy.length > 0 ? healthy : records;
      const weighted = pool.filter((r) => (r.weight ?? 0) > 0);
      return weighted.length > 0 ? weighted : pool;
    }
  }
}

/**
 * Picks one weighted record set for the `sequence`-th query, deterministically in proportion to
 * the weights (3:1 answers A, A, A, B, …), so tests can assert exact shares.
 */
export function pickWeighted(records: readonly ZoneRecord[], sequence: number): ZoneRecord | undefined {
  const weights = records.map((r) => Math.max(0, r.weight ?? 0));
  const allZero = weights.every((w) => w === 0);
  const effective = allZero ? weights.map(() => 1) : weights;
  const total = effective.reduce((sum, w) => sum + w, 0);
  if (total === 0) return undefined;
  let position = sequence % total;
  for (let i = 0; i < records.length; i += 1) {
    position -= effective[i] ?? 0;
    if (position < 0) return records[i];
  }
  return records.at(-1);
}
