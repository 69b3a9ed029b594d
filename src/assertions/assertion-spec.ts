import { z } from 'zod';
import type { Timeline } from '../runner/timeline.ts';
import { chainOf, type AssertionContext } from './assertion-context.ts';
import { ofFault, ofResolvers, ofService, scopeAssertion, type Scoped } from './assertion-scope.ts';
import { resolveRegionRef } from '../drill/region-ref.ts';
import { customAssertionOptions, evaluateCustomAssertion, evaluateCustomAssertionSync } from './custom-assertion.ts';
import { dnsConvergenceName, dnsConvergenceOptions, evaluateDnsConvergence } from './dns-convergence.ts';
import { errorBudgetName, errorBudgetOptions, evaluateErrorBudget } from './error-budget.ts';
import { evaluateFailback, failbackName, failbackOptions } from './failback.ts';
import { evaluateRebalance, rebalanceName, rebalanceOptions } from './rebalance.ts';
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
  rebalanceOptions,
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
  'rebalance',
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
    case 'rebalance':
      return rebalanceName(spec);
    case 'steady-state':
      return steadyStateName(spec);
    case 'custom':
      return spec.name;
  }
}

/**
 * Evaluates one assertion against a finished Timeline, within its scope (its `service`, `region`
 * and `fault`; see `scopeAssertion`), and records on the verdict which service and region it
 * judged. Never throws: a failed expectation is a `failed` verdict, and a bug or unexpected data
 * inside an assertion becomes an `errored` verdict carrying the message, so one broken assertion
 * cannot hide the others' results. Synchronous: an async custom check is reported as errored
 * here; use `evaluateAssertions`.
 */
export function evaluateAssertion(timeline: Timeline, spec: AssertionSpec, context: AssertionContext): Verdict {
  try {
    const scoped = scopeOf(timeline, spec, context);
    if ('problem' in scoped) return { ...erroredVerdict(spec, new Error(scoped.problem)), status: 'errored' };
    return judged(evaluateInScope(scoped.timeline, spec, scoped.context), spec, scoped);
  } catch (error) {
    return erroredVerdict(spec, error);
  }
}

function evaluateInScope(timeline: Timeline, spec: AssertionSpec, context: AssertionContext): Verdict {
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
    case 'rebalance':
      return evaluateRebalance(timeline, spec, context);
    case 'steady-state':
      return checkSteadyState(timeline, spec, context);
    case 'custom':
      return evaluateCustomAssertionSync(timeline, spec, context);
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
        const scoped = scopeOf(timeline, spec, context);
        if ('problem' in scoped) verdicts.push(erroredVerdict(spec, new Error(scoped.problem)));
        else verdicts.push(judged(await evaluateCustomAssertion(scoped.timeline, spec, scoped.context), spec, scoped));
      } catch (error) {
        verdicts.push(erroredVerdict(spec, error));
      }
    } else {
      verdicts.push(evaluateAssertion(timeline, spec, context));
    }
  }
  return verdicts;
}

/** Where each kind of assertion reads its `region` (see `RegionSlot`). */
function scopeOf(timeline: Timeline, spec: AssertionSpec, context: AssertionContext): Scoped | { readonly problem: string } {
  switch (spec.assertion) {
    case 'dns-convergence':
      return scopeAssertion(timeline, { service: spec.service, region: spec.to, fault: spec.fault }, context, 'destination');
    case 'rto':
      return scopeAssertion(timeline, spec, context, 'destination');
    case 'failback':
    case 'rebalance':
    case 'steady-state':
      return scopeAssertion(timeline, spec, context, 'home');
    case 'error-budget':
      return scopeAssertion(timeline, spec, context, 'counted');
    case 'region-share':
    case 'custom':
      return scopeAssertion(timeline, { service: spec.service }, context, 'counted');
  }
}

/** The verdict with the service and region it judged, and its figures named for a service it was asked about. */
function judged(verdict: Verdict, spec: AssertionSpec, scoped: Scoped): Verdict {
  const region = judgedRegion(spec, scoped.context);
  const named = spec.service !== undefined && spec.service !== scoped.context.defaultService ? spec.service : undefined;
  return {
    ...verdict,
    // A generated name says which service it judged, or two services' verdicts read the same.
    ...(named === undefined || spec.name !== undefined ? {} : { name: `${named}: ${verdict.name}` }),
    ...(scoped.service === undefined ? {} : { service: scoped.service }),
    ...(region === undefined ? {} : { region }),
    ...(verdict.figures === undefined ? {} : { figures: verdict.figures.map((figure) => ofResolvers(ofFault(ofService(figure, named), faultOf(spec)), resolversOf(spec))) }),
  };
}

function resolversOf(spec: AssertionSpec): readonly string[] | undefined {
  return spec.assertion === 'rto' || spec.assertion === 'custom' || spec.assertion === 'error-budget' || spec.assertion === 'region-share' || spec.assertion === 'steady-state'
    ? undefined
    : spec.resolvers;
}

function faultOf(spec: AssertionSpec): string | undefined {
  return spec.assertion === 'rto' || spec.assertion === 'dns-convergence' ? spec.fault : undefined;
}

function judgedRegion(spec: AssertionSpec, context: AssertionContext): string | undefined {
  switch (spec.assertion) {
    case 'dns-convergence':
      return spec.to === 'primary' ? context.primaryRegion : context.secondaryRegion;
    case 'rto':
      return context.secondaryRegion;
    case 'failback':
    case 'rebalance':
    case 'steady-state':
      return context.primaryRegion;
    case 'region-share':
      return resolveRegionRef(spec.region, chainOf(context));
    case 'error-budget':
      return spec.region === undefined ? undefined : resolveRegionRef(spec.region, chainOf(context));
    case 'custom':
      return undefined;
  }
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
