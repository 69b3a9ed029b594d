import type { AssertionContext } from '../assertions/assertion-context.ts';
import { checkSteadyState, DEFAULT_STEADY_STATE, type SteadyStateOptions } from '../assertions/steady-state.ts';
import { faultName } from '../drill/fault-name.ts';
import { abortableSleep } from './abortable-sleep.ts';
import { checkAlarmsClear } from './alarm-guard.ts';
import type { PreparedRun } from './preflight.ts';
import type { RunScope } from './run-scope.ts';
import { SteadyStateError } from './steady-state-error.ts';

/**
 * A `phases` drill up to its rollback: baseline → steady-state check → fault (staggered
 * injections, then verify) → recovery. Returns early, without throwing, once the run's stop
 * signal aborts; throws when the drill cannot go on. Whatever it injected, the caller rolls back.
 */
export async function runPhases(scope: RunScope, prepared: PreparedRun): Promise<void> {
  if (!(await baselinePhase(scope))) return;
  await checkBeforeInjecting(scope, prepared.context);
  const deadline = setTimeout(
    () => scope.stop.abort(new Error(`the fault reached its maximum duration of ${prepared.maxFaultMs} ms`)),
    prepared.maxFaultMs,
  );
  try {
    await faultPhase(scope, prepared);
    if (!scope.stop.signal.aborted) await recoveryPhase(scope);
  } finally {
    clearTimeout(deadline);
  }
}

/** After rollback: load and probes go on, so the record shows the system back where it started. */
export async function settlePhase(scope: RunScope): Promise<void> {
  scope.mark('settle');
  await abortableSleep(scope.drill.phases.settle, scope.stop.signal);
}

/** @returns whether the baseline ran its full length */
async function baselinePhase(scope: RunScope): Promise<boolean> {
  scope.mark('baseline');
  return abortableSleep(scope.drill.phases.baseline, scope.stop.signal);
}

/** A drill on a system that is already failing proves nothing: check before injecting. */
async function checkBeforeInjecting(scope: RunScope, context: AssertionContext): Promise<void> {
  const { drill, timeline, log } = scope;
  const spec = drill.assertions.find((a): a is SteadyStateOptions => a.assertion === 'steady-state') ?? DEFAULT_STEADY_STATE;
  const steady = checkSteadyState(timeline, spec, context, { until: Date.now() });
  log(`steady state    ${steady.status}: ${steady.observed}`);
  if (steady.status !== 'passed') {
    throw new SteadyStateError(`the steady state did not hold before injection, so nothing was injected: ${steady.observed}`, steady);
  }
  // Read once more right before injecting: the guard's last poll may be up to an interval old.
  const alarms = drill.guardrails.stopOnAlarms;
  if (alarms !== undefined) await checkAlarmsClear({ clients: scope.clients, environment: scope.environment, alarms, signal: scope.stop.signal });
}

async function faultPhase(scope: RunScope, prepared: PreparedRun): Promise<void> {
  const { drill } = scope;
  const signal = scope.stop.signal;
  scope.mark('fault');
  const faultPhaseAt = Date.now();
  for (const [index, fault] of drill.faults.entries()) {
    // A staggered fault (a cascade's next hop) waits for its moment, load and probes running.
    if (fault.after !== undefined && !(await abortableSleep(Math.max(0, faultPhaseAt + fault.after - Date.now()), signal))) break;
    if (signal.aborted) break;
    await prepared.controller.inject(fault, faultName(fault, index));
  }
  if (signal.aborted) return;
  const verifySignal = AbortSignal.any([signal, AbortSignal.timeout(drill.phases.verifyTimeout)]);
  try {
    await prepared.controller.verifyAll(verifySignal);
  } catch (error) {
    if (!signal.aborted) throw new Error(`fault did not become observable within ${drill.phases.verifyTimeout} ms`, { cause: error });
  }
}

async function recoveryPhase(scope: RunScope): Promise<void> {
  scope.mark('recovery');
  await abortableSleep(scope.drill.phases.recovery, scope.stop.signal);
}
