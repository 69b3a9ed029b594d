import { z } from 'zod';
import { plural } from '../assertions/verdict-format.ts';
import { boundedDuration } from '../drill/bounded-duration.ts';
import { formatDuration } from '../drill/duration.ts';
import type { StepKind } from './step.ts';
import { stepNameOption } from './step.ts';
import { waitOut } from './step-wait.ts';

/** `hold`: keep things as they are for a while, load and observers running. */
export const holdStepSchema = z.strictObject({
  step: z.literal('hold'),
  name: stepNameOption,
  duration: boundedDuration({ min: 0 }),
});

export type HoldStep = z.output<typeof holdStepSchema> & { readonly name: string };

/** How often a hold says where it is. */
const TICK_MS = 250;

export const holdStep: StepKind<HoldStep> = {
  kind: 'hold',
  waits: true,
  budgetMs: (step) => step.duration,
  summary: (step) => `hold ${formatDuration(step.duration)}`,
  async run(_step, context) {
    const controller = context.prepared.controller;
    const end = await waitOut(context, TICK_MS, () => {
      context.progress('the hold to end', controller.activeCount === 0 ? 'no fault in' : `${plural(controller.activeCount, 'fault')} in`);
      return false;
    });
    return end === 'aborted' ? { status: 'aborted' } : { status: 'passed', observed: `held ${formatDuration(Date.now() - context.clock.startedAt)}` };
  },
};
