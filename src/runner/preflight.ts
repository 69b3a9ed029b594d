import type { AssertionContext } from '../assertions/assertion-context.ts';
import type { Environment } from '../drill/environment.ts';
import { homeRegion } from '../drill/environment.ts';
import { InvalidInputError } from '../drill/invalid-input-error.ts';
import { collectOperatorIdentity } from '../evidence/operator-identity.ts';
import { TargetNotFoundError, type PlannedChange } from '../injectors/injector.ts';
import { checkAccountGuardrails } from './account-guardrails.ts';
import { checkAlarmsClear } from './alarm-guard.ts';
import { findMissingEnvironmentIds, missingTargetInput } from './check-environment-ids.ts';
import { DeadMansSwitch } from './dead-mans-switch.ts';
import { FaultController } from './fault-controller.ts';
import { Journal } from './journal.ts';
import { maxFaultDuration } from './max-fault-duration.ts';
import { drillSteps, stepBudgets } from '../steps/drill-steps.ts';
import { EXTENSION_ALLOWANCE_MS } from './live-steps.ts';
import { observedContext } from './observed-context.ts';
import { operatorName } from './operator-name.ts';
import type { ProcessIdentity } from './process-identity.ts';
import { checkRegionsIdentifiable } from './region-identification.ts';
import { RunDeclinedError } from './run-declined-error.ts';
import { lockTheTargets } from './run-locks.ts';
import type { RunEvidence, StateSnapshot } from './run-record.ts';
import type { RunScope } from './run-scope.ts';
import { planFaults } from './plan-faults.ts';
import { snapshotOf } from './state-snapshot.ts';
import { StopAlarmNotFoundError } from './stop-alarm-not-found-error.ts';
import type { TargetLocks } from './target-lock.ts';

/** A lock outlives everything else a run can do by this much (slow rollbacks, retries). */
const LOCK_SLACK_MS = 5 * 60_000;

export interface PreflightOptions {
  /** Where the environment came from, for bad-input messages about its fields. Default `environment "<name>"`. */
  readonly environmentSource?: string;
  /** Where journals live. */
  readonly stateDir: string;
  /** For a sandbox environment: the process its state lives in, journaled for recover. */
  readonly sandboxProcess?: ProcessIdentity;
  /** Asked with the live plan before anything changes; false stops the run (RunDeclinedError). */
  readonly confirm?: (changes: readonly PlannedChange[], environment: Environment) => Promise<boolean>;
}

/**
 * What preflight has learned so far, filled in as it goes: a run refused or stopped half-way
 * still records who ran it, the state before, and judges with what was read.
 */
export interface PreflightFindings {
  operator?: RunEvidence['operator'];
  before?: StateSnapshot;
  context: AssertionContext;
}

/** A run ready to change things: journal open, targets locked, faults injected only through its controller. */
export interface PreparedRun {
  readonly journal: Journal;
  readonly locks: TargetLocks;
  readonly controller: FaultController;
  readonly context: AssertionContext;
  readonly maxFaultMs: number;
}

/**
 * Everything checked before anything changes: the right account, every id the environment names
 * read live, every region identifiable, the plan read from the live targets, the stop alarms
 * clear, the operator's confirmation; then the journal and the locks. Throws InvalidInputError,
 * RunDeclinedError or LockHeldError with nothing changed; once it returns, the caller owns rollback.
 */
export async function preflight(scope: RunScope, options: PreflightOptions, findings: PreflightFindings): Promise<PreparedRun> {
  const { drill, environment, log } = scope;
  findings.operator = await identifyOperator(scope);
  const planned = await planTheChanges(scope, options.environmentSource ?? `environment "${environment.name}"`);
  for (const change of planned) log(`plan            ${change.target}: ${change.field} ${change.from} → ${change.to}`);
  findings.before = snapshotOf(planned);
  findings.context = await observedContext(drill, environment, scope.clients, log);
  await checkStopAlarms(scope);
  if (options.confirm !== undefined && !(await options.confirm(planned, environment))) {
    throw new RunDeclinedError('the plan was not confirmed; nothing was changed');
  }
  return { ...(await openJournalAndLock(scope, options, planned, findings.operator)), context: findings.context };
}

function lockTtlMs(drill: RunScope['drill'], maxFaultMs: number, marginMs: number): number {
  const budgets = stepBudgets(drillSteps(drill));
  return budgets.totalMs - budgets.faultMs + maxFaultMs + marginMs + EXTENSION_ALLOWANCE_MS + LOCK_SLACK_MS;
}

async function identifyOperator(scope: RunScope): Promise<RunEvidence['operator']> {
  const { environment, clients } = scope;
  if (environment.kind !== 'aws') return collectOperatorIdentity(clients.sts(homeRegion(environment)));
  const identity = await checkAccountGuardrails(environment, clients);
  scope.log(`identity        ${identity.arn} (account ${identity.account})`);
  return identity;
}

/**
 * Every id the environment names for this drill is read before anything changes: one that does
 * not exist is the environment's bad input, named by its field; so is a missing fault target.
 */
async function planTheChanges(scope: RunScope, environmentSource: string): Promise<PlannedChange[]> {
  const { drill, environment, clients } = scope;
  const missing = await findMissingEnvironmentIds(drill, environment, clients);
  if (missing.length > 0) throw new InvalidInputError(environmentSource, missing.map((id) => `${id.field}: ${id.problem}`));
  await checkRegionsIdentifiable(environment, scope.observed, environmentSource, scope.stop.signal);
  try {
    return await planFaults(drill.faults, scope.deps);
  } catch (error) {
    if (error instanceof TargetNotFoundError) throw missingTargetInput(error, { environment, environmentSource, drillFile: scope.file });
    throw error;
  }
}

async function checkStopAlarms(scope: RunScope): Promise<void> {
  const alarms = scope.drill.guardrails.stopOnAlarms;
  if (alarms === undefined) return;
  try {
    for (const reading of await checkAlarmsClear({ clients: scope.clients, environment: scope.environment, alarms, signal: scope.stop.signal })) {
      scope.log(`stop alarm      "${reading.alarm.name}" in ${reading.alarm.region}: ${reading.state}`);
    }
  } catch (error) {
    // A misspelt alarm is bad input; one already in ALARM is a guardrail refusing the run (AlarmInAlarmError).
    if (error instanceof StopAlarmNotFoundError) throw new InvalidInputError(scope.file, error.problems);
    throw error;
  }
}

async function openJournalAndLock(
  scope: RunScope,
  options: PreflightOptions,
  planned: readonly PlannedChange[],
  operator: RunEvidence['operator'],
): Promise<Omit<PreparedRun, 'context'>> {
  const { drill, environment, runId, deps, log } = scope;
  const maxFaultMs = maxFaultDuration(drill);
  const journal = await Journal.create(options.stateDir, {
    runId,
    drill: drill.name,
    file: scope.file,
    environment,
    defaultService: drill.service,
    ...(options.sandboxProcess === undefined ? {} : { sandboxProcess: options.sandboxProcess }),
  });
  const deadMansSwitch = new DeadMansSwitch(deps, runId);
  const locks = await lockTheTargets(journal, planned, {
    runId,
    drill: drill.name,
    owner: operatorName(operator),
    // Held until the last revert anyone could make: the steps without a fault in, the longest the
    // faults may stay, the dead-man's switch after that, extensions, and room for a slow rollback.
    ttlMs: lockTtlMs(drill, maxFaultMs, deadMansSwitch.settings.marginMs),
    deps,
  });
  if (!deadMansSwitch.settings.enabled) {
    log(`WARNING         the dead-man's switch is off in environment "${environment.name}": if drdrill is killed, its faults stay in until "drdrill recover"`);
  }
  const controller = new FaultController({
    deps,
    journal,
    onEvent: (event) => scope.onFault(event),
    deadMansSwitch,
    // The runner's own deadline comes first; the switch only steps in once that (and rollback) had its chance.
    revertAfterMs: maxFaultMs + deadMansSwitch.settings.marginMs,
    warn: (line) => log(`WARNING         ${line}`),
  });
  return { journal, locks, controller, maxFaultMs };
}
