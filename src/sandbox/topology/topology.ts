import type { RoutingShape } from '../../drill/environment.ts';
/**
 * What the sandbox simulates, as data. The default mirrors the reference architectures:
 * API Gateway + Lambda in us-east-1 (primary) and us-west-2 (secondary) behind Route 53
 * failover records, each side with its own health check; service1 and service2 on their own
 * subdomains, each with a failover alias pair steered by ARC routing controls; a latency and a
 * weighted record across both regions; and a CloudFront-like edge in front.
 *
 * Every field added after the first release is optional, so a topology written for the first
 * sandbox still runs; `resolveTopology` fills the rest by convention.
 */
export interface SandboxTopology {
  /** The account id the sandbox claims to be (STS, ARNs). */
  readonly accountId: string;
  /**
   * Real seconds per simulated second for every AWS-side duration (health-check intervals,
   * integration timeouts, FIS action durations, SSM sleeps, flag caches): 0.1 makes a 10 s
   * Route 53 RequestInterval take 1 s, so a failover + failback drill fits in well under a
   * minute. DNS TTLs are never scaled: resolvers count real seconds.
   */
  readonly timeScale: number;
  readonly hostedZone: SandboxHostedZone;
  readonly regions: readonly SandboxRegion[];
  readonly services: readonly SandboxService[];
  /** Record sets beyond each service's failover pair: latency, weighted, simple, alias. */
  readonly records?: readonly TopologyRecord[];
  /** A CloudFront-like entry point that resolves its origin through the sandbox DNS. */
  readonly edge?: SandboxEdge;
  /**
   * Resolver clients (vantage points), for latency records: a query from `address`, or carrying
   * an EDNS Client Subnet that contains it, is answered as if it came from `region`. Unknown
   * sources count as the first region's.
   */
  readonly resolverClients?: readonly ResolverClient[];
  /**
   * Regions Route 53 health checkers run from (at least 3 of Route 53's eight); one simulated
   * checker per region. A deployment's check may name its own. @default all eight
   */
  readonly checkerRegions?: readonly string[];
  /** API Gateway's integration timeout in simulated seconds (HTTP API: 30). @default 30 */
  readonly integrationTimeoutSeconds?: number;
  /** How long a failure-lambda style function caches its SSM flag, simulated seconds. @default 60 */
  readonly failureFlagCacheSeconds?: number;
  /** CloudWatch alarms (stop conditions), per region. */
  readonly alarms?: readonly SandboxAlarm[];
  /** Route 53 ARC cluster: the region its data-plane endpoints are in. @default first region */
  readonly arcRegion?: string;
  /**
   * The ARC cluster's data-plane endpoints, tried in this order, each reachable or not (an
   * unavailable one answers 503 EndpointTemporarilyUnavailableException, as during a regional
   * event). @default ARC's five regions (us-east-1, us-west-2, eu-west-1, ap-southeast-2,
   * ap-northeast-1), all available
   */
  readonly arcEndpoints?: readonly ArcEndpointOption[];
}

export interface ArcEndpointOption {
  readonly region: string;
  /** @default true */
  readonly available?: boolean;
}

export interface SandboxHostedZone {
  readonly id: string;
  readonly name: string;
  /**
   * Makes the zone private, associated with these VPCs: only resolver clients in a VPC's region
   * (its Route 53 Resolver) get answers for names in the zone, any other source is REFUSED, as a
   * resolver outside the VPCs never sees a private zone. Route 53 cannot probe endpoints inside a
   * VPC, so a private zone's records are guarded by CLOUDWATCH_METRIC checks on alarms.
   * @default public (every source is answered)
   */
  readonly vpcs?: readonly { readonly vpcId: string; readonly region: string }[];
}

export interface SandboxRegion {
  readonly name: string;
  /** Loopback address the region's API endpoint listens on (127.0.0.0/8). */
  readonly address: string;
}

/** The health-check types the sandbox probes itself (CALCULATED, RECOVERY_CONTROL and CLOUDWATCH_METRIC are derived). */
export type ProbedHealthCheckType = 'HTTP' | 'HTTPS' | 'TCP' | 'HTTP_STR_MATCH' | 'HTTPS_STR_MATCH';

/** The health-check types a deployment's own check may have. */
export type DeploymentHealthCheckType = ProbedHealthCheckType | 'CLOUDWATCH_METRIC';

/** Route 53's InsufficientDataHealthStatus for CLOUDWATCH_METRIC checks. */
export type InsufficientDataHealthStatus = 'Healthy' | 'Unhealthy' | 'LastKnownStatus';

export const INSUFFICIENT_DATA_HEALTH_STATUSES: readonly InsufficientDataHealthStatus[] = ['Healthy', 'Unhealthy', 'LastKnownStatus'];

/**
 * How a service's record is written across its regions, as Route 53 routing policies:
 * - `failover`: a chain, region 1 → 2 → … (two regions: one PRIMARY/SECONDARY pair; more: each
 *   SECONDARY is an alias with EvaluateTargetHealth to the next pair, `<service>-chain-2.<zone>`, …);
 * - `latency`: one latency record per region, answered for the resolver's region;
 * - `weighted`: one weighted record per region (active-active).
 */
export type ServiceRouting = RoutingShape;

/** How a region's record names the region: its address, an alias, or a CNAME. */
export type RegionRecordStyle = 'records' | 'alias' | 'cname';

export interface SandboxService {
  /** Logical name, e.g. `api`. */
  readonly name: string;
  /** Fully qualified record name without the trailing dot, e.g. `api.drdrill.test`. */
  readonly recordName: string;
  readonly ttl: number;
  /**
   * The regions serving this service, in order (at least 2, each once): the failover chain's
   * order, or the regions a latency or weighted record spans. Give this or the two-region
   * shorthand `primaryRegion`/`secondaryRegion`.
   */
  readonly regions?: readonly string[];
  /** Shorthand for `regions: [primaryRegion, secondaryRegion]`. */
  readonly primaryRegion?: string;
  readonly secondaryRegion?: string;
  /** @default 'failover' */
  readonly routing?: ServiceRouting;
  /** Path the health checks request, e.g. `/health`. */
  readonly healthPath: string;
  /**
   * Per region: the function serving this service there, and its health check. Regions without
   * an entry get one by convention (`<service>-handler`, `hc-<service>-<region>`).
   */
  readonly deployments?: readonly SandboxDeployment[];
  /**
   * How each region's record is written (in any routing shape): plain A records with the region
   * addresses (`records`), alias records to each region's API Gateway regional domain name
   * (`alias`, answers follow the region's address when it moves), or CNAME records naming that
   * domain (`cname`: the answer names the region; the sandbox DNS adds the target's address, as a
   * resolver would). @default 'records'
   */
  readonly failoverRecords?: RegionRecordStyle;
  /**
   * Which host name the HTTP health checks send: the custom domain (a removed API mapping fails
   * them) or the execute-api endpoint (it keeps answering, the blind spot). @default 'custom-domain'
   */
  readonly healthCheckHost?: 'custom-domain' | 'execute-api';
  /**
   * Guard each record with ARC: the record's health check is CALCULATED (the HTTP check AND a
   * RECOVERY_CONTROL check on the region's routing control). @default false
   */
  readonly routingControls?: boolean;
  /**
   * Backend behind API Gateway: the function directly (`lambda`), or an ALB behind a VPC link
   * whose security group must admit the VPC link (`alb`, the function is the ALB's target).
   * @default 'lambda'
   */
  readonly backend?: 'lambda' | 'alb';
  /**
   * A shared API: requests under a path prefix are forwarded (an HTTP proxy integration) to
   * another service of the topology by its record name, resolved through the sandbox DNS, so that
   * service's own failover decides where they are served; other paths are answered by this
   * service's function. First matching prefix wins; the path is forwarded unchanged.
   */
  readonly forwards?: readonly { readonly pathPrefix: string; readonly service: string }[];
}

export interface SandboxDeployment {
  readonly region: string;
  /** @default `<service>-handler` */
  readonly functionName?: string;
  /** @default `hc-<service>-<region>` */
  readonly healthCheckId?: string;
  /** Route 53 RequestInterval in (simulated) seconds: 10 or 30. @default 30, as Route 53 */
  readonly requestInterval?: 10 | 30;
  /** Route 53 FailureThreshold: 1–10 consecutive results flip the status. @default 3 */
  readonly failureThreshold?: number;
  /** Reserved concurrency at start; undefined means none is set (unreserved). */
  readonly reservedConcurrency?: number;
  /** @default 'HTTP' */
  readonly healthCheckType?: DeploymentHealthCheckType;
  /** For *_STR_MATCH checks: text that must appear in the first 5,120 bytes. */
  readonly searchString?: string;
  /** Regions this check's checkers run from (at least 3). @default the topology's `checkerRegions` */
  readonly checkerRegions?: readonly string[];
  /** For CLOUDWATCH_METRIC checks: the topology alarm whose state the check follows. */
  readonly alarm?: { readonly name: string; readonly region: string };
  /** For CLOUDWATCH_METRIC checks. @default 'LastKnownStatus' */
  readonly insufficientDataHealthStatus?: InsufficientDataHealthStatus;
  /** For `routing: 'weighted'`: this region's weight (0–255). @default 1 */
  readonly weight?: number;
  /** API Gateway API id (10 lower-case characters). @default derived */
  readonly apiId?: string;
  /** Id of the API mapping from the custom domain to the API. @default derived */
  readonly apiMappingId?: string;
  /** SSM parameter holding the failure-lambda flag. @default `/drdrill/<service>/failure-flag` */
  readonly failureFlagParameter?: string;
  /** FIS template making this function answer 500. @default derived */
  readonly fisTemplateId?: string;
  /** For `backend: 'alb'`: the ALB's security group and the VPC link's. @default derived */
  readonly securityGroupId?: string;
  readonly vpcLinkSecurityGroupId?: string;
  /** For `backend: 'alb'`: id of the ingress rule admitting the VPC link. @default derived */
  readonly ingressRuleId?: string;
}

/** One extra record set in the zone (Route 53 terms; names without trailing dot). */
export interface TopologyRecord {
  readonly name: string;
  readonly type: 'A' | 'AAAA' | 'CNAME' | 'TXT' | 'MX';
  /** Required unless `aliasTarget` is set (alias records take the target's TTL). */
  readonly ttl?: number;
  readonly values?: readonly string[];
  readonly setIdentifier?: string;
  readonly failover?: 'PRIMARY' | 'SECONDARY';
  /** Latency routing: the AWS region this record set serves. */
  readonly region?: string;
  readonly weight?: number;
  readonly healthCheckId?: string;
  readonly aliasTarget?: { readonly hostedZoneId: string; readonly dnsName: string; readonly evaluateTargetHealth: boolean };
}

export interface SandboxEdge {
  /** Loopback address the edge listens on (same port as the regions). */
  readonly address: string;
  /** Host names that reach the edge (records pointing at its address are added to the zone). */
  readonly hostNames: readonly string[];
  /** Origin host name resolved through the sandbox DNS for requests no path rule matches. */
  readonly defaultOrigin: string;
  /** First matching prefix wins; the path is forwarded unchanged, as CloudFront does. */
  readonly pathOrigins?: readonly { readonly pathPrefix: string; readonly origin: string }[];
  /** CloudFront's origin response timeout, simulated seconds. @default 30 */
  readonly originTimeoutSeconds?: number;
}

export interface ResolverClient {
  readonly address: string;
  readonly region: string;
  /**
   * Makes this client a vantage point of drills on this sandbox: the DNS prober also asks from
   * `address`, and verdicts can name it as a resolver set (`resolvers: 'clients-eu-west-1'`).
   */
  readonly vantagePoint?: string;
}

export interface SandboxAlarm {
  readonly name: string;
  readonly region: string;
  readonly description?: string;
}

const US_EAST_1 = 'us-east-1';
const US_WEST_2 = 'us-west-2';

/** The default, spelled out in full (every deployment listed), so code reading it needs no defaults. */
export const DEFAULT_TOPOLOGY = {
  accountId: '111122223333',
  timeScale: 0.1,
  hostedZone: { id: 'Z0DRDRILLSANDBOX', name: 'drdrill.test' },
  regions: [
    { name: US_EAST_1, address: '127.0.0.2' },
    { name: US_WEST_2, address: '127.0.0.3' },
  ],
  services: [
    {
      name: 'api',
      recordName: 'api.drdrill.test',
      ttl: 1,
      primaryRegion: US_EAST_1,
      secondaryRegion: US_WEST_2,
      healthPath: '/health',
      deployments: [
        { region: US_EAST_1, functionName: 'api-handler', healthCheckId: 'hc-api-us-east-1', requestInterval: 10, failureThreshold: 3 },
        { region: US_WEST_2, functionName: 'api-handler', healthCheckId: 'hc-api-us-west-2', requestInterval: 10, failureThreshold: 3 },
      ],
    },
    {
      name: 'service1',
      recordName: 'service1.drdrill.test',
      ttl: 1,
      primaryRegion: US_EAST_1,
      secondaryRegion: US_WEST_2,
      healthPath: '/health',
      failoverRecords: 'alias',
      routingControls: true,
      deployments: [
        { region: US_EAST_1, functionName: 'service1-handler', healthCheckId: 'hc-service1-us-east-1', requestInterval: 10, failureThreshold: 3 },
        { region: US_WEST_2, functionName: 'service1-handler', healthCheckId: 'hc-service1-us-west-2', requestInterval: 10, failureThreshold: 3 },
      ],
    },
    {
      name: 'service2',
      recordName: 'service2.drdrill.test',
      ttl: 1,
      primaryRegion: US_EAST_1,
      secondaryRegion: US_WEST_2,
      healthPath: '/health',
      failoverRecords: 'alias',
      routingControls: true,
      healthCheckHost: 'execute-api',
      backend: 'alb',
      deployments: [
        {
          region: US_EAST_1,
          functionName: 'service2-handler',
          healthCheckId: 'hc-service2-us-east-1',
          requestInterval: 10,
          failureThreshold: 3,
          healthCheckType: 'HTTP_STR_MATCH',
          searchString: '"service":"service2"',
        },
        {
          region: US_WEST_2,
          functionName: 'service2-handler',
          healthCheckId: 'hc-service2-us-west-2',
          requestInterval: 10,
          failureThreshold: 3,
          healthCheckType: 'HTTP_STR_MATCH',
          searchString: '"service":"service2"',
        },
      ],
    },
  ],
  records: [
    // Latency: each resolver client gets the nearest healthy region.
    { name: 'api-latency.drdrill.test', type: 'A', ttl: 1, setIdentifier: 'api-latency-us-east-1', region: US_EAST_1, values: ['127.0.0.2'], healthCheckId: 'hc-api-us-east-1' },
    { name: 'api-latency.drdrill.test', type: 'A', ttl: 1, setIdentifier: 'api-latency-us-west-2', region: US_WEST_2, values: ['127.0.0.3'], healthCheckId: 'hc-api-us-west-2' },
    // Weighted 3:1 between the regions, healthy records only.
    { name: 'api-weighted.drdrill.test', type: 'A', ttl: 1, setIdentifier: 'api-weighted-us-east-1', weight: 3, values: ['127.0.0.2'], healthCheckId: 'hc-api-us-east-1' },
    { name: 'api-weighted.drdrill.test', type: 'A', ttl: 1, setIdentifier: 'api-weighted-us-west-2', weight: 1, values: ['127.0.0.3'], healthCheckId: 'hc-api-us-west-2' },
    // Simple and alias records for the edge.
    { name: 'edge.drdrill.test', type: 'A', ttl: 60, values: ['127.0.0.4'] },
    { name: 'www.drdrill.test', type: 'A', aliasTarget: { hostedZoneId: 'Z0DRDRILLSANDBOX', dnsName: 'edge.drdrill.test', evaluateTargetHealth: false } },
    { name: 'drdrill.test', type: 'TXT', ttl: 300, values: ['"drdrill embedded sandbox"'] },
  ],
  edge: {
    address: '127.0.0.4',
    hostNames: ['edge.drdrill.test', 'www.drdrill.test'],
    defaultOrigin: 'api.drdrill.test',
    pathOrigins: [
      { pathPrefix: '/service1', origin: 'service1.drdrill.test' },
      { pathPrefix: '/service2', origin: 'service2.drdrill.test' },
    ],
  },
  resolverClients: [
    { address: '127.0.0.1', region: US_EAST_1 },
    { address: '127.0.0.11', region: US_EAST_1 },
    { address: '127.0.0.12', region: US_WEST_2 },
  ],
  alarms: [
    { name: 'drdrill-stop-condition', region: US_EAST_1, description: 'Trip to stop FIS experiments and drills (us-east-1)' },
    { name: 'drdrill-stop-condition', region: US_WEST_2, description: 'Trip to stop FIS experiments and drills (us-west-2)' },
  ],
} as const satisfies SandboxTopology;
