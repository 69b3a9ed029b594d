import type { ControlPlaneCallRecord } from '../runner/run-record.ts';

/**
 * Read-only AWS operations by their verb: what a drill polls (health-check status, function
 * state, caller identity). Everything else may change something and is listed call by call.
 */
const READ_ONLY = /^(Get|List|Describe|Head|Search|Query|Scan|Lookup|Test|Check|Validate|Estimate)[A-Z]/;

export function isReadOnlyOperation(operation: string): boolean {
  return READ_ONLY.test(operation);
}

/** Every call of one operation in one service: how often, how many failed, from when to when. */
export interface CallGroup {
  readonly service: string;
  readonly operation: string;
  readonly readOnly: boolean;
  readonly count: number;
  readonly errors: number;
  readonly regions: readonly string[];
  readonly firstAt: number;
  readonly lastAt: number;
}

/** The calls by (service, operation), mutating operations first, then by count; pure. */
export function groupCalls(calls: readonly ControlPlaneCallRecord[]): CallGroup[] {
  const groups = new Map<string, { service: string; operation: string; calls: ControlPlaneCallRecord[] }>();
  for (const call of calls) {
    const key = `${call.service}\u0000${call.operation}`;
    const group = groups.get(key) ?? { service: call.service, operation: call.operation, calls: [] };
    group.calls.push(call);
    groups.set(key, group);
  }
  return [...groups.values()]
    .map(({ service, operation, calls: grouped }) => ({
      service,
      operation,
      readOnly: isReadOnlyOperation(operation),
      count: grouped.length,
      errors: grouped.filter((call) => call.errorCode !== undefined).length,
      regions: [...new Set(grouped.map((call) => call.region))].sort(),
      firstAt: Math.min(...grouped.map((call) => call.startedAt)),
      lastAt: Math.max(...grouped.map((call) => call.startedAt)),
    }))
    .sort((a, b) => Number(a.readOnly) - Number(b.readOnly) || b.count - a.count || a.firstAt - b.firstAt);
}
