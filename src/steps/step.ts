import { z } from 'zod';
import type { AssertionContext } from '../assertions/assertion-context.ts';
import type { Verdict } from '../assertions/verdict.ts';
import type { StepContext } from './step-context.ts';

/** A step's optional `name`; without one it is `<kind>-<position>` (`until-3`). */
export const stepNameOption = z
  .string()
  .min(1, 'expected a name such as "dns-on-secondary"')
  .max(100, 'expected a name of at most 100 characters')
  .regex(/^\S+$/, 'expected a name without spaces, such as "dns-on-secondary"')
  .optional();

/** How a step ended. */
export interface StepOutcome {
  /** `failed`: an until that did not come true in time, or a revert that could not undo its fault. The drill stops there. */
  readonly status: 'passed' | 'failed' | 'aborted';
  /** What was observed last, in words. */
  readonly observed?: string;
  /** An until's verdict, listed with the drill's assertions. */
  readonly verdict?: Verdict;
}

/** Every step the interpreter walks has a kind and a name. */
export interface NamedStep {
  readonly step: string;
  readonly name: string;
}

/**
 * One kind of step, as the injectors are one kind of fault each: its budget (for the fault,
 * lock and load deadlines), a line saying what it does, and how it runs.
 */
export interface StepKind<S extends NamedStep> {
  readonly kind: S['step'];
  /**
   * Whether the step waits on the system (hold, until, approve): the first such step after the
   * faults went in starts the `recovery` phase.
   */
  readonly waits: boolean;
  /** The longest the step may take, in ms. */
  budgetMs(step: S): number;
  /** e.g. `until DNS on secondary within 6 s`. */
  summary(step: S): string;
  run(step: S, context: StepContext): Promise<StepOutcome>;
  /**
   * For a step that is judged (an until): its verdict, less status and observation, for when the
   * run ends before it, so the reports list what was never checked instead of leaving it out.
   */
  unjudged?(step: S, context: AssertionContext): Omit<Verdict, 'status' | 'observed'>;
}
