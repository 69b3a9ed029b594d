import { TIMED_REVERT_DOCUMENT } from './resolve-topology.ts';
import type { ResolvedTopology } from './resolve-topology.ts';

/** One deployment's resource ids. */
export interface DeploymentResources {
  readonly region: string;
  readonly role: 'primary' | 'secondary' | 'other';
  readonly functionName: string;
  readonly functionArn: string;
  /** The HTTP(S)/TCP check probing the region. */
  readonly healthCheckId: string;
  /** The check on the region's failover record (the CALCULATED one when ARC steers the service). */
  readonly recordHealthCheckId: string;
  readonly arcHealthCheckId?: string;
  readonly routingControlArn?: string;
  readonly apiId: string;
  readonly apiMappingId: string;
  readonly customDomain: string;
  readonly regionalDomainName: string;
  readonly executeApiHost: string;
  readonly failureFlagParameter: string;
  readonly fisTemplateId: string;
  readonly fisErrorTemplateId: string;
  readonly securityGroupId?: string;
  readonly vpcLinkSecurityGroupId?: string;
  readonly ingressRuleId?: string;
}

/** Every resource id the sandbox simulates. */
export interface SandboxResources {
  readonly hostedZoneId: string;
  readonly zoneName: string;
  readonly services: readonly {
    readonly name: string;
    readonly recordName: string;
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
      deployments: service.deployments.map((d) => ({
        region: d.region,
        role: d.role,
        functionName: d.functionName,
        functionArn: functionArn(d.region, topology.accountId, d.functionName),
        healthCheckId: d.healthCheckId,
        recordHealthCheckId: d.recordHealthCheckId,
        ...(d.arcHealthCheckId === undefined ? {} : { arcHealthCheckId: d.arcHealthCheckId }),
        ...(d.routingControlArn === undefined ? {} : { routingControlArn: d.routingControlArn }),
        apiId: d.apiId,
        apiMappingId: d.apiMappingId,
        customDomain: d.customDomain,
        regionalDomainName: d.regionalDomainName,
        executeApiHost: d.executeApiHost,
        failureFlagParameter: d.failureFlagParameter,
        fisTemplateId: d.fisTemplateId,
        fisErrorTemplateId: d.fisErrorTemplateId,
        ...(d.securityGroupId === undefined ? {} : { securityGroupId: d.securityGroupId }),
        ...(d.vpcLinkSecurityGroupId === undefined ? {} : { vpcLinkSecurityGroupId: d.vpcLinkSecurityGroupId }),
        ...(d.ingressRuleId === undefined ? {} : { ingressRuleId: d.ingressRuleId }),
      })),
    })),
    alarms: topology.alarms.map((a) => ({ name: a.name, region: a.region, arn: alarmArn(a.region, topology.accountId, a.name) })),
    automationDocument: TIMED_REVERT_DOCUMENT,
    arcRegion: topology.arcRegion,
  };
}
