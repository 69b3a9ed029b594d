import { z } from 'zod';
import { scopeOptions } from './assertion-scope.ts';
import { boundedDuration } from '../drill/bounded-duration.ts';
import { formatDuration } from '../drill/duration.ts';
import type { Timeline } from '../runner/timeline.ts';
import type { AssertionContext } from './assertion-context.ts';
import { formatFigure, formatLimit, withinLimit, type Figure, type FigureLimit, type FigureUnit } from './figure.ts';
import type { Verdict } from './verdict.ts';

/**
 * A drill author's own check: throw (e.g. with chai's `expect`) to fail it. It receives the
 * finished Timeline and the assertion context, and may be async. It may return what it measured,
 * shown like a built-in's verdict: words, the limit, details, and figures for run.json.
 */
export type CustomCheck = (timeline: Timeline, context: AssertionContext) => CustomCheckOutcome | Promise<CustomCheckOutcome>;

/** What a check returns: nothing (it passed), or its measurement. */
export type CustomCheckOutcome = void | undefined | CustomCheckResult;

/**
 * A check's own report. `passed: false` fails the verdict without throwing; figures are stored in
 * run.json's `figures` as `custom.<name>` and printed by every output like the built-in ones, each
 * with what was expected of it when it gives `expected` (bounds in its unit). Without `passed`, a
 * report whose figures carry bounds passes exactly when every figure keeps within them.
 *
 * @example return { figures: [{ name: 'p99', value: 640, unit: 'ms', expected: { max: 800 }, definition: 'p99 latency while failed over' }] }
 */
export interface CustomCheckResult {
  readonly passed?: boolean;
  readonly observed?: string;
  readonly expected?: string;
  readonly details?: Readonly<Record<string, string | number | boolean | null>>;
  readonly figures?: readonly CustomFigure[];
}

/** A figure a custom check measured. */
export interface CustomFigure {
  /** Short key, letters, digits, dots and dashes; stored as `custom.<name>`. */
  readonly name: string;
  readonly label?: string;
  readonly value: number | null;
  readonly unit: FigureUnit;
  /** What the number is, in one sentence. */
  readonly definition: string;
  readonly window?: { readonly from: number; readonly to: number };
  readonly resolutionMs?: number;
  /** What the drill expects of the value, in its unit: `{ max: 800 }` (ms) reads `≤ 800 ms`. */
  readonly expected?: FigureLimit;
}

const checkResultSchema = z
  .strictObject({
    passed: z.boolean().optional(),
    observed: z.string().optional(),
    expected: z.string().optional(),
    details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
    figures: z
      .array(
        z.strictObject({
          name: z.string().regex(/^[A-Za-z0-9][\w.-]*$/, 'expected a short key of letters, digits, dots and dashes'),
          label: z.string().min(1).optional(),
          value: z.number().finite().nullable(),
          unit: z.enum(['ms', 'percent']),
          definition: z.string().min(1, 'expected a sentence saying what the number is'),
          window: z.strictObject({ from: z.number(), to: z.number() }).optional(),
          resolutionMs: z.number().nonnegative().optional(),
          expected: z
            .strictObject({ min: z.number().finite().optional(), max: z.number().finite().optional() })
            .refine((limit) => limit.min !== undefined || limit.max !== undefined, 'expected min, max or both, in the figure\'s unit')
            .refine((limit) => limit.min === undefined || limit.max === undefined || limit.min <= limit.max, 'expected min ≤ max')
            .optional(),
        }),
      )
      .optional(),
  })
  .optional();

/** Options of `custom`: a function of the Timeline, written in the drill. */
export const customAssertionOptions = z.strictObject({
  assertion: z.literal('custom'),
  /** Required: a function has no meaningful generated name. */
  name: z.string().min(1, 'expected a name saying what the check proves'),
  check: z.custom<CustomCheck>((value) => typeof value === 'function', {
    message: 'expected a function (timeline, context) => void | result (or a promise of one) that throws when the check fails',
  }),
  /** Longest an async check may take before it is reported as errored. */
  timeout: boundedDuration({ min: 1 }).default(10_000),
  service: scopeOptions.service,
});

export type CustomAssertionOptions = z.output<typeof customAssertionOptions>;

/**
 * Runs a custom check. Returning (or resolving) means passed. A thrown chai AssertionError (any
 * error named `AssertionError`, so node:assert works too) is a failed expectation: `failed`, with
 * its message, and actual/expected when it carries them. Anything else thrown, a rejection or a
 * timeout means the check itself broke: `errored`, with the message. Never throws.
 */
export async function evaluateCustomAssertion(
  timeline: Timeline,
  options: CustomAssertionOptions,
  context: AssertionContext,
): Promise<Verdict> {
  const base = { assertion: 'custom', name: options.name, expected: 'the check completes without throwing' } as const;
  let timer: NodeJS.Timeout | undefined;
  try {
    let outcome = options.check(timeline, context);
    if (isThenable(outcome)) {
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new CustomCheckTimeoutError(`the check did not finish within ${formatDuration(options.timeout)}`)), options.timeout);
      });
      outcome = await Promise.race([outcome, timedOut]);
    }
    return verdictFromResult(base, outcome);
  } catch (error) {
    return verdictFromThrow(base, error);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

/**
 * The synchronous path, for `evaluateAssertion`: a check that returns a promise cannot be awaited
 * here and is reported as errored, naming the asynchronous entry point.
 */
export function evaluateCustomAssertionSync(timeline: Timeline, options: CustomAssertionOptions, context: AssertionContext): Verdict {
  const base = { assertion: 'custom', name: options.name, expected: 'the check completes without throwing' } as const;
  try {
    const outcome = options.check(timeline, context);
    if (isThenable(outcome)) {
      // Swallow its eventual rejection: it has been reported as unevaluated already.
      Promise.resolve(outcome).catch(() => {});
      return {
        ...base,
        status: 'errored',
        observed: 'the check is asynchronous and was evaluated synchronously: evaluate it with evaluateAssertions (or evaluateCustomAssertion)',
      };
    }
    return verdictFromResult(base, outcome);
  } catch (error) {
    return verdictFromThrow(base, error);
  }
}

/** A returned report as the verdict: passed unless it says otherwise; a malformed report is errored. */
function verdictFromResult(base: { assertion: string; name: string; expected: string }, outcome: unknown): Verdict {
  const parsed = checkResultSchema.safeParse(outcome);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? 'the result' : issue.path.map(String).join('.');
    return { ...base, status: 'errored', observed: `the check returned a malformed report: ${where}: ${issue?.message ?? 'invalid'}` };
  }
  const result = parsed.data;
  if (result === undefined) return { ...base, status: 'passed', observed: 'the check passed' };
  const bounded = (result.figures ?? []).flatMap((figure) => (figure.expected === undefined ? [] : [{ ...figure, expected: figure.expected }]));
  const passed = result.passed ?? bounded.every((figure) => withinLimit(figure.value, figure.expected));
  const figures: Figure[] = (result.figures ?? []).map((figure) => ({
    name: `custom.${figure.name}`,
    label: figure.label ?? figure.name,
    value: figure.value,
    unit: figure.unit,
    definition: figure.definition,
    ...(figure.window === undefined ? {} : { window: figure.window }),
    ...(figure.resolutionMs === undefined ? {} : { resolutionMs: figure.resolutionMs }),
    ...(figure.expected === undefined ? {} : { limit: figure.expected }),
  }));
  // Words from the figures when the check gave none: `p99 640 ms`, `p99 ≤ 800 ms`.
  const observedFromFigures = figures.map((figure) => `${figure.label} ${formatFigure(figure)}`).join(', ');
  const expectedFromFigures = bounded.map((figure) => `${figure.label ?? figure.name} ${formatLimit(figure.expected, figure.unit)}`).join(', ');
  return {
    ...base,
    status: passed ? 'passed' : 'failed',
    observed: result.observed ?? (observedFromFigures !== '' ? observedFromFigures : passed ? 'the check passed' : 'the check reported a failure'),
    ...(result.expected !== undefined ? { expected: result.expected } : expectedFromFigures !== '' ? { expected: expectedFromFigures } : {}),
    ...(result.details === undefined ? {} : { details: result.details }),
    ...(figures.length === 0 ? {} : { figures }),
  };
}

/** An async custom check ran past its timeout. */
export class CustomCheckTimeoutError extends Error {
  override readonly name = 'CustomCheckTimeoutError';
}

function verdictFromThrow(base: { assertion: string; name: string; expected: string }, error: unknown): Verdict {
  if (error instanceof Error && error.name === 'AssertionError') {
    const carried = error as Error & { actual?: unknown; expected?: unknown };
    const details: Record<string, string> = {};
    if ('actual' in carried && carried.actual !== undefined) details.actual = describe(carried.actual);
    if ('expected' in carried && carried.expected !== undefined) details.expected = describe(carried.expected);
    return { ...base, status: 'failed', observed: error.message, ...(Object.keys(details).length === 0 ? {} : { details }) };
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : `threw ${describe(error)}`;
  return { ...base, status: 'errored', observed: `the check could not be evaluated: ${message}` };
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
