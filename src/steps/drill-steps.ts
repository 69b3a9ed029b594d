import type { Drill } from '../drill/drill-schema.ts';
import { phasesAsSteps } from './phases-as-steps.ts';
import type { Step } from './step-registry.ts';
import { stepKindOf } from './step-registry.ts';

/** The steps a drill runs: its own, each named (`<kind>-<position>` by default), or its phases as steps. */
export function drillSteps(drill: Pick<Drill, 'steps' | 'phases' | 'faults'>): Step[] {
  if (drill.steps !== undefined) return drill.steps.map((step, index): Step => ({ ...step, name: step.name ?? defaultStepName(step.step, index) }));
  if (drill.phases === undefined) throw new Error('a drill without steps or phases');
  return phasesAsSteps(drill.phases, drill.faults);
}

/** `until-3`: a step's name when the drill gives none (1-based position). */
export function defaultStepName(kind: string, index: number): string {
  return `${kind}-${index + 1}`;
}

/** How long a drill's steps may take: all of them, and those while a fault is in. */
export interface StepBudgets {
  readonly totalMs: number;
  /** From the first injection to the revert that takes the last fault out (to the end when none does). */
  readonly faultMs: number;
}

/**
 * The steps' budgets added up (holds, until budgets, approve timeouts, verify waits), the deadlines
 * of everything that must outlast them: the maximum fault duration, the dead-man's switch, the locks, the load.
 */
export function stepBudgets(steps: readonly Step[]): StepBudgets {
  let totalMs = 0;
  let faultMs = 0;
  let active = 0;
  for (const step of steps) {
    const budget = stepKindOf(step).budgetMs(step);
    totalMs += budget;
    if (step.step === 'inject') active++;
    if (active > 0) faultMs += budget;
    if (step.step === 'revert') active = step.fault === 'all' ? 0 : Math.max(0, active - 1);
  }
  return { totalMs, faultMs };
}
