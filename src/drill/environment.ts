import { z } from 'zod';
import { boundedDuration } from './bounded-duration.ts';
import { serviceRequestSchema } from './service-request.ts';

const nonEmpty = z.string().min(1, 'expected a non-empty string');
const hostPort = z
  .string()
  .regex(/^(\[[0-9a-fA-F:]+\]|[^:\s]+):\d{1,5}$/, 'expected "host:port", e.g. "127.0.0.1:53"');

const perRegion = <T extends z.ZodType>(item: T) => z.strictObject({ primary: item, secondary: item });

export const serviceEnvironmentSchema = z.strictObject({
  /** What the load engine requests, e.g. `https://api.example.com/health`. */
  url: z.url({ message: 'expected an absolute URL such as "https://api.example.com/health"' }),
  /** Response header naming the region that answered (your API must set it to tell regions apart). */
  regionHeader: nonEmpty.default('x-drdrill-region'),
  hostedZoneId: nonEmpty,
  /** The failover (or latency) record the drill watches, e.g. `api.example.com`. */
  recordName: nonEmpty,
  /** Lambda function name or ARN serving this service in each region. */
  functions: perRegion(nonEmpty),
  /** Route 53 health check id guarding each region's record. */
  healthChecks: perRegion(nonEmpty),
  /**
   * Addresses each region's endpoint answers on, so DNS answers can be read as a region.
   * Optional on AWS (regional API Gateway addresses rotate); the sandbox fills them in.
   */
  addresses: perRegion(z.array(z.ipv4({ message: 'expected an IPv4 address' }))).optional(),
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
export const environmentSchema = z.strictObject({
  name: nonEmpty,
  kind: z.enum(['sandbox', 'aws']),
  accountId: z.string().regex(/^\d{12}$/, 'expected a 12-digit AWS account id'),
  /** Named profile from ~/.aws/config; absent means the standard credential chain. */
  profile: nonEmpty.optional(),
  /** Control-plane endpoint override: the sandbox's URL, or a VPC endpoint. Absent on plain AWS. */
  endpoint: z.url().optional(),
  regions: perRegion(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected an AWS region such as "us-east-1"')),
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
}).refine((environment) => environment.kind !== 'sandbox' || environment.endpoint !== undefined, {
  // Without it the SDK clients would go to real AWS endpoints with whatever credentials the shell has.
  message: 'required for kind "sandbox": the control-plane URL "drdrill sandbox up" prints, e.g. "http://127.0.0.1:4566"',
  path: ['endpoint'],
});

export type EnvironmentInput = z.input<typeof environmentSchema>;
export type Environment = z.output<typeof environmentSchema>;
export type ServiceEnvironment = z.output<typeof serviceEnvironmentSchema>;

/**
 * Identity function that gives an environment file its type.
 *
 * @example
 * export const environment = defineEnvironment({ name: 'prod', kind: 'aws', ... });
 */
export function defineEnvironment(environment: EnvironmentInput): EnvironmentInput {
  return environment;
}
