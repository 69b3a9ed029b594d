import type { AssertionContext } from '../assertions/assertion-context.ts';
import type { Drill } from '../drill/drill-schema.ts';
import type { Approver } from '../runner/live-run.ts';
import type { PreparedRun } from '../runner/preflight.ts';
import type { RunScope } from '../runner/run-scope.ts';

/** A step's time: when it started and how long it may take, extensions included. */
export interface StepClock {
  readonly startedAt: number;
  /** Its budget in ms (undefined for steps without one: inject, revert, note). */
  readonly budgetMs: number | undefined;
  /** Epoch ms the budget runs out. */
  endsAt(): number;
}

/** What the interpreter hands each step. */
export interface StepContext {
  readonly scope: RunScope;
  readonly drill: Drill;
  readonly prepared: PreparedRun;
  readonly context: AssertionContext;
  /** The run's stop signal: every wait listens to it. */
  readonly signal: AbortSignal;
  readonly approver: Approver | undefined;
  /** Who runs the drill (an ARN, `user@host`): the one who approved by flag or at the terminal. */
  readonly operator: string;
  readonly clock: StepClock;
  /** Says what the step waits for and what is observed now (progress lines, the console). */
  progress(awaiting: string, observed: string): void;
  /**
   * Before each injection: the run's first checks the steady state (and the stop alarms) and
   * starts the fault phase; any injection starts the maximum-fault-duration deadline if none runs.
   */
  beforeInject(): Promise<void>;
  /** When the faults went in (the first injection of those active now), for `after` offsets. */
  faultsSince(): number;
}
