import type { Figure } from './figure.ts';

/**
 * The outcomes of one assertion, in the order reports count them. A failed expectation is a
 * verdict, never an exception. `not-evaluated`: the run was aborted before the assertion could be
 * judged, or ended before an until step it never reached (set only by `markNotEvaluated` and
 * `notReached`), which says nothing about the system, unlike `failed`.
 */
export const VERDICT_STATUSES = ['passed', 'failed', 'errored', 'not-evaluated'] as const;
export type VerdictStatus = (typeof VERDICT_STATUSES)[number];

export interface Verdict {
  /** Assertion kind, e.g. `dns-convergence`. */
  readonly assertion: string;
  /** Display name: the drill's `name` for the assertion or a generated one. */
  readonly name: string;
  readonly status: VerdictStatus;
  /** What was measured, in words and numbers, e.g. `converged in 3.42 s (±0.10 s)`. */
  readonly observed: string;
  /** What the drill asked for, e.g. `≤ 10 s`. */
  readonly expected: string;
  /** The service whose observations were judged (the drill's own unless the assertion named one). */
  readonly service?: string;
  /** The AWS region the verdict is about: where traffic was expected, went to, or came back to. */
  readonly region?: string;
  /** The stretch of the timeline the evidence comes from (epoch ms). */
  readonly window?: { readonly from: number; readonly to: number };
  /** Resolution of the time figures in milliseconds (the probe interval), when there are any. */
  readonly resolutionMs?: number;
  /** Per-item breakdown (e.g. per resolver), for reports. */
  readonly details?: Readonly<Record<string, string | number | boolean | null>>;
  /**
   * The headline numbers this assertion measured (its RTO, its window's error rate…). The runner
   * lifts them into run.json's `figures`, the one place every output reads them from.
   */
  readonly figures?: readonly Figure[];
}
