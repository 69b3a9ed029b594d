import { z } from 'zod';
import type { StepKind } from './step.ts';
import { stepNameOption } from './step.ts';

/** `note`: writes a line on the timeline (and the report) at this point of the drill. */
export const noteStepSchema = z.strictObject({
  step: z.literal('note'),
  name: stepNameOption,
  text: z.string().min(1, 'expected the text of the note'),
});

export type NoteStep = z.output<typeof noteStepSchema> & { readonly name: string };

export const noteStep: StepKind<NoteStep> = {
  kind: 'note',
  waits: false,
  budgetMs: () => 0,
  summary: (step) => `note "${step.text}"`,
  async run(step, context) {
    context.scope.timeline.notes.push({ at: Date.now(), operator: 'drill', text: step.text, step: step.name });
    context.scope.log(`note            ${step.text}`);
    return { status: 'passed' };
  },
};
