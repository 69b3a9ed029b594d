import { ROUTING_SHAPES } from '../../drill/environment.ts';
import { roleAt } from '../../drill/region-ref.ts';
import { createHash } from 'node:crypto';
import { isIPv4 } from 'node:net';
import { TIMED_REVERT_RUNBOOK } from '../../aws/timed-revert-runbook.ts';
import { KNOWN_REGIONS, isKnownRegion } from '../dns/region-latency.ts';
import { ARC_CLUSTER_ENDPOINT_REGIONS, type ArcClusterEndpoint } from '../control-plane/arc/arc-cluster-endpoints.ts';
import { INSUFFICIENT_DATA_HEALTH_STATUSES } from './topology.ts';
import type {
  DeploymentHealthCheckType,
  InsufficientDataHealthStatus,
  RegionRecordStyle,
  SandboxHostedZone,
  ResolverClient,
  SandboxAlarm,
  SandboxDeployment,
  SandboxEdge,
  SandboxRegion,
  SandboxService,
  SandboxTopology,
  ServiceRouting,
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
  'eu-west-2': 'ZJ5UAJN8Y3Z2Q',
  'eu-west-3': 'Z3KY65QIEKYHQQ',
  'eu-central-1': 'Z1U9ULNL0V5AJ3',
  'ca-central-1': 'Z19DQILCV0OWEC',
  'sa-east-1': 'ZCMLWB8V5SYIT',
  'ap-south-1': 'Z3VO1THU9YC4UR',
  'ap-northeast-1': 'Z1YSHQZHG15GKL',
  'ap-northeast-2': 'Z20JF4UZKIW1U8',
  'ap-northeast-3': 'Z2YQB5RD63NC85',
  'ap-southeast-1': 'ZL327KTPIQFUL',
  'ap-southeast-2': 'Z2RPCDW04V8134',
};

/**
 * Route 53's hosted zone for an API Gateway regional domain in `region` (alias targets); a
 * region missing from the table gets a sandbox placeholder.
 */
export function apiGatewayZoneId(region: string): string {
  return API_GATEWAY_ZONE_IDS[region] ?? 'Z0SANDBOXAPIGW';
}

/** The name of the SSM Automation runbook the sandbox ships: the one drdrill's switch starts. */
export const TIMED_REVERT_DOCUMENT = TIMED_REVERT_RUNBOOK;

/** A deployment with every id filled in. */
export interface ResolvedDeployment extends SandboxDeployment {
  readonly service: string;
  /** The region's place in the service's order: primary, secondary, tertiary, … */
  readonly role: string;
  /** The region's address when the sandbox started (the state holds the current one). */
  readonly address: string;
  readonly functionName: string;
  readonly healthCheckId: string;
  readonly requestInterval: 10 | 30;
  readonly failureThreshold: number;
  readonly healthCheckType: DeploymentHealthCheckType;
  readonly checkerRegions: readonly string[];
  readonly insufficientDataHealthStatus: InsufficientDataHealthStatus;
  readonly weight: number;
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
  /** The health check on the region's record: the deployment's own check, or the CALCULATED one with ARC. */
  readonly recordHealthCheckId: string;
}

export interface ResolvedService extends SandboxService {
  /** In order; `primaryRegion`/`secondaryRegion` are its first two. */
  readonly regions: readonly string[];
  readonly primaryRegion: string;
  readonly secondaryRegion: string;
  readonly routing: ServiceRouting;
  readonly failoverRecords: RegionRecordStyle;
  readonly healthCheckHost: 'custom-domain' | 'execute-api';
  readonly routingControls: boolean;
  readonly backend: 'lambda' | 'alb';
  /** One per region, in the order of `regions`. */
  readonly deployments: readonly ResolvedDeployment[];
}

/** A topology with every optional field decided, which is what the sandbox runs. */
export interface ResolvedTopology {
  readonly source: SandboxTopology;
  readonly accountId: string;
  readonly timeScale: number;
  readonly hostedZone: SandboxHostedZone;
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
  /** The ARC cluster's endpoints, in the order callers try them. */
  readonly arcEndpoints: readonly ArcClusterEndpoint[];
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


/** What resolving one service needs to know about the whole topology. */
interface TopologyScope {
  readonly topology: SandboxTopology;
  readonly addressOf: ReadonlyMap<string, string>;
  readonly checkerRegions: readonly string[];
  readonly alarms: readonly SandboxAlarm[];
  readonly healthCheckIds: Set<string>;
  readonly controlPanel: string;
}

/**
 * Fills every optional field of a topology by convention (ids are hashes of service and region,
 * so they are stable across runs) and checks what the sandbox needs to simulate it.
 *
 * @throws InvalidTopologyError naming the field, its value and what was expected.
 */
export function resolveTopology(topology: SandboxTopology): ResolvedTopology {
  const addressOf = resolveRegions(topology.regions);
  const known = [...addressOf.keys()];
  const firstRegion = known[0];
  if (firstRegion === undefined) throw new InvalidTopologyError('topology.regions: expected at least one region, got none');
  const checkerRegions = resolveCheckerRegions(topology.checkerRegions ?? CHECKER_REGIONS, 'topology.checkerRegions');
  const alarms = topology.alarms ?? [];
  alarms.forEach((alarm, i) => expectRegion(alarm.region, known, `topology.alarms[${i}].region`));
  (topology.hostedZone.vpcs ?? []).forEach((vpc, i) => expectRegion(vpc.region, known, `topology.hostedZone.vpcs[${i}].region`));
  const scope: TopologyScope = {
    topology,
    addressOf,
    checkerRegions,
    alarms,
    healthCheckIds: new Set(),
    controlPanel: digest(topology.accountId, 'control-panel').slice(0, 32),
  };
  const services = topology.services.map((service, s) => resolveService(service, `topology.services[${s}]`, scope));
  services.forEach((service, s) => checkForwards(service, services, `topology.services[${s}].forwards`));
  const edge = resolveEdge(topology);
  (topology.resolverClients ?? []).forEach((client, i) => {
    expectRegion(client.region, known, `topology.resolverClients[${i}].region`);
    if (!isLoopback(client.address)) throw new InvalidTopologyError(`topology.resolverClients[${i}].address: "${client.address}" is not an IPv4 address in 127.0.0.0/8`);
  });
  if (topology.arcRegion !== undefined) expectRegion(topology.arcRegion, known, 'topology.arcRegion');
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
    ...(edge === undefined ? {} : { edge }),
    resolverClients: topology.resolverClients ?? [],
    checkerRegions,
    integrationTimeoutSeconds: topology.integrationTimeoutSeconds ?? 30,
    failureFlagCacheSeconds: topology.failureFlagCacheSeconds ?? 60,
    alarms,
    arcRegion: topology.arcRegion ?? firstRegion,
    arcEndpoints: resolveArcEndpoints(topology.arcEndpoints),
    backendPort: BACKEND_PORT,
    vpcLinkAddress: VPC_LINK_ADDRESS,
  };
}

/** A shared API forwards to other services of the topology, each prefix once. */
function checkForwards(service: ResolvedService, services: readonly ResolvedService[], field: string): void {
  const prefixes = new Set<string>();
  (service.forwards ?? []).forEach((rule, i) => {
    const others = services.filter((candidate) => candidate.name !== service.name).map((candidate) => candidate.name);
    if (!others.includes(rule.service)) {
      throw new InvalidTopologyError(`${field}[${i}].service: "${rule.service}" is not another service of the topology (expected one of: ${others.join(', ') || 'none'})`);
    }
    if (prefixes.has(rule.pathPrefix)) throw new InvalidTopologyError(`${field}[${i}].pathPrefix: "${rule.pathPrefix}" appears twice`);
    prefixes.add(rule.pathPrefix);
  });
}

/** The cluster's endpoints: each region once (ARC has one endpoint per region). */
function resolveArcEndpoints(endpoints: SandboxTopology['arcEndpoints']): readonly ArcClusterEndpoint[] {
  if (endpoints === undefined) return ARC_CLUSTER_ENDPOINT_REGIONS.map((region) => ({ region, available: true }));
  const seen = new Set<string>();
  return endpoints.map((endpoint, i) => {
    if (seen.has(endpoint.region)) throw new InvalidTopologyError(`topology.arcEndpoints[${i}].region: "${endpoint.region}" appears twice; a cluster has one endpoint per region`);
    seen.add(endpoint.region);
    return { region: endpoint.region, available: endpoint.available ?? true };
  });
}

/** Region name → address, each region known to the latency model, on loopback, once. */
function resolveRegions(regions: readonly SandboxRegion[]): ReadonlyMap<string, string> {
  const addressOf = new Map<string, string>();
  const addresses = new Set<string>();
  regions.forEach((region, i) => {
    // The sandbox probes and serves these addresses; it must never reach beyond loopback.
    if (!isLoopback(region.address)) {
      throw new InvalidTopologyError(`topology.regions[${i}].address: "${region.address}" is not an IPv4 address in 127.0.0.0/8`);
    }
    if (!isKnownRegion(region.name)) {
      throw new InvalidTopologyError(`topology.regions[${i}].name: "${region.name}" is not an AWS region the sandbox's latency model knows (${KNOWN_REGIONS.join(', ')})`);
    }
    if (addressOf.has(region.name)) throw new InvalidTopologyError(`topology.regions[${i}].name: "${region.name}" appears twice`);
    if (addresses.has(region.address)) throw new InvalidTopologyError(`topology.regions[${i}].address: "${region.address}" is already another region's address`);
    addressOf.set(region.name, region.address);
    addresses.add(region.address);
  });
  return addressOf;
}

function resolveCheckerRegions(regions: readonly string[], where: string): readonly string[] {
  if (regions.length < 3) {
    throw new InvalidTopologyError(`${where}: expected at least 3 regions (Route 53's minimum), got ${regions.length} ([${regions.join(', ')}])`);
  }
  regions.forEach((region, i) => {
    if (!CHECKER_REGIONS.includes(region)) throw new InvalidTopologyError(`${where}[${i}]: "${region}" is not a Route 53 checker region (${CHECKER_REGIONS.join(', ')})`);
    if (regions.indexOf(region) !== i) throw new InvalidTopologyError(`${where}[${i}]: "${region}" appears twice`);
  });
  return regions;
}

/** The service's regions in order, from `regions` or the primary/secondary shorthand. */
function serviceRegions(service: SandboxService, where: string, known: readonly string[]): readonly string[] {
  const shorthand = [service.primaryRegion, service.secondaryRegion];
  let regions: readonly string[];
  if (service.regions !== undefined) {
    regions = service.regions;
    shorthand.forEach((region, i) => {
      if (region !== undefined && region !== regions[i]) {
        const field = i === 0 ? 'primaryRegion' : 'secondaryRegion';
        throw new InvalidTopologyError(`${where}.${field}: "${region}" disagrees with regions[${i}] ("${regions[i] ?? ''}"); give one or the other`);
      }
    });
  } else {
    shorthand.forEach((region, i) => {
      if (region === undefined) throw new InvalidTopologyError(`${where}.${i === 0 ? 'primaryRegion' : 'secondaryRegion'}: required unless regions is given`);
    });
    regions = shorthand.filter((r): r is string => r !== undefined);
  }
  if (regions.length < 2) throw new InvalidTopologyError(`${where}.regions: expected at least 2 regions, got ${regions.length} ([${regions.join(', ')}])`);
  regions.forEach((region, i) => {
    const field = service.regions === undefined ? (i === 0 ? 'primaryRegion' : 'secondaryRegion') : `regions[${i}]`;
    expectRegion(region, known, `${where}.${field}`);
    if (regions.indexOf(region) !== i) throw new InvalidTopologyError(`${where}.${field}: "${region}" appears twice in the service's regions`);
  });
  return regions;
}

function resolveService(service: SandboxService, where: string, scope: TopologyScope): ResolvedService {
  const regions = serviceRegions(service, where, [...scope.addressOf.keys()]);
  const routing = service.routing ?? 'failover';
  if (!ROUTINGS.includes(routing)) throw new InvalidTopologyError(`${where}.routing: "${String(routing)}" is not one of ${ROUTINGS.join(', ')}`);
  const given = service.deployments ?? [];
  given.forEach((d, i) => {
    if (!regions.includes(d.region)) throw new InvalidTopologyError(`${where}.deployments[${i}].region: "${d.region}" is not one of the service's regions (${regions.join(', ')})`);
    if (given.findIndex((other) => other.region === d.region) !== i) throw new InvalidTopologyError(`${where}.deployments[${i}].region: "${d.region}" has a deployment already`);
  });
  const deployments = regions.map((region, position) => {
    const index = given.findIndex((d) => d.region === region);
    const input = given[index] ?? { region };
    const at = index >= 0 ? `${where}.deployments[${index}]` : `${where} (deployment in ${region})`;
    return resolveDeployment(service, input, position, at, scope);
  });
  return {
    ...service,
    regions,
    primaryRegion: regions[0] ?? '',
    secondaryRegion: regions[1] ?? '',
    routing,
    failoverRecords: service.failoverRecords ?? 'records',
    healthCheckHost: service.healthCheckHost ?? 'custom-domain',
    routingControls: service.routingControls ?? false,
    backend: service.backend ?? 'lambda',
    deployments,
  };
}

const ROUTINGS: readonly string[] = ROUTING_SHAPES;
const HEALTH_CHECK_TYPES: readonly string[] = ['HTTP', 'HTTPS', 'TCP', 'HTTP_STR_MATCH', 'HTTPS_STR_MATCH', 'CLOUDWATCH_METRIC'] satisfies readonly DeploymentHealthCheckType[];

/** The fields of a deployment's own health check, each checked and defaulted as Route 53 would. */
type HealthCheckFields = Pick<ResolvedDeployment, 'requestInterval' | 'failureThreshold' | 'healthCheckType' | 'checkerRegions' | 'insufficientDataHealthStatus'>;

function resolveHealthCheck(d: SandboxDeployment, where: string, scope: TopologyScope): HealthCheckFields {
  const failureThreshold = d.failureThreshold ?? 3;
  if (!Number.isInteger(failureThreshold) || failureThreshold < 1 || failureThreshold > 10) {
    throw new InvalidTopologyError(`${where}.failureThreshold: ${failureThreshold} is not an integer from 1 to 10`);
  }
  const requestInterval = d.requestInterval ?? 30;
  if (requestInterval !== 10 && requestInterval !== 30) {
    throw new InvalidTopologyError(`${where}.requestInterval: ${String(requestInterval)} is not 10 or 30`);
  }
  const type = d.healthCheckType ?? 'HTTP';
  if (!HEALTH_CHECK_TYPES.includes(type)) throw new InvalidTopologyError(`${where}.healthCheckType: "${String(type)}" is not one of ${HEALTH_CHECK_TYPES.join(', ')}`);
  if (type.endsWith('STR_MATCH') && (d.searchString ?? '') === '') {
    throw new InvalidTopologyError(`${where}.searchString: required for a ${type} health check`);
  }
  resolveAlarm(d, type, where, scope.alarms);
  const insufficientDataHealthStatus = d.insufficientDataHealthStatus ?? 'LastKnownStatus';
  if (!INSUFFICIENT_DATA_HEALTH_STATUSES.includes(insufficientDataHealthStatus)) {
    throw new InvalidTopologyError(`${where}.insufficientDataHealthStatus: "${String(insufficientDataHealthStatus)}" is not one of ${INSUFFICIENT_DATA_HEALTH_STATUSES.join(', ')}`);
  }
  const checkerRegions = d.checkerRegions === undefined ? scope.checkerRegions : resolveCheckerRegions(d.checkerRegions, `${where}.checkerRegions`);
  return { requestInterval, failureThreshold, healthCheckType: type, checkerRegions, insufficientDataHealthStatus };
}

function resolveDeployment(service: SandboxService, d: SandboxDeployment, position: number, where: string, scope: TopologyScope): ResolvedDeployment {
  const routingControls = service.routingControls ?? false;
  const backend = service.backend ?? 'lambda';
  const healthCheck = resolveHealthCheck(d, where, scope);
  const weight = d.weight ?? 1;
  if (!Number.isInteger(weight) || weight < 0 || weight > 255) throw new InvalidTopologyError(`${where}.weight: ${weight} is not an integer from 0 to 255`);
  const healthCheckId = d.healthCheckId ?? `hc-${service.name}-${d.region}`;
  const ids = [healthCheckId, ...(routingControls ? [`${healthCheckId}-arc`, `${healthCheckId}-record`] : [])];
  for (const id of ids) {
    if (scope.healthCheckIds.has(id)) throw new InvalidTopologyError(`${where}.healthCheckId: "${id}" is used twice`);
    scope.healthCheckIds.add(id);
  }
  const h = digest(service.name, d.region);
  const apiId = d.apiId ?? h.slice(0, 10);
  return {
    ...d,
    service: service.name,
    role: roleAt(position),
    address: scope.addressOf.get(d.region) ?? '',
    functionName: d.functionName ?? `${service.name}-handler`,
    healthCheckId,
    ...healthCheck,
    weight,
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
          routingControlArn: `arn:aws:route53-recovery-control::${scope.topology.accountId}:controlpanel/${scope.controlPanel}/routingcontrol/${h.slice(48, 64)}`,
          arcHealthCheckId: `${healthCheckId}-arc`,
        }
      : {}),
    recordHealthCheckId: routingControls ? `${healthCheckId}-record` : healthCheckId,
  };
}

/** A CLOUDWATCH_METRIC check needs an alarm of the topology; other checks must not name one. */
function resolveAlarm(d: SandboxDeployment, type: DeploymentHealthCheckType, where: string, alarms: readonly SandboxAlarm[]): void {
  if (type !== 'CLOUDWATCH_METRIC') {
    if (d.alarm !== undefined) throw new InvalidTopologyError(`${where}.alarm: only for a CLOUDWATCH_METRIC health check, not ${type}`);
    return;
  }
  const alarm = d.alarm;
  if (alarm === undefined) throw new InvalidTopologyError(`${where}.alarm: required for a CLOUDWATCH_METRIC health check ({ name, region } of one of topology.alarms)`);
  if (!alarms.some((a) => a.name === alarm.name && a.region === alarm.region)) {
    const listed = alarms.map((a) => `${a.name} (${a.region})`).join(', ');
    throw new InvalidTopologyError(`${where}.alarm: "${alarm.name}" in ${alarm.region} is not one of topology.alarms (${listed === '' ? 'none' : listed})`);
  }
}

function resolveEdge(topology: SandboxTopology): ResolvedTopology['edge'] {
  const edge = topology.edge;
  if (edge === undefined) return undefined;
  if (!isLoopback(edge.address)) {
    throw new InvalidTopologyError(`topology.edge.address: "${edge.address}" is not an IPv4 address in 127.0.0.0/8`);
  }
  if (topology.regions.some((r) => r.address === edge.address)) {
    throw new InvalidTopologyError(`topology.edge.address: "${edge.address}" is already a region's address`);
  }
  return { ...edge, originTimeoutSeconds: edge.originTimeoutSeconds ?? 30 };
}

function expectRegion(region: string, known: readonly string[], where: string): void {
  if (!known.includes(region)) throw new InvalidTopologyError(`${where}: "${region}" is not one of the topology's regions (${known.join(', ')})`);
}

function isLoopback(address: string): boolean {
  return isIPv4(address) && address.startsWith('127.');
}
