import { abortableSleep } from '../runner/abortable-sleep.ts';
import type { StepContext } from './step-context.ts';

/** How a wait ended: its check came true, its budget ran out, or the run was stopped. */
export type WaitEnd = 'done' | 'budget' | 'aborted';

/**
 * Waits out a step's budget, calling `check` every `pollMs` (and once more when the budget runs
 * out): the step ends as soon as it returns true. The budget is read again on every round, so an
 * extension takes effect at once.
 */
export async function waitOut(context: StepContext, pollMs: number, check: () => boolean): Promise<WaitEnd> {
  for (;;) {
    if (check()) return 'done';
    const left = context.clock.endsAt() - Date.now();
    if (left <= 0) return 'budget';
    if (!(await abortableSleep(Math.min(left, pollMs), context.signal))) return 'aborted';
  }
}
