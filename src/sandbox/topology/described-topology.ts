import type { ResolvedTopology } from './resolve-topology.ts';
import type { SandboxDeployment, SandboxService, SandboxTopology, ServiceRouting } from './topology.ts';

/** A deployment as the description spells it: the conventions applied, ids written out. */
export interface DescribedDeployment extends SandboxDeployment {
  readonly functionName: string;
  readonly healthCheckId: string;
  readonly requestInterval: 10 | 30;
  readonly failureThreshold: number;
}

/** A service as the description spells it: every region in order, the first two also by role. */
export interface DescribedService extends SandboxService {
  readonly regions: readonly string[];
  readonly primaryRegion: string;
  readonly secondaryRegion: string;
  readonly routing: ServiceRouting;
  readonly deployments: readonly DescribedDeployment[];
}

/** The topology a sandbox runs, as given but with each service's regions and deployments filled in. */
export interface DescribedTopology extends SandboxTopology {
  readonly services: readonly DescribedService[];
}

/**
 * The given topology with what resolving decided written into each service, so a reader of the
 * description (a person, `sandboxEnvironment`) sees the regions and ids the sandbox actually runs
 * even when the file left them to convention.
 */
export function describedTopology(topology: ResolvedTopology): DescribedTopology {
  return {
    ...topology.source,
    services: topology.services.map((service, s): DescribedService => {
      const given = topology.source.services[s];
      return {
        ...given,
        name: service.name,
        recordName: service.recordName,
        ttl: service.ttl,
        healthPath: service.healthPath,
        regions: service.regions,
        primaryRegion: service.primaryRegion,
        secondaryRegion: service.secondaryRegion,
        routing: service.routing,
        deployments: service.deployments.map((d): DescribedDeployment => {
          const written = given?.deployments?.find((g) => g.region === d.region) ?? { region: d.region };
          return { ...written, functionName: d.functionName, healthCheckId: d.healthCheckId, requestInterval: d.requestInterval, failureThreshold: d.failureThreshold };
        }),
      };
    }),
  };
}
