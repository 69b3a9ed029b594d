import { formatDuration } from '../drill/duration.ts';
import type { StepContext } from './step-context.ts';
import type { StepKind } from './step.ts';

/**
 * Waits until the faults are observable (each injector's own check). An `inject` step does it
 * for its fault; a `phases` drill injects every fault first and verifies them together, as this
 * step, which is never written in a drill.
 */
export interface VerifyStep {
  readonly step: 'verify';
  readonly name: string;
  /** Longest wait, ms. */
  readonly within: number;
}

export const verifyStep: StepKind<VerifyStep> = {
  kind: 'verify',
  waits: false,
  budgetMs: (step) => step.within,
  summary: (step) => `verify every fault is observable within ${formatDuration(step.within)}`,
  async run(step, context) {
    await verifyFaults(context, step.within);
    return context.signal.aborted ? { status: 'aborted' } : { status: 'passed' };
  },
};

/**
 * Waits until the faults (those named, else every active one) are observable. Throws when they
 * are not within `within`: the drill cannot go on with a fault that never took.
 */
export async function verifyFaults(context: StepContext, within: number, names?: readonly string[]): Promise<void> {
  const { signal } = context;
  if (signal.aborted) return;
  const verifySignal = AbortSignal.any([signal, AbortSignal.timeout(within)]);
  try {
    await context.prepared.controller.verify(verifySignal, names);
  } catch (error) {
    if (!signal.aborted) throw new Error(`fault did not become observable within ${formatDuration(within)}`, { cause: error });
  }
}
