import type { AssertionContext } from '../assertions/assertion-context.ts';
import { checkSteadyState, DEFAULT_STEADY_STATE, type SteadyStateOptions } from '../assertions/steady-state.ts';
import { checkAlarmsClear } from './alarm-guard.ts';
import type { RunScope } from './run-scope.ts';
import { SteadyStateError } from './steady-state-error.ts';

/** A drill on a system that is already failing proves nothing: checked before the first injection. */
export async function checkBeforeInjecting(scope: RunScope, context: AssertionContext): Promise<void> {
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
