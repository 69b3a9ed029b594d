import type { Drill } from '../drill/drill-schema.ts';
import { drillSteps } from '../steps/drill-steps.ts';
import type { Approver } from './live-run.ts';

/**
 * An approve step nobody can answer would stop the drill with its faults in and nobody watching:
 * refused before anything changes. Each problem names the step's field.
 */
export function unanswerableApprovals(drill: Drill, approver: Approver | undefined): string[] {
  if (drill.steps === undefined) return [];
  const names = drillSteps(drill).map((step) => step.name);
  return drill.steps.flatMap((step, index) => {
    const name = names[index] ?? '';
    if (step.step !== 'approve' || approver?.canAnswer(name) === true) return [];
    return [
      `steps[${index}]: approve step "${name}" has nobody to answer it: stdin is not a terminal and no --approve names it (give --approve ${name}, or --approve all, or run it at a terminal)`,
    ];
  });
}
