import type { Verdict } from '../assertions/verdict.ts';
import { InvalidInputError } from '../drill/invalid-input-error.ts';
import { describeReason } from '../util/describe-reason.ts';
import { AlarmInAlarmError } from './alarm-in-alarm-error.ts';
import { LockHeldError } from './lock-held-error.ts';
import { RunDeclinedError } from './run-declined-error.ts';
import { SteadyStateError } from './steady-state-error.ts';

/** How a run ended before its verdicts were in: stopped, and why. */
export interface RunEnding {
  readonly outcome: 'aborted';
  readonly reason: string;
  /** Epoch ms when the run stopped: the stop signal's time, or when the drill threw. */
  readonly at: number;
  /** The steady-state check that stopped the run before injection, for the verdicts. */
  readonly steadyState?: Verdict;
}

/** Refusals are thrown to the caller (exit 2, or declined): the run never started, so it has no record. */
export function isRefusal(error: unknown): boolean {
  return error instanceof InvalidInputError || error instanceof RunDeclinedError || error instanceof LockHeldError;
}

/** A run that threw: a guardrail's refusal speaks for itself, anything else is the drill failing. */
export function endingOf(error: unknown): RunEnding {
  const at = Date.now();
  if (error instanceof SteadyStateError) return { outcome: 'aborted', reason: error.message, at, steadyState: error.verdict };
  if (error instanceof AlarmInAlarmError) return { outcome: 'aborted', reason: error.message, at };
  return { outcome: 'aborted', reason: `drill failed: ${describeReason(error)}`, at };
}

/** A run whose stop signal aborted (Ctrl-C, a stop condition, the fault's maximum duration) without throwing. */
export function stoppedBy(signal: AbortSignal, abortedAt: number | undefined): RunEnding | undefined {
  return signal.aborted ? { outcome: 'aborted', reason: `aborted: ${describeReason(signal.reason)}`, at: abortedAt ?? Date.now() } : undefined;
}
