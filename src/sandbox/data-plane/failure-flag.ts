/** A failure-lambda style flag, as the function reads it from SSM. */
export interface FailureFlag {
  readonly isEnabled: boolean;
  readonly failureMode: 'latency' | 'exception' | 'statuscode' | 'diskspace' | 'denylist';
  /** Share of invocations affected, 0–1. */
  readonly rate: number;
  readonly statusCode: number;
  readonly minLatency: number;
  readonly maxLatency: number;
  readonly exceptionMsg: string;
}

/** failure-lambda's shipped default: present but off. */
export const DEFAULT_FAILURE_FLAG = {
  isEnabled: false,
  failureMode: 'statuscode',
  rate: 1,
  minLatency: 100,
  maxLatency: 400,
  exceptionMsg: 'Exception message!',
  statusCode: 404,
  diskSpace: 100,
  denylist: [],
};

const MODES = new Set(['latency', 'exception', 'statuscode', 'diskspace', 'denylist']);

/**
 * Reads a flag value the way failure-lambda does: JSON, and anything it cannot understand
 * leaves the function healthy (it logs and carries on).
 *
 * @returns the flag, or undefined when the text is not a usable flag.
 */
export function parseFailureFlag(text: string | undefined): FailureFlag | undefined {
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const o = parsed as Record<string, unknown>;
  const mode = typeof o.failureMode === 'string' && MODES.has(o.failureMode) ? (o.failureMode as FailureFlag['failureMode']) : undefined;
  if (mode === undefined) return undefined;
  const num = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
  return {
    isEnabled: o.isEnabled === true,
    failureMode: mode,
    rate: Math.min(1, Math.max(0, num(o.rate, 1))),
    statusCode: Math.trunc(num(o.statusCode, 404)),
    minLatency: Math.max(0, num(o.minLatency, 100)),
    maxLatency: Math.max(0, num(o.maxLatency, 400)),
    exceptionMsg: typeof o.exceptionMsg === 'string' ? o.exceptionMsg : 'Exception message!',
  };
}

/** True when a flag changes what callers see (disk space and deny lists do not, over HTTP). */
export function flagIsVisible(flag: FailureFlag | undefined): flag is FailureFlag {
  return flag !== undefined && flag.isEnabled && flag.rate > 0 && flag.failureMode !== 'diskspace' && flag.failureMode !== 'denylist';
}
