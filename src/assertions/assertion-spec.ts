import { z } from 'zod';
import type { Timeline } from '../runner/timeline.ts';
import type { AssertionContext } from './assertion-context.ts';
import { customAssertionOptions, evaluateCustomAssertion, evaluateCustomAssertionSync } from './custom-assertion.ts';
import { dnsConvergenceName, dnsConvergenceOptions, evaluateDnsConvergence } from './dns-convergence.ts';
import { errorBudgetName, errorBudgetOptions, evaluateErrorBudget } from './error-budget.ts';
import { evaluateFailback, failbackName, failbackOptions } from './failback.ts';
import { evaluateRegionShare, regionShareName, regionShareOptions } from './region-share.ts';
import { evaluateRto, rtoName, rtoOptions } from './rto.ts';
import { checkSteadyState, steadyStateName, steadyStateOptions } from './steady-state.ts';
import type { Verdict } from './verdict.ts';
import { describeError } from '../util/describe-error.ts';

/** One assertion in a drill, told apart by its `assertion` field. */
export const assertionSchema = z.discriminatedUnion('assertion', [
  dnsConvergenceOptions,
  errorBudgetOptions,
  failbackOptions,
  rtoOptions,
  regionShareOptions,
  steadyStateOptions,
  customAssertionOptions,
]);

/** A validated assertion (durations in ms, defaults filled in). */
export type AssertionSpec = z.output<typeof assertionSchema>;

/** What a drill author writes for an assertion (durations as `"10s"` text). */
export type AssertionInput = z.input<typeof assertionSchema>;

/** Every assertion kind, e.g. for `drdrill list` or docs. */
export const ASSERTION_KINDS = [
  'dns-convergence',
  'error-budget',
  'failback',
  'rto',
  'region-share',
  'steady-state',
  'custom',
] as const satisfies readonly AssertionSpec['assertion'][];

/** The display name a verdict gets when the drill gives none, e.g. `DNS converges on secondary within 10 s`. */
export function defaultAssertionName(spec: AssertionSpec): string {
  switch (spec.assertion) {
    case 'dns-convergence':
      return dnsConvergenceName(spec);
    case 'error-budget':
      return errorBudgetName(spec);
    case 'failback':
      return failbackName(spec);
    case 'rto':
      return rtoName(spec);
    case 'region-share':
      return regionShareName(spec);
    case 'steady-state':
      return steadyStateName(spec);
    case 'custom':
      return spec.name;
  }
}

/**
 * Evaluates one assertion against a finished Timeline. Never throws: a failed expectation is a
 * `failed` verdict, and a bug or unexpected data inside an assertion becomes an `errored`
 * verdict carrying the message, so one broken assertion cannot hide the others' results.
 * Synchronous: an async custom check is reported as errored here; use `evaluateAssertions`.
 */
export function evaluateAssertion(timeline: Timeline, spec: AssertionSpec, context: AssertionContext): Verdict {
  try {
    switch (spec.assertion) {
      case 'dns-convergence':
        return evaluateDnsConvergence(timeline, spec, context);
      case 'error-budget':
        return evaluateErrorBudget(timeline, spec);
      case 'failback':
        return evaluateFailback(timeline, spec, context);
      case 'rto':
        return evaluateRto(timeline, spec, context);
      case 'region-share':
        return evaluateRegionShare(timeline, spec, context);
      case 'steady-state':
        return checkSteadyState(timeline, spec, context);
      case 'custom':
        return evaluateCustomAssertionSync(timeline, spec, context);
    }
  } catch (error) {
    return erroredVerdict(spec, error);
  }
}

/**
 * Evaluates every assertion of a drill, in order, awaiting custom checks (each bounded by its
 * timeout). Never throws; the runner uses this instead of mapping `evaluateAssertion`.
 */
export async function evaluateAssertions(
  timeline: Timeline,
  specs: readonly AssertionSpec[],
  context: AssertionContext,
): Promise<Verdict[]> {
  const verdicts: Verdict[] = [];
  for (const spec of specs) {
    if (spec.assertion === 'custom') {
      try {
        verdicts.push(await evaluateCustomAssertion(timeline, spec, context));
      } catch (error) {
        verdicts.push(erroredVerdict(spec, error));
      }
    } else {
      verdicts.push(evaluateAssertion(timeline, spec, context));
    }
  }
  return verdicts;
}

function erroredVerdict(spec: AssertionSpec, error: unknown): Verdict {
  const fallbackName = safeDefaultName(spec);
  return {
    assertion: String((spec as { assertion?: unknown }).assertion),
    name: spec.name ?? fallbackName,
    status: 'errored',
    observed: `the assertion could not be evaluated: ${describeError(error)}`,
    // The generated name states the expectation in words, which is the best we still have.
    expected: fallbackName,
  };
}

function safeDefaultName(spec: AssertionSpec): string {
  try {
    return defaultAssertionName(spec);
  } catch {
    return String((spec as { assertion?: unknown }).assertion);
  }
}
