import type { Drill } from '../drill/drill-schema.ts';
import type { Environment } from '../drill/environment.ts';
import type { PlannedChange } from '../injectors/injector.ts';
import type { LoadEngine, LoadSummary } from '../load/load-engine.ts';
import type { SampleStore } from '../load/sample-store.ts';
import { assembleRunRecord } from './assemble-run-record.ts';
import type { RollbackFailure } from './fault-controller.ts';
import { ObserverSet } from './observer-set.ts';
import { unreadContext } from './observed-context.ts';
import { preflight, type PreflightFindings, type PreparedRun } from './preflight.ts';
import type { ProcessIdentity } from './process-identity.ts';
import { NOTHING_TO_ROLL_BACK, rollBackRun, type RollbackResult } from './roll-back-run.ts';
import { endingOf, isRefusal, stoppedBy, type RunEnding } from './run-ending.ts';
import type { Approver, LiveRun } from './live-run.ts';
import { LiveSteps } from './live-steps.ts';
import { operatorName } from './operator-name.ts';
import { runSteps } from './run-steps.ts';
import { drillSteps } from '../steps/drill-steps.ts';
import type { RunRecord } from './run-record.ts';
import { openRunScope, type RunScope } from './run-scope.ts';

export { buildLoadPlan } from './load-plan.ts';

export interface RunDrillOptions {
  readonly drill: Drill;
  readonly file: string;
  readonly environment: Environment;
  /**
   * Where the environment came from, for bad-input messages about its fields: the environment
   * file's path, or a phrase for the sandbox. Default `environment "<name>"`.
   */
  readonly environmentSource?: string;
  readonly engine: LoadEngine;
  /** Where journals live (see `defaultStateDir`). */
  readonly stateDir: string;
  /** For a sandbox environment: the process its state lives in, journaled for recover. */
  readonly sandboxProcess?: ProcessIdentity;
  /** Aborts the run (Ctrl-C, SIGTERM, a guardrail); faults are still rolled back. */
  readonly signal: AbortSignal;
  /**
   * Subscribes to every signal the run receives, including those after `signal` aborted: each
   * one cuts the control-plane calls in flight short, so a rollback blocked on a silent control
   * plane goes on with its next attempt at once. Returns the unsubscribe.
   */
  readonly onSignal?: (listener: (why: string) => void) => () => void;
  /** Progress lines for people; the CLI prints them. */
  readonly log?: (line: string) => void;
  readonly runId?: string;
  /** The run's report directory, where engines keep raw evidence (k6's NDJSON). */
  readonly runDir?: string;
  /** Why this engine was chosen (`--load auto` says), for the record. */
  readonly engineNote?: string;
  /**
   * Asked with the live plan before anything changes; resolve false to stop (RunDeclinedError),
   * throw InvalidInputError when confirmation is required but cannot be asked (no TTY, no --yes).
   */
  readonly confirm?: (changes: readonly PlannedChange[], environment: Environment) => Promise<boolean>;
  /**
   * Answers the drill's approve steps (the CLI's: `--approve`, the terminal, the console). A drill
   * with an approve step it cannot answer is refused before anything changes (InvalidInputError).
   */
  readonly approver?: Approver;
  /** Handed the running drill once its observers run: what the step waits for, notes, extensions. */
  readonly onLive?: (live: LiveRun) => void;
}

export interface DrillRun {
  readonly record: RunRecord;
  readonly samples: SampleStore;
  readonly rollbackFailures: readonly RollbackFailure[];
}

/**
 * Runs one drill: preflight → observers → the steps (a `phases` drill as the steps it stands for)
 * → rollback → the record, with load and DNS probes running throughout and every observation
 * landing on one Timeline. Rollback runs whatever happens once preflight has opened the journal:
 * success, failed verdicts, an until that never came true, exceptions, aborts.
 *
 * Throws InvalidInputError (nothing was changed) when a target does not exist or an approve step
 * has nobody to answer it, RunDeclinedError or LockHeldError when the run was refused; every
 * other outcome is a RunRecord.
 */
export async function runDrill(options: RunDrillOptions): Promise<DrillRun> {
  const scope = openRunScope(options);
  // Filled in preflight; the fallback serves a run refused before it got that far.
  const findings: PreflightFindings = { context: unreadContext(options.drill, options.environment) };
  const observers = new ObserverSet(scope.clients);
  const live = new LiveSteps(scope, drillSteps(options.drill));
  let prepared: PreparedRun | undefined;
  let ending: RunEnding | undefined;
  let rollback: RollbackResult = NOTHING_TO_ROLL_BACK;
  try {
    prepared = await preflight(scope, options, findings);
    await observers.start(scope, { engine: options.engine, runDir: options.runDir, context: prepared.context });
    options.onLive?.(live);
    await runSteps(scope, prepared, { live, approver: options.approver, operator: operatorName(findings.operator) });
  } catch (error) {
    if (isRefusal(error)) {
      await endObservation(scope, observers, 'the drill was refused');
      throw error;
    }
    ending = endingOf(error);
    scope.log(ending.reason);
  } finally {
    // Every exit path above passes through here, and this is the only place faults are undone.
    if (prepared !== undefined) rollback = await rollBackRun(scope, prepared, ending?.outcome);
  }

  ending ??= stoppedBy(scope.stop.signal, scope.stop.abortedAt);
  const loadSummary = await endObservation(scope, observers, 'the drill is over');
  scope.timeline.endedAt = Date.now();
  for (const note of loadSummary?.notes ?? []) scope.log(`load            ${note}`);

  const record = await assembleRunRecord(scope, {
    findings,
    ending,
    rollback,
    loadSummary,
    stepVerdicts: live.verdicts,
    engine: { name: options.engine.name, ...(options.engineNote === undefined ? {} : { note: options.engineNote }) },
  });
  return { record, samples: scope.timeline.samples, rollbackFailures: rollback.failures };
}

/** Stops every observer, then lets go of the clients, so a finished run does not keep the process alive. */
async function endObservation(scope: RunScope, observers: ObserverSet, why: string): Promise<LoadSummary | undefined> {
  const stopped = observers.stop(why);
  scope.unsubscribe();
  const summary = await stopped;
  scope.clients.destroy();
  return summary;
}
