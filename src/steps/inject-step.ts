import { z } from 'zod';
import { boundedDuration } from '../drill/bounded-duration.ts';
import { formatDuration } from '../drill/duration.ts';
import { faultName } from '../drill/fault-name.ts';
import { abortableSleep } from '../runner/abortable-sleep.ts';
import type { StepKind } from './step.ts';
import { stepNameOption } from './step.ts';
import { verifyFaults } from './verify-step.ts';

/** Longest wait for a fault to become observable, unless the step says. */
export const DEFAULT_VERIFY_MS = 30_000;

/** `inject`: puts one of the drill's `faults` in (journaled first), then waits until it is observable. */
export const injectStepSchema = z.strictObject({
  step: z.literal('inject'),
  name: stepNameOption,
  /** The fault's name: its `name` in `faults`, or `<injector>-<position>`. */
  fault: z.string().min(1, 'expected the name of one of the drill\'s faults'),
  /** Longest wait for the fault to become observable. */
  verifyWithin: boundedDuration({ min: 100, why: 'no fault is observable sooner' }).default(DEFAULT_VERIFY_MS),
});

export type InjectStep = z.output<typeof injectStepSchema> & {
  readonly name: string;
  /** A `phases` drill's staggered fault: injected this long after the faults went in. */
  readonly after?: number;
  /** A `phases` drill verifies its faults together, after the last injection (a verify step). */
  readonly deferVerify?: boolean;
};

export const injectStep: StepKind<InjectStep> = {
  kind: 'inject',
  waits: false,
  budgetMs: (step) => (step.after ?? 0) + (step.deferVerify === true ? 0 : step.verifyWithin),
  summary: (step) => `inject ${step.fault}${step.after === undefined ? '' : ` ${formatDuration(step.after)} after the first fault`}`,
  async run(step, context) {
    const { drill, prepared, signal } = context;
    const index = drill.faults.findIndex((fault, position) => faultName(fault, position) === step.fault);
    const fault = drill.faults[index];
    if (fault === undefined) throw new Error(`step ${step.name}: no fault is named "${step.fault}"`);
    await context.beforeInject();
    // A cascade's next hop waits for its moment, load and probes running.
    if (step.after !== undefined && !(await abortableSleep(Math.max(0, context.faultsSince() + step.after - Date.now()), signal))) return { status: 'aborted' };
    if (signal.aborted) return { status: 'aborted' };
    await prepared.controller.inject(fault, step.fault);
    if (step.deferVerify !== true) await verifyFaults(context, step.verifyWithin, [step.fault]);
    return signal.aborted ? { status: 'aborted' } : { status: 'passed' };
  },
};
