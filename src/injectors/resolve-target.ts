import type { Environment, ServiceEnvironment } from '../drill/environment.ts';
import { regionRefProblem, resolveRegionRef, type RegionRef } from '../drill/region-ref.ts';
import { TargetNotFoundError } from './injector.ts';

/** A drill's logical target (`service` + `region`) turned into the environment's ids. */
export interface ResolvedServiceTarget {
  readonly serviceName: string;
  readonly service: ServiceEnvironment;
  /** The region as the drill named it: a role, a position or an AWS region name. */
  readonly logicalRegion: RegionRef;
  /** AWS region name, e.g. `us-east-1`. */
  readonly region: string;
}

export function resolveServiceTarget(
  environment: Environment,
  serviceName: string,
  logicalRegion: RegionRef,
): ResolvedServiceTarget {
  const service = environment.services[serviceName];
  if (service === undefined) {
    const known = Object.keys(environment.services).join(', ');
    throw new TargetNotFoundError(
      `service "${serviceName}" is not defined in environment "${environment.name}" (it defines: ${known})`,
    );
  }
  const region = resolveRegionRef(logicalRegion, service.regions);
  if (region === undefined) {
    throw new TargetNotFoundError(regionRefProblem(logicalRegion, service.regions, `service "${serviceName}" in environment "${environment.name}"`) ?? '');
  }
  return { serviceName, service, logicalRegion, region };
}

/**
 * The function or health check of a resolved target's region. The environment schema requires
 * both for every region of a service, so a missing one is a bug, not bad input.
 */
export function regionValue(target: ResolvedServiceTarget, field: 'functions' | 'healthChecks'): string {
  const value = target.service[field][target.region];
  if (value === undefined) throw new Error(`service "${target.serviceName}" has no ${field} entry for ${target.region}`);
  return value;
}
