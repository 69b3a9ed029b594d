import { z } from 'zod';
import { boundedDuration } from '../drill/bounded-duration.ts';
import { formatDuration } from '../drill/duration.ts';
import type { Timeline } from '../runner/timeline.ts';
import type { AssertionContext } from './assertion-context.ts';
import type { Verdict } from './verdict.ts';

/**
 * A drill author's own check: throw (e.g. with chai's `expect`) to fail it. It receives the
 * finished Timeline and the assertion context, and may be async.
 */
export type CustomCheck = (timeline: Timeline, context: AssertionContext) => void | Promise<void>;

/** Options of `custom`: a function of the Timeline, written in the drill. */
export const customAssertionOptions = z.strictObject({
  assertion: z.literal('custom'),
  /** Required: a function has no meaningful generated name. */
  name: z.string().min(1, 'expected a name saying what the check proves'),
  check: z.custom<CustomCheck>((value) => typeof value === 'function', {
    message: 'expected a function (timeline, context) => void | Promise<void> that throws when the check fails',
  }),
  /** Longest an async check may take before it is reported as errored. */
  timeout: boundedDuration({ min: 1 }).default(10_000),
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
    const outcome = options.check(timeline, context);
    if (isThenable(outcome)) {
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new CustomCheckTimeoutError(`the check did not finish within ${formatDuration(options.timeout)}`)), options.timeout);
      });
      await Promise.race([outcome, timedOut]);
    }
    return { ...base, status: 'passed', observed: 'the check passed' };
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
    return { ...base, status: 'passed', observed: 'the check passed' };
  } catch (error) {
    return verdictFromThrow(base, error);
  }
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
