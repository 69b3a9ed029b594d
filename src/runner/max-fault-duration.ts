import type { Drill } from '../drill/drill-schema.ts';

/** The longest a drill's faults may stay in: its guardrail, or the fault and recovery phases with a minute to spare. */
export function maxFaultDuration(drill: Drill): number {
  return drill.guardrails.maxFaultDuration ?? drill.phases.verifyTimeout + drill.phases.recovery + 60_000;
}
