import { z } from 'zod';
import type { SandboxTopology } from './topology.ts';

const text = z.string().min(1, 'expected a non-empty string');
const loopback = z.ipv4({ message: 'expected an IPv4 address in 127.0.0.0/8' }).refine((a) => a.startsWith('127.'), 'expected an IPv4 address in 127.0.0.0/8');
const count = (min: number, max: number) => z.number().int(`expected an integer from ${min} to ${max}`).min(min, `expected an integer from ${min} to ${max}`).max(max, `expected an integer from ${min} to ${max}`);
const seconds = z.number().min(0, 'expected 0 or more seconds');
const regionRef = z.strictObject({ name: text, region: text });

const deploymentSchema = z.strictObject({
  region: text,
  functionName: text.optional(),
  healthCheckId: text.optional(),
  requestInterval: z.union([z.literal(10), z.literal(30)], { message: 'expected 10 or 30 (seconds)' }).optional(),
  failureThreshold: count(1, 10).optional(),
  reservedConcurrency: count(0, 100_000).optional(),
  healthCheckType: z.enum(['HTTP', 'HTTPS', 'TCP', 'HTTP_STR_MATCH', 'HTTPS_STR_MATCH', 'CLOUDWATCH_METRIC']).optional(),
  searchString: z.string().max(255, 'expected at most 255 characters').optional(),
  checkerRegions: z.array(text).optional(),
  alarm: regionRef.optional(),
  insufficientDataHealthStatus: z.enum(['Healthy', 'Unhealthy', 'LastKnownStatus']).optional(),
  weight: count(0, 255).optional(),
  apiId: z.string().regex(/^[a-z0-9]{10}$/, 'expected 10 lower-case letters or digits').optional(),
  apiMappingId: text.optional(),
  failureFlagParameter: z.string().regex(/^\//, 'expected an SSM parameter name starting with "/"').optional(),
  fisTemplateId: text.optional(),
  securityGroupId: z.string().regex(/^sg-[0-9a-z]+$/, 'expected a security group id such as "sg-0abc123"').optional(),
  vpcLinkSecurityGroupId: z.string().regex(/^sg-[0-9a-z]+$/, 'expected a security group id such as "sg-0abc123"').optional(),
  ingressRuleId: z.string().regex(/^sgr-[0-9a-z]+$/, 'expected a rule id such as "sgr-0abc123"').optional(),
});

const serviceSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected lower-case letters, digits and dashes, e.g. "api"'),
  recordName: text,
  ttl: count(0, 2_147_483_647),
  regions: z.array(text).optional(),
  primaryRegion: text.optional(),
  secondaryRegion: text.optional(),
  routing: z.enum(['failover', 'latency', 'weighted']).optional(),
  healthPath: z.string().regex(/^\//, 'expected a path starting with "/"'),
  deployments: z.array(deploymentSchema).optional(),
  failoverRecords: z.enum(['records', 'alias', 'cname']).optional(),
  healthCheckHost: z.enum(['custom-domain', 'execute-api']).optional(),
  routingControls: z.boolean().optional(),
  backend: z.enum(['lambda', 'alb']).optional(),
  forwards: z.array(z.strictObject({ pathPrefix: z.string().regex(/^\/[^?#]*[^/?#]$/, 'expected a path prefix starting with "/", without a trailing "/", e.g. "/service1"'), service: text })).optional(),
});

const recordSchema = z.strictObject({
  name: text,
  type: z.enum(['A', 'AAAA', 'CNAME', 'TXT', 'MX']),
  ttl: count(0, 2_147_483_647).optional(),
  values: z.array(z.string()).optional(),
  setIdentifier: text.optional(),
  failover: z.enum(['PRIMARY', 'SECONDARY']).optional(),
  region: text.optional(),
  weight: count(0, 255).optional(),
  healthCheckId: text.optional(),
  aliasTarget: z.strictObject({ hostedZoneId: text, dnsName: text, evaluateTargetHealth: z.boolean() }).optional(),
});

/**
 * The shape of a topology a user writes (types, ranges, unknown fields); `resolveTopology`
 * checks what needs the whole picture (regions named, ids unique, alarms bound).
 */
export const topologySchema: z.ZodType<SandboxTopology> = z.strictObject({
  accountId: z.string().regex(/^\d{12}$/, 'expected a 12-digit AWS account id'),
  timeScale: z.number().gt(0, 'expected a number greater than 0 (real seconds per simulated second)'),
  hostedZone: z.strictObject({
    id: text,
    name: text,
    vpcs: z
      .array(z.strictObject({ vpcId: z.string().regex(/^vpc-[0-9a-f]+$/, 'expected a VPC id such as "vpc-0abc123"'), region: text }))
      .min(1, 'expected at least one VPC (a private zone is associated with one or more)')
      .optional(),
  }),
  regions: z.array(z.strictObject({ name: text, address: loopback })).min(1, 'expected at least one region'),
  services: z.array(serviceSchema).min(1, 'expected at least one service'),
  records: z.array(recordSchema).optional(),
  edge: z
    .strictObject({
      address: loopback,
      hostNames: z.array(text),
      defaultOrigin: text,
      pathOrigins: z.array(z.strictObject({ pathPrefix: z.string().regex(/^\//, 'expected a path starting with "/"'), origin: text })).optional(),
      originTimeoutSeconds: seconds.optional(),
    })
    .optional(),
  resolverClients: z.array(z.strictObject({ address: loopback, region: text, vantagePoint: z.string().regex(/^[A-Za-z0-9][\w.:-]*$/, 'expected a name of letters, digits, ".", "_", ":" or "-", such as "clients-eu-west-1"').optional() })).optional(),
  checkerRegions: z.array(text).optional(),
  integrationTimeoutSeconds: seconds.optional(),
  failureFlagCacheSeconds: seconds.optional(),
  alarms: z.array(z.strictObject({ name: text, region: text, description: z.string().optional() })).optional(),
  arcRegion: text.optional(),
  arcEndpoints: z.array(z.strictObject({ region: text, available: z.boolean().optional() })).min(1, 'expected at least one cluster endpoint').optional(),
});
