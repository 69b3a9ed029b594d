import type { Drill } from '../drill/drill-schema.ts';
import { drillSteps, stepBudgets } from '../steps/drill-steps.ts';

/** Left to a fault beyond its steps' budgets before the runner's own deadline stops the drill. */
const FAULT_SLACK_MS = 60_000;

/**
 * The longest a drill's faults may stay in: its guardrail, or the budgets of the steps while a
 * fault is in (holds, until budgets, approve timeouts, verify waits) with a minute to spare.
 */
export function maxFaultDuration(drill: Drill): number {
  return drill.guardrails.maxFaultDuration ?? stepBudgets(drillSteps(drill)).faultMs + FAULT_SLACK_MS;
}
