import { defineTopology } from 'drdrill';

const REGIONS = ['us-east-1', 'us-west-2'] as const;

/**
 * A private REST API in us-east-1 and us-west-2 behind latency alias records in a private hosted
 * zone associated with one VPC per region. Route 53's checkers cannot reach inside a VPC, so each
 * region's record is guarded by a CLOUDWATCH_METRIC health check following that region's alarm
 * (`api-health`). Each VPC has clients (a vantage point) whose Route 53 Resolver is in their
 * region: 127.0.0.155 asks from the us-east-1 VPC, 127.0.0.156 from the us-west-2 VPC, and
 * 127.0.0.1 (the load and the default prober) sits in the us-east-1 VPC. Any other source gets
 * REFUSED: the zone does not exist outside its VPCs.
 */
export const topology = defineTopology({
  accountId: '111122223333',
  timeScale: 0.1,
  hostedZone: {
    id: 'Z0DRDRILLPRIVATE',
    name: 'internal.drdrill.test',
    vpcs: [
      { vpcId: 'vpc-0a1b2c3d4e5f60001', region: 'us-east-1' },
      { vpcId: 'vpc-0a1b2c3d4e5f60002', region: 'us-west-2' },
    ],
  },
  regions: [
    { name: 'us-east-1', address: '127.0.0.151' },
    { name: 'us-west-2', address: '127.0.0.152' },
  ],
  services: [
    {
      name: 'api',
      recordName: 'api.internal.drdrill.test',
      ttl: 1,
      regions: REGIONS,
      routing: 'latency',
      healthPath: '/health',
      failoverRecords: 'alias',
      deployments: REGIONS.map((region) => ({
        region,
        healthCheckType: 'CLOUDWATCH_METRIC' as const,
        alarm: { name: 'api-health', region },
        insufficientDataHealthStatus: 'LastKnownStatus' as const,
      })),
    },
  ],
  resolverClients: [
    { address: '127.0.0.1', region: 'us-east-1' },
    { address: '127.0.0.155', region: 'us-east-1', vantagePoint: 'vpc-us-east-1' },
    { address: '127.0.0.156', region: 'us-west-2', vantagePoint: 'vpc-us-west-2' },
  ],
  alarms: REGIONS.flatMap((region) => [
    { name: 'api-health', region, description: `5xx and latency of the private API in ${region} (the health check follows it)` },
    { name: 'drdrill-stop-condition', region, description: `Trip to stop drills (${region})` },
  ]),
});
