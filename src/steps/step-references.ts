import type { z } from 'zod';
import { faultName } from '../drill/fault-name.ts';
import type { StepSpan } from '../assertions/step-span.ts';
import type { FaultSpec } from '../injectors/injector-registry.ts';
import { defaultStepName } from './drill-steps.ts';
import { phasesAsSteps } from './phases-as-steps.ts';
import type { StepSpec } from './step-registry.ts';

interface DrillShape {
  readonly phases?: Parameters<typeof phasesAsSteps>[0];
  readonly assertions: readonly object[];
  readonly steps?: readonly StepSpec[];
  readonly faults: readonly FaultSpec[];
}

/**
 * What a drill's steps refer to, checked when it is validated: `steps` or `phases` (exactly one),
 * unique step names, every fault injected by exactly one step, and every revert naming a fault
 * an earlier step put in and nothing took out yet.
 */
export function checkSteps(drill: DrillShape, ctx: z.RefinementCtx): void {
  if (drill.steps === undefined) {
    if (drill.phases === undefined) ctx.addIssue({ code: 'custom', path: ['phases'], message: 'required: a drill gives phases, or steps' });
    else checkSpans(drill.assertions, phasesAsSteps(drill.phases, drill.faults).map((step) => step.name), ctx);
    return;
  }
  if (drill.phases !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['steps'], message: 'expected steps or phases, not both: steps say what phases said, and more' });
    return;
  }
  const faults = drill.faults.map(faultName);
  drill.faults.forEach((fault, index) => {
    if (fault.after !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['faults', index, 'after'], message: 'only a phases drill staggers faults with after: in steps, put a hold (or an until) before its inject' });
    }
  });
  const names = new Map<string, number>();
  const injected = new Map<string, number>();
  const active: string[] = [];
  drill.steps.forEach((step, index) => {
    const name = step.name ?? defaultStepName(step.step, index);
    const earlier = names.get(name);
    if (earlier !== undefined) ctx.addIssue({ code: 'custom', path: ['steps', index, 'name'], message: `"${name}" is already the name of steps[${earlier}]` });
    names.set(name, index);
    if (step.step === 'inject') checkInject(step.fault, index, { faults, injected, active }, ctx);
    if (step.step === 'revert') checkRevert(step.fault, index, active, ctx);
  });
  checkSpans(drill.assertions, [...names.keys()], ctx);
  faults.forEach((fault, index) => {
    if (!injected.has(fault)) ctx.addIssue({ code: 'custom', path: ['faults', index], message: `fault "${fault}" is injected by no step: add { step: 'inject', fault: '${fault}' }` });
  });
}

function checkInject(
  fault: string,
  index: number,
  state: { readonly faults: readonly string[]; readonly injected: Map<string, number>; readonly active: string[] },
  ctx: z.RefinementCtx,
): void {
  if (!state.faults.includes(fault)) {
    ctx.addIssue({ code: 'custom', path: ['steps', index, 'fault'], message: `"${fault}" is not the name of a fault of this drill (its faults: ${state.faults.join(', ')})` });
    return;
  }
  const earlier = state.injected.get(fault);
  if (earlier !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['steps', index, 'fault'], message: `"${fault}" is already injected by steps[${earlier}]: each fault goes in once` });
    return;
  }
  state.injected.set(fault, index);
  state.active.push(fault);
}

function checkRevert(fault: string, index: number, active: string[], ctx: z.RefinementCtx): void {
  if (fault === 'all') {
    active.length = 0;
    return;
  }
  const at = active.indexOf(fault);
  if (at === -1) {
    ctx.addIssue({
      code: 'custom',
      path: ['steps', index, 'fault'],
      message: `"${fault}" is not in at this step: revert names a fault an earlier step injected and none reverted yet (in at this point: ${active.join(', ') || 'none'}), or "all"`,
    });
    return;
  }
  active.splice(at, 1);
}

/** An assertion judged over steps names steps the drill has. */
function checkSpans(assertions: readonly object[], names: readonly string[], ctx: z.RefinementCtx): void {
  assertions.forEach((assertion, index) => {
    const span = 'steps' in assertion ? (assertion.steps as StepSpan | undefined) : undefined;
    if (span === undefined) return;
    for (const [key, name] of Object.entries(span)) {
      if (typeof name === 'string' && !names.includes(name)) {
        ctx.addIssue({ code: 'custom', path: ['assertions', index, 'steps', key], message: `"${name}" is not the name of a step of this drill (its steps: ${names.join(', ')})` });
      }
    }
  });
}
