import { z } from 'zod';
import type { ServiceEnvironment } from '../drill/environment.ts';
import { logicalRegionSchema } from '../drill/logical-region.ts';
import { TargetNotFoundError, type InjectorDeps } from './injector.ts';
import { resolveServiceTarget, type ResolvedServiceTarget } from './resolve-target.ts';

/**
 * Where a fault lands: one region and one or more services. `service` names one (default: the
 * drill's); `services` names several, which makes the fault multi-target: it is applied to each
 * in order and, if one fails, the ones already changed are rolled back in reverse order.
 *
 * @example { region: 'primary' }
 * @example { region: 'primary', services: ['service1', 'service2'] }
 */
export const serviceTargetSchema = z
  .strictObject({
    service: z.string().min(1).optional(),
    services: z.array(z.string().min(1)).min(1, 'expected at least one service').optional(),
    region: logicalRegionSchema,
  })
  .refine((target) => target.service === undefined || target.services === undefined, {
    message: 'expected either "service" or "services", not both',
    path: ['services'],
  });
export type ServiceTarget = z.output<typeof serviceTargetSchema>;

export function resolveServiceTargets(target: ServiceTarget, deps: Pick<InjectorDeps, 'environment' | 'defaultService'>): ResolvedServiceTarget[] {
  const names = target.services ?? [target.service ?? deps.defaultService];
  return [...new Set(names)].map((name) => resolveServiceTarget(deps.environment, name, target.region));
}

type PerRegionField = 'customDomains' | 'securityGroups' | 'failureFlags' | 'fisTemplates' | 'routingControls';

/** The environment's id for an optional per-region resource, or a TargetNotFoundError saying which field to add. */
export function requiredResource(target: ResolvedServiceTarget, field: PerRegionField, deps: Pick<InjectorDeps, 'environment'>): string {
  const perRegion: ServiceEnvironment[PerRegionField] = target.service[field];
  if (perRegion === undefined) {
    throw new TargetNotFoundError(
      `service "${target.serviceName}" in environment "${deps.environment.name}" has no ${field}: ` +
        `add services.${target.serviceName}.${field}.{primary,secondary} to the environment`,
    );
  }
  return perRegion[target.logicalRegion];
}
