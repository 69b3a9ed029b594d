import { z } from 'zod';
import { regionRefSchema } from '../drill/region-ref.ts';
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
    region: regionRefSchema,
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
  const value = target.service[field]?.[target.region];
  if (value === undefined) {
    throw new TargetNotFoundError(
      `service "${target.serviceName}" in environment "${deps.environment.name}" has no ${field} for ${target.region}: ` +
        `add services.${target.serviceName}.${field}.${target.region} to the environment`,
    );
  }
  return value;
}
