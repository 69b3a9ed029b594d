import { TIMED_REVERT_DOCUMENT } from './resolve-topology.ts';
import type { ResolvedDeployment, ResolvedTopology } from './resolve-topology.ts';
import type { ServiceRouting } from './topology.ts';

/** The resolved deployment fields a person or a drill may need to address a sandbox resource. */
const DEPLOYMENT_RESOURCE_KEYS = [
  'region',
  'role',
  'functionName',
  'healthCheckId',
  'recordHealthCheckId',
  'arcHealthCheckId',
  'routingControlArn',
  'apiId',
  'apiMappingId',
  'customDomain',
  'regionalDomainName',
  'executeApiHost',
  'failureFlagParameter',
  'fisTemplateId',
  'fisErrorTemplateId',
  'securityGroupId',
  'vpcLinkSecurityGroupId',
  'ingressRuleId',
] as const satisfies readonly (keyof ResolvedDeployment)[];

/** One deployment's resource ids: the resolved deployment's, so the two cannot drift apart. */
export type DeploymentResources = Pick<ResolvedDeployment, (typeof DEPLOYMENT_RESOURCE_KEYS)[number]> & {
  readonly functionArn: string;
};

/** Every resource id the sandbox simulates. */
export interface SandboxResources {
  readonly hostedZoneId: string;
  readonly zoneName: string;
  readonly services: readonly {
    readonly name: string;
    readonly recordName: string;
    /** Every region of the service, in order (the failover chain's order). */
    readonly regions: readonly string[];
    readonly routing: ServiceRouting;
    /** One per region, in the order of `regions`. */
    readonly deployments: readonly DeploymentResources[];
  }[];
  readonly alarms: readonly { readonly name: string; readonly region: string; readonly arn: string }[];
  readonly automationDocument: string;
  readonly arcRegion: string;
}

/** `arn:aws:lambda:<region>:<account>:function:<name>`. */
export function functionArn(region: string, accountId: string, name: string): string {
  return `arn:aws:lambda:${region}:${accountId}:function:${name}`;
}

/** `arn:aws:cloudwatch:<region>:<account>:alarm:<name>`. */
export function alarmArn(region: string, accountId: string, name: string): string {
  return `arn:aws:cloudwatch:${region}:${accountId}:alarm:${name}`;
}

/** Lists the resource ids of a resolved topology. */
export function sandboxResources(topology: ResolvedTopology): SandboxResources {
  return {
    hostedZoneId: topology.hostedZone.id,
    zoneName: topology.hostedZone.name,
    services: topology.services.map((service) => ({
      name: service.name,
      recordName: service.recordName,
      regions: service.regions,
      routing: service.routing,
      deployments: service.deployments.map((d) => ({
        ...definedFields(d, DEPLOYMENT_RESOURCE_KEYS),
        functionArn: functionArn(d.region, topology.accountId, d.functionName),
      })),
    })),
    alarms: topology.alarms.map((a) => ({ name: a.name, region: a.region, arn: alarmArn(a.region, topology.accountId, a.name) })),
    automationDocument: TIMED_REVERT_DOCUMENT,
    arcRegion: topology.arcRegion,
  };
}

/** The named fields of `value` that are set (JSON has no undefined). */
function definedFields<T extends object, K extends keyof T>(value: T, keys: readonly K[]): Pick<T, K> {
  const picked: Partial<Pick<T, K>> = {};
  for (const key of keys) if (value[key] !== undefined) picked[key] = value[key];
  return picked as Pick<T, K>;
}
