import { createHash } from 'node:crypto';
import { isIPv4 } from 'node:net';
import { TIMED_REVERT_RUNBOOK } from '../../aws/timed-revert-runbook.ts';
import type {
  ProbedHealthCheckType,
  ResolverClient,
  SandboxAlarm,
  SandboxDeployment,
  SandboxEdge,
  SandboxRegion,
  SandboxService,
  SandboxTopology,
  TopologyRecord,
} from './topology.ts';

/** Regions Route 53 health checkers run from by default (one simulated checker per region). */
export const CHECKER_REGIONS: readonly string[] = [
  'us-east-1',
  'us-west-1',
  'us-west-2',
  'eu-west-1',
  'ap-southeast-1',
  'ap-northeast-1',
  'sa-east-1',
  'ap-southeast-2',
];

/** Route 53's hosted zone ids for API Gateway regional endpoints (alias targets). */
export const API_GATEWAY_ZONE_IDS: Readonly<Record<string, string>> = {
  'us-east-1': 'Z1UJRXOUMOOFQ8',
  'us-east-2': 'ZOJJZC49E0EPZ',
  'us-west-1': 'Z2MUQ32089INYE',
  'us-west-2': 'Z2OJLYMUO9EFXC',
  'eu-west-1': 'ZLY8HYME6SFDD',
  'eu-central-1': 'Z1U9ULNL0V5AJ3',
};

/** The name of the SSM Automation runbook the sandbox ships: the one drdrill's switch starts. */
export const TIMED_REVERT_DOCUMENT = TIMED_REVERT_RUNBOOK;

/** A deployment with every id filled in. */
export interface ResolvedDeployment extends SandboxDeployment {
  readonly service: string;
  readonly role: 'primary' | 'secondary' | 'other';
  readonly address: string;
  readonly healthCheckType: ProbedHealthCheckType;
  readonly apiId: string;
  readonly apiMappingId: string;
  /** The custom domain name (same in every region, as on AWS). */
  readonly customDomain: string;
  /** `d-….execute-api.<region>.amazonaws.com`: what the custom domain's alias points to. */
  readonly regionalDomainName: string;
  /** `<apiId>.execute-api.<region>.amazonaws.com`: the API's default endpoint. */
  readonly executeApiHost: string;
  readonly failureFlagParameter: string;
  readonly fisTemplateId: string;
  readonly fisErrorTemplateId: string;
  /** Set when the service's backend is an ALB behind a VPC link. */
  readonly securityGroupId?: string;
  readonly vpcLinkSecurityGroupId?: string;
  readonly ingressRuleId?: string;
  /** Set when the service is steered by ARC. */
  readonly routingControlArn?: string;
  readonly arcHealthCheckId?: string;
  /** The health check on the region's record: the HTTP check, or the CALCULATED one with ARC. */
  readonly recordHealthCheckId: string;
}

export interface ResolvedService extends SandboxService {
  readonly failoverRecords: 'records' | 'alias';
  readonly healthCheckHost: 'custom-domain' | 'execute-api';
  readonly routingControls: boolean;
  readonly backend: 'lambda' | 'alb';
  readonly deployments: readonly ResolvedDeployment[];
}

/** A topology with every optional field decided, which is what the sandbox runs. */
export interface ResolvedTopology {
  readonly source: SandboxTopology;
  readonly accountId: string;
  readonly timeScale: number;
  readonly hostedZone: { readonly id: string; readonly name: string };
  readonly regions: readonly SandboxRegion[];
  readonly services: readonly ResolvedService[];
  readonly records: readonly TopologyRecord[];
  readonly edge?: SandboxEdge & { readonly originTimeoutSeconds: number };
  readonly resolverClients: readonly ResolverClient[];
  readonly checkerRegions: readonly string[];
  readonly integrationTimeoutSeconds: number;
  readonly failureFlagCacheSeconds: number;
  readonly alarms: readonly SandboxAlarm[];
  readonly arcRegion: string;
  /** Port of the VPC link's traffic to the ALB (what the ingress rule must admit). */
  readonly backendPort: number;
  /** Address the VPC link's ENIs use (inside the CIDR the rule may admit instead of the group). */
  readonly vpcLinkAddress: string;
}

/** A topology the sandbox cannot simulate. */
export class InvalidTopologyError extends Error {
  override readonly name = 'InvalidTopologyError';
}

/** 443: the ALB listener the VPC link targets. */
const BACKEND_PORT = 443;
const VPC_LINK_ADDRESS = '10.0.1.10';

function digest(...parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}

/** `us-east-1` → `use1`. */
export function regionShortName(region: string): string {
  const [geo = '', direction = '', number = ''] = region.split('-');
  return `${geo}${direction.charAt(0)}${number}`;
}

/**
 * Fills every optional field of a topology by convention (ids are hashes of service and region,
 * so they are stable across runs) and checks what the sandbox needs to simulate it.
 *
 * @throws InvalidTopologyError naming the field, its value and what was expected.
 */
export function resolveTopology(topology: SandboxTopology): ResolvedTopology {
  const regionNames = new Set<string>();
  topology.regions.forEach((region, i) => {
    // The sandbox probes and serves these addresses; it must never reach beyond loopback.
    if (!isLoopback(region.address)) {
      throw new InvalidTopologyError(`topology.regions[${i}].address: "${region.address}" is not an IPv4 address in 127.0.0.0/8`);
    }
    if (regionNames.has(region.name)) throw new InvalidTopologyError(`topology.regions[${i}].name: "${region.name}" appears twice`);
    regionNames.add(region.name);
  });
  const known = (): string => [...regionNames].join(', ');
  const addressOf = new Map(topology.regions.map((r) => [r.name, r.address]));
  const healthCheckIds = new Set<string>();
  const controlPanel = digest(topology.accountId, 'control-panel').slice(0, 32);

  const services = topology.services.map((service, s): ResolvedService => {
    for (const [field, region] of [['primaryRegion', service.primaryRegion], ['secondaryRegion', service.secondaryRegion]] as const) {
      if (!regionNames.has(region)) throw new InvalidTopologyError(`topology.services[${s}].${field}: "${region}" is not one of ${known()}`);
    }
    const routingControls = service.routingControls ?? false;
    const backend = service.backend ?? 'lambda';
    const deployments = service.deployments.map((d, i): ResolvedDeployment => {
      const where = `topology.services[${s}].deployments[${i}]`;
      const address = addressOf.get(d.region);
      if (address === undefined) throw new InvalidTopologyError(`${where}.region: "${d.region}" is not one of ${known()}`);
      if (!Number.isInteger(d.failureThreshold) || d.failureThreshold < 1 || d.failureThreshold > 10) {
        throw new InvalidTopologyError(`${where}.failureThreshold: ${d.failureThreshold} is not an integer from 1 to 10`);
      }
      if (d.requestInterval !== 10 && d.requestInterval !== 30) {
        throw new InvalidTopologyError(`${where}.requestInterval: ${String(d.requestInterval)} is not 10 or 30`);
      }
      const type = d.healthCheckType ?? 'HTTP';
      if (type.endsWith('STR_MATCH') && (d.searchString ?? '') === '') {
        throw new InvalidTopologyError(`${where}.searchString: required for a ${type} health check`);
      }
      const h = digest(service.name, d.region);
      const apiId = d.apiId ?? h.slice(0, 10);
      const ids = [d.healthCheckId, ...(routingControls ? [`${d.healthCheckId}-arc`, `${d.healthCheckId}-record`] : [])];
      for (const id of ids) {
        if (healthCheckIds.has(id)) throw new InvalidTopologyError(`${where}.healthCheckId: "${id}" is used twice`);
        healthCheckIds.add(id);
      }
      const role = d.region === service.primaryRegion ? 'primary' : d.region === service.secondaryRegion ? 'secondary' : 'other';
      return {
        ...d,
        service: service.name,
        role,
        address,
        healthCheckType: type,
        apiId,
        apiMappingId: d.apiMappingId ?? h.slice(10, 16),
        customDomain: service.recordName.toLowerCase(),
        regionalDomainName: `d-${h.slice(16, 26)}.execute-api.${d.region}.amazonaws.com`,
        executeApiHost: `${apiId}.execute-api.${d.region}.amazonaws.com`,
        failureFlagParameter: d.failureFlagParameter ?? `/drdrill/${service.name}/failure-flag`,
        fisTemplateId: d.fisTemplateId ?? `EXT${h.slice(26, 40)}`,
        fisErrorTemplateId: `EXT${h.slice(40, 54)}`,
        ...(backend === 'alb'
          ? {
              securityGroupId: d.securityGroupId ?? `sg-0${h.slice(0, 16)}`,
              vpcLinkSecurityGroupId: d.vpcLinkSecurityGroupId ?? `sg-0${h.slice(16, 32)}`,
              ingressRuleId: d.ingressRuleId ?? `sgr-0${h.slice(32, 48)}`,
            }
          : {}),
        ...(routingControls
          ? {
              routingControlArn: `arn:aws:route53-recovery-control::${topology.accountId}:controlpanel/${controlPanel}/routingcontrol/${h.slice(48, 64)}`,
              arcHealthCheckId: `${d.healthCheckId}-arc`,
            }
          : {}),
        recordHealthCheckId: routingControls ? `${d.healthCheckId}-record` : d.healthCheckId,
      };
    });
    return {
      ...service,
      failoverRecords: service.failoverRecords ?? 'records',
      healthCheckHost: service.healthCheckHost ?? 'custom-domain',
      routingControls,
      backend,
      deployments,
    };
  });

  const checkerRegions = topology.checkerRegions ?? CHECKER_REGIONS;
  if (checkerRegions.length < 3) {
    throw new InvalidTopologyError(`topology.checkerRegions: expected at least 3 regions (Route 53's minimum), got ${checkerRegions.length}`);
  }
  const edge = topology.edge;
  if (edge !== undefined && !isLoopback(edge.address)) {
    throw new InvalidTopologyError(`topology.edge.address: "${edge.address}" is not an IPv4 address in 127.0.0.0/8`);
  }
  if (edge !== undefined && topology.regions.some((r) => r.address === edge.address)) {
    throw new InvalidTopologyError(`topology.edge.address: "${edge.address}" is already a region's address`);
  }
  (topology.resolverClients ?? []).forEach((client, i) => {
    if (!regionNames.has(client.region)) throw new InvalidTopologyError(`topology.resolverClients[${i}].region: "${client.region}" is not one of ${known()}`);
  });
  (topology.alarms ?? []).forEach((alarm, i) => {
    if (!regionNames.has(alarm.region)) throw new InvalidTopologyError(`topology.alarms[${i}].region: "${alarm.region}" is not one of ${known()}`);
  });
  const firstRegion = topology.regions[0]?.name;
  if (firstRegion === undefined) throw new InvalidTopologyError('topology.regions: expected at least one region');
  for (const [field, seconds] of [
    ['integrationTimeoutSeconds', topology.integrationTimeoutSeconds],
    ['failureFlagCacheSeconds', topology.failureFlagCacheSeconds],
  ] as const) {
    if (seconds !== undefined && !(seconds >= 0)) throw new InvalidTopologyError(`topology.${field}: ${seconds} must be 0 or more`);
  }
  return {
    source: topology,
    accountId: topology.accountId,
    timeScale: topology.timeScale,
    hostedZone: topology.hostedZone,
    regions: topology.regions,
    services,
    records: topology.records ?? [],
    ...(edge === undefined ? {} : { edge: { ...edge, originTimeoutSeconds: edge.originTimeoutSeconds ?? 30 } }),
    resolverClients: topology.resolverClients ?? [],
    checkerRegions,
    integrationTimeoutSeconds: topology.integrationTimeoutSeconds ?? 30,
    failureFlagCacheSeconds: topology.failureFlagCacheSeconds ?? 60,
    alarms: topology.alarms ?? [],
    arcRegion: topology.arcRegion ?? firstRegion,
    backendPort: BACKEND_PORT,
    vpcLinkAddress: VPC_LINK_ADDRESS,
  };
}

function isLoopback(address: string): boolean {
  return isIPv4(address) && address.startsWith('127.');
}
