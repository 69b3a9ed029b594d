import type { Environment } from '../drill/environment.ts';

/** How long one control-plane call may take, and how often the SDK tries it. */
export interface CallDeadlines {
  /** TCP (and TLS) connect, per attempt. */
  readonly connectMs: number;
  /** From the request being sent to the whole response, per attempt. */
  readonly responseMs: number;
  /** SDK attempts per call, timeouts and throttling included (the standard retry strategy). */
  readonly maxAttempts: number;
}

/**
 * AWS control-plane calls drdrill makes answer in well under a second when healthy; 10 s is a
 * stuck call, not a slow one. Five attempts ride out a short throttling storm during a game day.
 * The sandbox is on loopback and answers in milliseconds, and its world runs at a tenth of real
 * time: a second to connect and three to answer leave room for a loaded CI machine.
 */
export const CALL_DEADLINES: Readonly<Record<Environment['kind'], CallDeadlines>> = {
  aws: { connectMs: 3_000, responseMs: 10_000, maxAttempts: 5 },
  sandbox: { connectMs: 1_000, responseMs: 3_000, maxAttempts: 3 },
};

/** The longest one call can take with every attempt timing out (backoff between attempts aside). */
export function worstCallMs(deadlines: CallDeadlines): number {
  return deadlines.maxAttempts * (deadlines.connectMs + deadlines.responseMs);
}
