import { z } from 'zod';
import { approveStep, approveStepSchema, type ApproveStep } from './approve-step.ts';
import { holdStep, holdStepSchema, type HoldStep } from './hold-step.ts';
import { injectStep, injectStepSchema, type InjectStep } from './inject-step.ts';
import { noteStep, noteStepSchema, type NoteStep } from './note-step.ts';
import { revertStep, revertStepSchema, type RevertStep } from './revert-step.ts';
import type { StepKind } from './step.ts';
import { untilStep, untilStepSchema, type UntilStep } from './until-step.ts';
import { verifyStep, type VerifyStep } from './verify-step.ts';

/** One step of a drill's `steps`, told apart by its `step` field. */
export const stepSchema = z.discriminatedUnion('step', [injectStepSchema, untilStepSchema, holdStepSchema, approveStepSchema, revertStepSchema, noteStepSchema]);

export type StepInput = z.input<typeof stepSchema>;
export type StepSpec = z.output<typeof stepSchema>;

/** A step as the interpreter walks it: named, and for a `phases` drill with the kinds it alone uses. */
export type Step = InjectStep | UntilStep | HoldStep | ApproveStep | RevertStep | NoteStep | VerifyStep;

/** Every kind a drill may write. */
export const STEP_KINDS = ['inject', 'until', 'hold', 'approve', 'revert', 'note'] as const satisfies readonly StepSpec['step'][];

type KindOf<S extends Step> = StepKind<S>;

const KINDS: { readonly [K in Step['step']]: KindOf<Extract<Step, { step: K }>> } = {
  inject: injectStep,
  until: untilStep,
  hold: holdStep,
  approve: approveStep,
  revert: revertStep,
  note: noteStep,
  verify: verifyStep,
};

/** The handler of a step's kind. */
export function stepKindOf<S extends Step>(step: S): StepKind<S> {
  return KINDS[step.step] as unknown as StepKind<S>;
}
