import { formatDuration } from '../drill/duration.ts';
import type { Verdict } from './verdict.ts';

/** Where a run that stopped early stopped, as the verdicts are judged against it. */
export interface EarlyStop {
  /** Epoch ms when the run was told to stop (signal, stop condition, declined approval) or threw. */
  readonly at: number;
  /** Epoch ms when the run started, to say in words how far it got. */
  readonly startedAt: number;
}

/**
 * The one place a verdict becomes `not-evaluated` (with `notReached` below). A run that was
 * aborted did not fail its assertions: it stopped before they could be judged, and "failed" would
 * read as if the system deviated. So, in an aborted run, a verdict that did not pass is not evaluated unless its
 * evidence was complete before the stop: a verdict whose window closed by then (a baseline that
 * did not hold, an outage seen before the abort) keeps its status, since nothing the abort cut
 * off could have changed it. Passed verdicts stay passed: what they judged was seen.
 */
export function markNotEvaluated(verdicts: readonly Verdict[], stop: EarlyStop): Verdict[] {
  return verdicts.map((verdict) => (couldJudge(verdict, stop) ? verdict : notEvaluated(verdict, stop)));
}

/**
 * The verdict of a check the run never reached (an until step after the one the drill stopped at):
 * not evaluated, whether the run was aborted or ended early on a failed step.
 */
export function notReached(verdict: Omit<Verdict, 'status' | 'observed'>, stoppedAt: string | undefined): Verdict {
  return {
    ...verdict,
    status: 'not-evaluated',
    observed: `not evaluated: the run ended before this step${stoppedAt === undefined ? '' : ` (it stopped at step ${stoppedAt})`}`,
  };
}

function couldJudge(verdict: Verdict, stop: EarlyStop): boolean {
  if (verdict.status === 'passed' || verdict.status === 'not-evaluated') return true;
  return verdict.window !== undefined && verdict.window.to <= stop.at;
}

function notEvaluated(verdict: Verdict, stop: EarlyStop): Verdict {
  const when = formatDuration(Math.max(0, stop.at - stop.startedAt));
  return {
    ...verdict,
    status: 'not-evaluated',
    observed: `not evaluated: the run stopped ${when} after it started, before this could be judged (seen until then: ${verdict.observed})`,
  };
}
