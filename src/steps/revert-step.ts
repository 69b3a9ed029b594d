import { z } from 'zod';
import { revertFaults } from '../runner/roll-back-run.ts';
import type { StepKind } from './step.ts';
import { stepNameOption } from './step.ts';

/** `revert`: undoes one injected fault by name, or `all` of them (newest first), and the drill goes on. */
export const revertStepSchema = z.strictObject({
  step: z.literal('revert'),
  name: stepNameOption,
  fault: z.string().min(1, 'expected the name of an injected fault, or "all"'),
});

export type RevertStep = z.output<typeof revertStepSchema> & { readonly name: string };

export const revertStep: StepKind<RevertStep> = {
  kind: 'revert',
  waits: false,
  // Rollback time is covered by the dead-man's switch margin, not by the steps' budgets.
  budgetMs: () => 0,
  summary: (step) => (step.fault === 'all' ? 'revert every fault' : `revert ${step.fault}`),
  async run(step, context) {
    const failures = await revertFaults(context.scope, context.prepared, step.fault);
    if (failures.length === 0) return { status: 'passed' };
    return { status: 'failed', observed: `could not undo ${failures.map((failure) => `${failure.target} (${failure.error})`).join(', ')}` };
  },
};
