import type { AssertionContext } from '../assertions/assertion-context.ts';
import { notReached } from '../assertions/not-evaluated.ts';
import type { Verdict } from '../assertions/verdict.ts';
import type { StepContext } from '../steps/step-context.ts';
import type { StepOutcome } from '../steps/step.ts';
import type { Step } from '../steps/step-registry.ts';
import { stepKindOf } from '../steps/step-registry.ts';
import { describeReason } from '../util/describe-reason.ts';
import { FaultDeadline } from './fault-deadline.ts';
import type { Approver } from './live-run.ts';
import type { LiveSteps } from './live-steps.ts';
import type { PreparedRun } from './preflight.ts';
import type { RunScope } from './run-scope.ts';
import { PHASES, type PhaseName } from './timeline.ts';

export interface RunStepsOptions {
  readonly live: LiveSteps;
  readonly approver: Approver | undefined;
  /** Who runs the drill, for approvals given by flag or at the terminal. */
  readonly operator: string;
}

/**
 * The step interpreter: walks the drill's steps in order up to its final rollback, each through
 * its kind's handler, marking the phases every assertion and report reads (baseline from the
 * start, fault at the first injection, recovery at the first wait after it, failback and settle
 * around the revert that takes the last fault out). Stops at the first step that fails (an until
 * not met, a revert that could not undo) or once the run's stop signal aborts; throws when the
 * drill cannot go on. Whatever is still in, the caller rolls back.
 */
export async function runSteps(scope: RunScope, prepared: PreparedRun, options: RunStepsOptions): Promise<void> {
  const { live } = options;
  const faults = new FaultDeadline(scope, prepared, prepared.context);
  live.watchFaultDeadline(() => faults.deadline());
  scope.mark('baseline');
  let started = 0;
  try {
    for (const step of live.plan) {
      if (scope.stop.signal.aborted) return;
      started += 1;
      const outcome = await runStep(step, stepContextOf(scope, prepared, prepared.context, options, faults, step));
      faults.afterStep();
      if (outcome.verdict !== undefined) live.verdicts.push(outcome.verdict);
      if (outcome.status !== 'passed') return;
    }
  } finally {
    // However the walk ended (a failed until, a stop, a throw), the checks it never reached are listed.
    const stoppedAt = live.plan[started - 1]?.name;
    for (const step of live.plan.slice(started)) {
      const unjudged = unjudgedOf(step, prepared.context);
      if (unjudged !== undefined) live.verdicts.push(notReached(unjudged, stoppedAt));
    }
    faults.close();
    live.end();
  }
}

async function runStep(step: Step, context: StepContext): Promise<StepOutcome> {
  const { scope } = context;
  const kind = stepKindOf(step);
  if (kind.waits && furthestPhase(scope.timeline.phases) === 'fault') scope.mark('recovery');
  scope.timeline.steps.push({ kind: 'started', at: context.clock.startedAt, step: step.name, type: step.step });
  scope.log(`step            ${step.name}: ${kind.summary(step)}`);
  let outcome: StepOutcome;
  try {
    outcome = await kind.run(step, context);
  } catch (error) {
    scope.timeline.steps.push({ kind: 'ended', at: Date.now(), step: step.name, type: step.step, status: 'aborted', observed: describeReason(error) });
    throw error;
  }
  scope.timeline.steps.push({
    kind: 'ended',
    at: Date.now(),
    step: step.name,
    type: step.step,
    status: outcome.status,
    ...(outcome.observed === undefined ? {} : { observed: outcome.observed }),
  });
  if (outcome.status === 'failed') scope.log(`step            ${step.name} failed: ${outcome.observed ?? ''}`);
  else if (outcome.observed !== undefined && step.step === 'until') scope.log(`step            ${step.name}: ${outcome.observed}`);
  return outcome;
}

function unjudgedOf<S extends Step>(step: S, context: AssertionContext): Omit<Verdict, 'status' | 'observed'> | undefined {
  return stepKindOf(step).unjudged?.(step, context);
}

function stepContextOf(scope: RunScope, prepared: PreparedRun, context: AssertionContext, options: RunStepsOptions, faults: FaultDeadline, step: Step): StepContext {
  const { live } = options;
  return {
    scope,
    drill: scope.drill,
    prepared,
    context,
    signal: scope.stop.signal,
    approver: options.approver,
    operator: options.operator,
    clock: live.begin(step, stepKindOf(step).budgetMs(step)),
    progress: (awaiting, observed) => live.progress(awaiting, observed),
    beforeInject: () => faults.beforeInject(),
    faultsSince: () => faults.since(),
  };
}

function furthestPhase(marks: readonly { readonly phase: PhaseName }[]): PhaseName | undefined {
  let furthest: PhaseName | undefined;
  for (const mark of marks) if (furthest === undefined || PHASES.indexOf(mark.phase) > PHASES.indexOf(furthest)) furthest = mark.phase;
  return furthest;
}
