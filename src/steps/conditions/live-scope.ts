import type { AssertionContext } from '../../assertions/assertion-context.ts';
import { scopeAssertion, type Scoped } from '../../assertions/assertion-scope.ts';
import type { RegionRef } from '../../drill/region-ref.ts';
import type { Timeline } from '../../runner/timeline.ts';

/**
 * A condition's service and region applied to the live Timeline with the assertions' own scoping.
 * Scoped timelines are memoised per Timeline object, and the live one keeps growing: each reading
 * scopes a fresh view of it, so it never reads a copy taken seconds ago.
 */
export function scopeLive(
  timeline: Timeline,
  options: { readonly service?: string | undefined; readonly region?: RegionRef | undefined },
  context: AssertionContext,
): Scoped | { readonly problem: string } {
  return scopeAssertion({ ...timeline }, { service: options.service, region: options.region }, context, 'home');
}
