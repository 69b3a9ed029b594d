import { z } from 'zod';
import { apiMappingDetach, apiMappingDetachSpecSchema } from './api-mapping-detach.ts';
import { fisExperiment, fisExperimentSpecSchema } from './fis-experiment.ts';
import { healthCheckDisable, healthCheckDisableSpecSchema, healthCheckInvert, healthCheckInvertSpecSchema } from './health-check-toggle.ts';
import type { FaultHandle, InjectorDefinition } from './injector.ts';
import { lambda500, lambda500SpecSchema } from './lambda-500.ts';
import { lambdaThrottle, lambdaThrottleSpecSchema } from './lambda-throttle.ts';
import { routingControl, routingControlSpecSchema } from './routing-control.ts';
import { sgIngressRevoke, sgIngressRevokeSpecSchema } from './sg-ingress-revoke.ts';

/** Every fault a drill can list, told apart by its `injector` field. */
export const faultSchema = z.discriminatedUnion('injector', [
  lambdaThrottleSpecSchema,
  lambda500SpecSchema,
  healthCheckInvertSpecSchema,
  healthCheckDisableSpecSchema,
  apiMappingDetachSpecSchema,
  sgIngressRevokeSpecSchema,
  fisExperimentSpecSchema,
  routingControlSpecSchema,
]);
export type FaultSpec = z.output<typeof faultSchema>;

type AnyInjector = InjectorDefinition<FaultSpec, FaultHandle>;

/**
 * Injectors by kind. Typed loosely on purpose: callers pair a spec or a journaled handle with
 * the injector named in it, and the spec schema has already checked the shape.
 */
const INJECTORS: ReadonlyMap<string, AnyInjector> = new Map(
  [lambdaThrottle, lambda500, healthCheckInvert, healthCheckDisable, apiMappingDetach, sgIngressRevoke, fisExperiment, routingControl].map((injector) => [
    injector.kind,
    injector as unknown as AnyInjector,
  ]),
);

/** Every injector kind, e.g. for `drdrill list` or docs. */
export const INJECTOR_KINDS: readonly string[] = [...INJECTORS.keys()];

export function injectorFor(kind: string): AnyInjector {
  const injector = INJECTORS.get(kind);
  if (injector === undefined) {
    throw new Error(`unknown injector "${kind}"; known: ${[...INJECTORS.keys()].join(', ')}`);
  }
  return injector;
}
