import { isErrorSample } from '../load/sample.ts';
import type { SampleStore } from '../load/sample-store.ts';

export interface ErrorRateGuardOptions {
  readonly samples: SampleStore;
  /** Percent (0–100) of failed requests, over the window, that counts as a breach. */
  readonly maxErrorRate: number;
  /** Sliding window of completed requests the rate is computed over. */
  readonly windowMs: number;
  /** How long the breach must last before the run is stopped. */
  readonly graceMs: number;
  /** Fewer completed requests than this in the window is too little evidence to act on. */
  readonly minRequests?: number;
  readonly checkEveryMs?: number;
  readonly onBreach: (reason: string) => void;
}

/**
 * A stop condition on live load: when more than `maxErrorRate` % of the requests completed in the
 * last `windowMs` failed, for longer than `graceMs`, it calls `onBreach` once. Samples arrive in
 * completion order, so a cursor that only moves forward keeps each check proportional to the new
 * samples, not to the whole run.
 */
export function startErrorRateGuard(options: ErrorRateGuardOptions): { stop(): void } {
  const { samples, maxErrorRate, windowMs, graceMs } = options;
  const minRequests = options.minRequests ?? 10;
  let windowStart = 0;
  let seen = 0;
  let requests = 0;
  let errors = 0;
  let breachSince: number | undefined;
  let fired = false;

  const completedAt = (i: number): number => samples.startAt(i) + samples.latencyAt(i);
  const failed = (i: number): boolean => isErrorSample({ status: samples.statusAt(i) });

  const check = (): void => {
    const now = Date.now();
    for (; seen < samples.length; seen++) {
      requests++;
      if (failed(seen)) errors++;
    }
    for (; windowStart < seen && completedAt(windowStart) < now - windowMs; windowStart++) {
      requests--;
      if (failed(windowStart)) errors--;
    }
    const rate = requests === 0 ? 0 : (errors / requests) * 100;
    if (requests < minRequests || rate <= maxErrorRate) {
      breachSince = undefined;
      return;
    }
    breachSince ??= now;
    if (!fired && now - breachSince >= graceMs) {
      fired = true;
      options.onBreach(
        `stop condition: ${rate.toFixed(1)}% of the last ${requests} requests failed (limit ${maxErrorRate}% over ${windowMs} ms) for ${now - breachSince} ms`,
      );
    }
  };
  const timer = setInterval(check, options.checkEveryMs ?? 100);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
