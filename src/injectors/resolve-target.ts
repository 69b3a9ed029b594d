import type { Environment, ServiceEnvironment } from '../drill/environment.ts';
import type { LogicalRegion } from '../drill/logical-region.ts';
import { TargetNotFoundError } from './injector.ts';

/** A drill's logical target (`service` + `region`) turned into the environment's ids. */
export interface ResolvedServiceTarget {
  readonly serviceName: string;
  readonly service: ServiceEnvironment;
  readonly logicalRegion: LogicalRegion;
  /** AWS region name, e.g. `us-east-1`. */
  readonly region: string;
}

export function resolveServiceTarget(
  environment: Environment,
  serviceName: string,
  logicalRegion: LogicalRegion,
): ResolvedServiceTarget {
  const service = environment.services[serviceName];
  if (service === undefined) {
    const known = Object.keys(environment.services).join(', ');
    throw new TargetNotFoundError(
      `service "${serviceName}" is not defined in environment "${environment.name}" (it defines: ${known})`,
    );
  }
  return { serviceName, service, logicalRegion, region: environment.regions[logicalRegion] };
}
