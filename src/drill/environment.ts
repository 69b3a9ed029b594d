import { z } from 'zod';
import { boundedDuration } from './bounded-duration.ts';
import { AWS_REGION_PATTERN, describeChain, resolveRegionRef, roleAt } from './region-ref.ts';
import { serviceRequestSchema } from './service-request.ts';
import { vantagePointsSchema } from './vantage-point.ts';

const nonEmpty = z.string().min(1, 'expected a non-empty string');
const hostPort = z
  .string()
  .regex(/^(\[[0-9a-fA-F:]+\]|[^:\s]+):\d{1,5}$/, 'expected "host:port", e.g. "127.0.0.1:53"');

const regionName = z.string().regex(AWS_REGION_PATTERN, 'expected an AWS region such as "us-east-1"');

/**
 * A value per region, keyed by AWS region name (`"eu-west-1": …`) or by the region's role in the
 * service's chain (`primary`, `secondary`, `tertiary`, …). Keys are checked, and roles turned into
 * names, once the environment's regions are known (see `normalizeEnvironment`).
 */
const perRegion = <T extends z.ZodType>(item: T) =>
  z.record(z.string(), item).refine((values) => Object.keys(values).length > 0, { message: 'expected a value for at least one region' });

/**
 * The regions of an environment, in order: a list (`['eu-central-1', 'eu-west-1', …]`), or the
 * two-region form `{ primary, secondary }`, which means the list of those two.
 */
const regionsSchema = z
  .union([
    z.array(regionName).min(1, 'expected at least one region'),
    z.strictObject({ primary: regionName, secondary: regionName }),
  ], { error: 'expected a list of AWS regions in order, e.g. ["us-east-1", "us-west-2"], or { primary, secondary }' })
  .transform((regions) => (Array.isArray(regions) ? regions : [regions.primary, regions.secondary]))
  .superRefine((regions, ctx) => {
    regions.forEach((region, index) => {
      if (regions.indexOf(region) !== index) ctx.addIssue({ code: 'custom', path: [index], message: `"${region}" is listed twice` });
    });
  });

/**
 * How Route 53 spreads a service's record over its regions: a failover chain (the first healthy
 * region in order answers; two regions are one failover pair, more are failover records whose
 * secondary aliases the next pair), latency (each client gets its nearest healthy region) or
 * weighted (active-active: every healthy region answers a share).
 */
export const ROUTING_SHAPES = ['failover', 'latency', 'weighted'] as const;
export type RoutingShape = (typeof ROUTING_SHAPES)[number];

export const serviceEnvironmentSchema = z.strictObject({
  /** What the load engine requests, e.g. `https://api.example.com/health`. */
  url: z.url({ message: 'expected an absolute URL such as "https://api.example.com/health"' }),
  /** Response header naming the region that answered (your API must set it to tell regions apart). */
  regionHeader: nonEmpty.default('x-drdrill-region'),
  hostedZoneId: nonEmpty,
  /** The failover (or latency) record the drill watches, e.g. `api.example.com`. */
  recordName: nonEmpty,
  /** How the record spreads traffic over the service's regions. @default 'failover' */
  routing: z.enum(ROUTING_SHAPES).default('failover'),
  /**
   * The service's regions, in chain order (failover: primary first). Default: the environment's
   * regions. Every one must be a region of the environment, each at most once.
   */
  regions: z.array(regionName).min(1, 'expected at least one region').optional(),
  /** Lambda function name or ARN serving this service in each region. */
  functions: perRegion(nonEmpty),
  /** Route 53 health check id guarding each region's record. */
  healthChecks: perRegion(nonEmpty),
  /**
   * Addresses each region's endpoint answers on: an override for reading DNS answers as regions.
   * Usually left out: answers are read by their CNAME chain, or by resolving `regionalEndpoints`.
   */
  addresses: perRegion(z.array(z.ipv4({ message: 'expected an IPv4 address' }))).optional(),
  /**
   * Host names of each region's endpoint behind an alias answer (the custom domain's
   * `d-….execute-api.<region>.amazonaws.com`, an ALB's DNS name): resolved during the drill so an
   * address in an answer can be read as a region while addresses change.
   */
  regionalEndpoints: perRegion(z.union([nonEmpty, z.array(nonEmpty).min(1)]).transform((names) => (typeof names === 'string' ? [names] : names))).optional(),
  /** A CloudFront-style entry point in front of the failover record, when there is one. */
  edgeUrl: z.url().optional(),
  /** API Gateway custom domain name serving this service in each region (api-mapping-detach). */
  customDomains: perRegion(nonEmpty).optional(),
  /** Security group guarding each region's backend (the ALB behind the VPC link; sg-ingress-revoke). */
  securityGroups: perRegion(z.string().regex(/^sg-[0-9a-z]+$/, 'expected a security group id such as "sg-0abc123"')).optional(),
  /** SSM parameter holding each region's failure-lambda flag (lambda-500 mode ssm-flag). */
  failureFlags: perRegion(nonEmpty).optional(),
  /** FIS experiment template that makes each region's function answer 500 (lambda-500 mode fis). */
  fisTemplates: perRegion(nonEmpty).optional(),
  /** Route 53 ARC routing control ARN steering each region of this service (routing-control). */
  routingControls: perRegion(nonEmpty).optional(),
  /** What the load engines send: method, headers (Host, credentials from env), body, path (see service-request.ts). */
  request: serviceRequestSchema.optional(),
});

/**
 * Where a drill runs: the sandbox or an AWS account. The drill names logical targets
 * (`service: 'api', region: 'primary'`); the environment turns them into ids.
 */
const environmentObject = z.strictObject({
  name: nonEmpty,
  kind: z.enum(['sandbox', 'aws']),
  accountId: z.string().regex(/^\d{12}$/, 'expected a 12-digit AWS account id'),
  /** Named profile from ~/.aws/config; absent means the standard credential chain. */
  profile: nonEmpty.optional(),
  /** Control-plane endpoint override: the sandbox's URL, or a VPC endpoint. Absent on plain AWS. */
  endpoint: z.url().optional(),
  /** The regions, in order (the first is the primary); `{ primary, secondary }` is the two-region form. */
  regions: regionsSchema,
  /**
   * Guardrails: the only accounts and regions drdrill may change. The caller's account (STS) must
   * equal `accountId` and be listed here; every region a drill touches must be listed.
   */
  allowedAccountIds: z.array(z.string().regex(/^\d{12}$/, 'expected a 12-digit AWS account id')).optional(),
  allowedRegions: z.array(nonEmpty).optional(),
  /**
   * Real seconds per simulated second of Route 53 timing: the sandbox runs health checks faster
   * (e.g. 0.1) so drills finish quickly. Absent means 1, as on AWS.
   */
  timeScale: z.number().positive().max(1).optional(),
  /** Resolvers the DNS prober asks, as `host:port`. */
  dnsResolvers: z.array(hostPort).min(1, 'expected at least one resolver to probe'),
  /** Places DNS is probed from (source address or EDNS Client Subnet), each a resolver set in verdicts. */
  vantagePoints: vantagePointsSchema,
  /** Resolver the built-in load engine resolves through; absent means the system resolver. */
  loadResolver: hostPort.optional(),
  /** Route 53 ARC cluster data-plane endpoints and their region, for routing-control faults. */
  arc: z
    .strictObject({
      region: nonEmpty,
      clusterEndpoints: z.array(z.url()).min(1, 'expected at least one cluster endpoint'),
    })
    .optional(),
  /** FIS experiment templates a drill may start by logical name (fis-experiment). */
  experimentTemplates: z.record(nonEmpty, z.strictObject({ region: nonEmpty, id: nonEmpty })).optional(),
  /**
   * The dead-man's switch: before each fault's mutating call, an SSM Automation execution of this
   * runbook (runbooks/drdrill-TimedRevert.yaml) that sleeps until the fault's deadline and then
   * undoes it, so a fault is reverted even when drdrill dies without a chance to roll back.
   */
  deadMansSwitch: z
    .strictObject({
      /** Default true. Off only where the runbook cannot be installed; drdrill then warns at every run. */
      enabled: z.boolean().optional(),
      /** Name of the installed runbook; default `drdrill-TimedRevert`. */
      document: nonEmpty.optional(),
      /** Role the runbook assumes to make the undo call; absent means the permissions of drdrill's caller. */
      assumeRoleArn: z
        .string()
        .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, 'expected an IAM role ARN such as "arn:aws:iam::111122223333:role/drdrill-revert"')
        .optional(),
      /**
       * How long after the fault's maximum duration the switch fires. drdrill's own rollback (with
       * its retries) gets this long first; a switch firing during a healthy rollback would race it.
       * Default 1 minute.
       */
      margin: boundedDuration({ min: 0 }).optional(),
    })
    .optional(),
  /**
   * Who signs each run's evidence (an in-toto attestation in a DSSE envelope): an AWS KMS
   * ECC_NIST_P256 signing key (key id, key ARN, alias name or alias ARN; outside an ARN it is
   * looked up in the primary region), or a local EC P-256 private key in a PEM file. Neither:
   * runs are unsigned, and say so.
   */
  evidence: z
    .strictObject({
      signingKey: nonEmpty.optional(),
      signingKeyFile: nonEmpty.optional(),
    })
    .refine((evidence) => evidence.signingKey === undefined || evidence.signingKeyFile === undefined, {
      message: 'expected signingKey (KMS) or signingKeyFile (PEM), not both',
    })
    .optional(),
  services: z.record(nonEmpty, serviceEnvironmentSchema).refine((services) => Object.keys(services).length > 0, {
    message: 'expected at least one service',
  }),
});

export const environmentSchema = environmentObject
  .refine((environment) => environment.kind !== 'sandbox' || environment.endpoint !== undefined, {
    // Without it the SDK clients would go to real AWS endpoints with whatever credentials the shell has.
    message: 'required for kind "sandbox": the control-plane URL "drdrill sandbox up" prints, e.g. "http://127.0.0.1:4566"',
    path: ['endpoint'],
  })
  .transform(normalizeEnvironment);

type ParsedEnvironment = z.output<typeof environmentObject>;
type ParsedService = z.output<typeof serviceEnvironmentSchema>;

/** A service as drdrill uses it: its region chain explicit, every per-region value keyed by region name. */
export type ServiceEnvironment = Omit<ParsedService, 'regions'> & {
  /** The service's regions in chain order (failover: primary first). */
  readonly regions: string[];
};
export type Environment = Omit<ParsedEnvironment, 'services'> & { readonly services: Record<string, ServiceEnvironment> };
export type EnvironmentInput = z.input<typeof environmentSchema>;

const PER_REGION_FIELDS = ['functions', 'healthChecks', 'addresses', 'regionalEndpoints', 'customDomains', 'securityGroups', 'failureFlags', 'fisTemplates', 'routingControls'] as const;
/** Every region of a service needs these: the load and the health polling read them. */
const REQUIRED_PER_REGION: readonly (typeof PER_REGION_FIELDS)[number][] = ['functions', 'healthChecks'];

/**
 * Gives every service its region chain and keys every per-region value by AWS region name, so
 * nothing downstream deals with roles. Every problem is reported with its field path: a region
 * the environment lacks, a region twice in one chain, a routing shape with one region, a key that
 * names no region of the service, a region without its function or health check.
 */
function normalizeEnvironment(environment: ParsedEnvironment, ctx: z.RefinementCtx): Environment {
  const services: Record<string, ServiceEnvironment> = {};
  for (const [name, service] of Object.entries(environment.services)) {
    services[name] = normalizeService(service, environment.regions, ['services', name], ctx);
  }
  return { ...environment, services };
}

function normalizeService(service: ParsedService, environmentRegions: readonly string[], path: readonly string[], ctx: z.RefinementCtx): ServiceEnvironment {
  const regions = service.regions ?? environmentRegions;
  if (service.regions !== undefined) {
    service.regions.forEach((region, index) => {
      if (!environmentRegions.includes(region)) {
        ctx.addIssue({ code: 'custom', path: [...path, 'regions', index], message: `"${region}" is not one of the environment's regions (${environmentRegions.join(', ')})` });
      } else if (service.regions?.indexOf(region) !== index) {
        ctx.addIssue({ code: 'custom', path: [...path, 'regions', index], message: `"${region}" is listed twice in one chain` });
      }
    });
  }
  if (regions.length < 2) {
    ctx.addIssue({
      code: 'custom',
      path: [...path, service.regions === undefined ? 'routing' : 'regions'],
      message: `a ${service.routing} service needs at least two regions, it has ${regions.length} (${regions.join(', ')}): there is nowhere to fail over to`,
    });
  }
  const normalized: Record<string, unknown> = { ...service, regions };
  for (const field of PER_REGION_FIELDS) {
    const values = service[field];
    if (values === undefined) continue;
    normalized[field] = keyByRegion(values as Readonly<Record<string, unknown>>, regions, [...path, field], ctx);
  }
  for (const field of REQUIRED_PER_REGION) {
    const values = normalized[field] as Record<string, unknown>;
    for (const region of regions) {
      if (!(region in values)) {
        ctx.addIssue({ code: 'custom', path: [...path, field, region], message: `missing: every region of the service needs its ${field === 'functions' ? 'function' : 'health check'} (${region} is ${roleAt(regions.indexOf(region))})` });
      }
    }
  }
  return normalized as ServiceEnvironment;
}

function keyByRegion<T>(values: Readonly<Record<string, T>>, regions: readonly string[], path: readonly string[], ctx: z.RefinementCtx): Record<string, T> {
  const byRegion: Record<string, T> = {};
  for (const [key, value] of Object.entries(values)) {
    const region = resolveRegionRef(key, regions);
    if (region === undefined) {
      ctx.addIssue({ code: 'custom', path: [...path, key], message: `"${key}" names no region of this service (it has ${describeChain(regions)})` });
      continue;
    }
    if (region in byRegion) {
      ctx.addIssue({ code: 'custom', path: [...path, key], message: `"${key}" is ${region}, which is already given` });
      continue;
    }
    byRegion[region] = value;
  }
  return byRegion;
}

/**
 * Identity function that gives an environment file its type.
 *
 * @example
 * export const environment = defineEnvironment({ name: 'prod', kind: 'aws', ... });
 */
export function defineEnvironment(environment: EnvironmentInput): EnvironmentInput {
  return environment;
}

/**
 * The environment's first region: where drdrill keeps what belongs to no one region (target locks,
 * the caller's identity, a KMS key named without an ARN).
 */
export function homeRegion(environment: Pick<Environment, 'regions'>): string {
  const first = environment.regions[0];
  if (first === undefined) throw new Error('the environment lists no region');
  return first;
}
