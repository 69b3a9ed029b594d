import { z } from 'zod';
import type { Timeline } from '../runner/timeline.ts';

/**
 * `steps` of error-budget and region-share: judge the stretch from the start of step `from` to
 * the end of step `to` (default: `from`'s own end), by the names the drill gives its steps (a
 * phases drill's are `baseline`, `verify`, `recovery`, `revert`, `settle`).
 */
export const stepSpanOption = z
  .strictObject({
    from: z.string().min(1, 'expected the name of a step'),
    to: z.string().min(1, 'expected the name of a step').optional(),
  })
  .optional();

export type StepSpan = NonNullable<z.output<typeof stepSpanOption>>;

/** `hold-3` or `until-2 → hold-3`, as labels and figure names say it. */
export function describeStepSpan(span: StepSpan): string {
  return span.to === undefined || span.to === span.from ? span.from : `${span.from} → ${span.to}`;
}

/** The step names a span refers to. */
export function stepSpanNames(span: StepSpan): string[] {
  return span.to === undefined ? [span.from] : [span.from, span.to];
}

/** The [from, to) window of a span on the Timeline, or why there is none. */
export function stepSpanWindow(timeline: Pick<Timeline, 'steps' | 'endedAt'>, span: StepSpan): { from: number; to: number } | string {
  const start = timeline.steps.find((event) => event.kind === 'started' && event.step === span.from);
  if (start === undefined) return `step ${span.from} never started`;
  const last = span.to ?? span.from;
  const end = timeline.steps.find((event) => event.kind === 'ended' && event.step === last && event.at >= start.at);
  if (end === undefined && span.to !== undefined && !timeline.steps.some((event) => event.kind === 'started' && event.step === last)) {
    return `step ${last} never started`;
  }
  return { from: start.at, to: end?.at ?? timeline.endedAt };
}
