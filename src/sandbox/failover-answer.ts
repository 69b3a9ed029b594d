import type { ZoneRecord } from './hosted-zone.ts';

/**
 * The addresses Route 53 answers for one name's A record sets, by its routing rules:
 * a simple record answers its values; a failover pair answers the primary while it is healthy,
 * else the secondary while that is healthy (no health check counts as healthy), and the primary
 * again when both are unhealthy, because Route 53 then behaves as if both were healthy.
 *
 * @param records the A record sets of one name
 * @param isHealthy the reported status of a health check
 */
export function evaluateAnswer(
  records: readonly ZoneRecord[],
  isHealthy: (healthCheckId: string) => boolean,
): readonly string[] {
  const healthy = (record: ZoneRecord): boolean =>
    record.healthCheckId === undefined || isHealthy(record.healthCheckId);
  const primary = records.find((r) => r.failover === 'PRIMARY');
  const secondary = records.find((r) => r.failover === 'SECONDARY');
  if (primary === undefined && secondary === undefined) {
    return records.flatMap((r) => r.values);
  }
  if (primary !== undefined && healthy(primary)) return primary.values;
  if (secondary !== undefined && healthy(secondary)) return secondary.values;
  return (primary ?? secondary)?.values ?? [];
}

/** True when two answers hold the same addresses in the same order. */
export function sameAnswer(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}
