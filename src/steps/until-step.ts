import { z } from 'zod';
import type { Verdict } from '../assertions/verdict.ts';
import { boundedDuration } from '../drill/bounded-duration.ts';
import { formatDuration } from '../drill/duration.ts';
import { CONDITION_KEYS, conditionOf } from './conditions/condition-registry.ts';
import { dnsConditionSchema } from './conditions/dns-condition.ts';
import { errorRateConditionSchema } from './conditions/error-rate-condition.ts';
import { healthCheckConditionSchema } from './conditions/health-check-condition.ts';
import { trafficConditionSchema } from './conditions/traffic-condition.ts';
import type { ConditionReading } from './conditions/until-condition.ts';
import type { StepContext } from './step-context.ts';
import type { StepKind } from './step.ts';
import { stepNameOption } from './step.ts';
import { waitOut } from './step-wait.ts';

/**
 * `until`: waits for a condition over what is observed — exactly one of `dns`, `traffic`,
 * `errorRate`, `healthCheck` — for at most `within`. One that does not come true in time ends the
 * drill: everything is reverted and the step's verdict fails with what was observed last.
 */
export const untilStepSchema = z
  .strictObject({
    step: z.literal('until'),
    name: stepNameOption,
    within: boundedDuration({ min: 1, why: 'an until needs time to come true' }),
    dns: dnsConditionSchema.optional(),
    traffic: trafficConditionSchema.optional(),
    errorRate: errorRateConditionSchema.optional(),
    healthCheck: healthCheckConditionSchema.optional(),
  })
  .superRefine((step, ctx) => {
    const given = CONDITION_KEYS.filter((key) => step[key] !== undefined);
    if (given.length === 1) return;
    ctx.addIssue({
      code: 'custom',
      path: given.length === 0 ? [] : [given[1] ?? ''],
      message:
        given.length === 0
          ? `expected one condition: ${CONDITION_KEYS.join(', ')}`
          : `expected exactly one condition, got ${given.join(' and ')}: write one until step per condition`,
    });
  });

export type UntilStep = z.output<typeof untilStepSchema> & { readonly name: string };

/** Slowest a condition is read: DNS answers come every probe interval, samples continuously. */
const MAX_POLL_MS = 250;
const MIN_POLL_MS = 50;

export const untilStep: StepKind<UntilStep> = {
  kind: 'until',
  waits: true,
  budgetMs: (step) => step.within,
  summary: (step) => `until ${describeUntil(step)} within ${formatDuration(step.within)}`,
  async run(step, context) {
    const { condition, options } = conditionOf(step);
    const awaiting = condition.describe(options, context.context);
    const since = context.clock.startedAt;
    let reading: ConditionReading = { met: false, observed: 'nothing observed yet' };
    const read = (): boolean => {
      reading = condition.read(context.scope.timeline, options, context.context, { since, now: Date.now() });
      context.progress(awaiting, reading.observed);
      return reading.met;
    };
    const pollMs = Math.min(MAX_POLL_MS, Math.max(MIN_POLL_MS, context.drill.probes.dnsInterval));
    const end = await waitOut(context, pollMs, read);
    // Stopped while waiting: the window it would have judged runs to its budget's end, past the
    // stop, so the run record marks it "not evaluated" with what was seen by then.
    if (end === 'aborted') return { status: 'aborted', observed: reading.observed, verdict: untilVerdict(step, awaiting, reading.observed, false, context, context.clock.endsAt()) };
    const tookMs = Date.now() - since;
    const passed = end === 'done';
    const observed = passed ? `came true after ${formatDuration(tookMs)}: ${reading.observed}` : `not within ${formatDuration(context.clock.endsAt() - since)}; last observed: ${reading.observed}`;
    return { status: passed ? 'passed' : 'failed', observed, verdict: untilVerdict(step, awaiting, observed, passed, context) };
  },
  unjudged(step, context) {
    const { condition, options } = conditionOf(step);
    const awaiting = condition.describe(options, context);
    return { assertion: 'until', name: untilName(step, awaiting), expected: `${awaiting} within ${formatDuration(step.within)}` };
  },
};

function untilName(step: UntilStep, awaiting: string): string {
  return `step ${step.name}: ${awaiting} within ${formatDuration(step.within)}`;
}

function describeUntil(step: UntilStep): string {
  const { condition, options } = conditionOf(step);
  return condition.describe(options, undefined);
}

function untilVerdict(step: UntilStep, awaiting: string, observed: string, passed: boolean, context: StepContext, windowEnd = Date.now()): Verdict {
  return {
    assertion: 'until',
    name: untilName(step, awaiting),
    status: passed ? 'passed' : 'failed',
    observed,
    expected: `${awaiting} within ${formatDuration(context.clock.endsAt() - context.clock.startedAt)}`,
    window: { from: context.clock.startedAt, to: windowEnd },
  };
}
