import { defineTopology } from 'drdrill';

const REGIONS = ['us-east-1', 'us-west-2'] as const;

/**
 * One API served from us-east-1 and us-west-2 at once: a weighted record per region with equal
 * weights, each guarded by its region's health check (RequestInterval 10, FailureThreshold 3).
 * Route 53 answers one healthy record per query in proportion to the weights, so clients split
 * evenly while both are healthy and all go to the survivor when one is not. Two resolver clients
 * (127.0.0.165, 127.0.0.166) are vantage points: flapping is counted per resolver.
 */
export const topology = defineTopology({
  accountId: '111122223333',
  timeScale: 0.1,
  hostedZone: { id: 'Z0DRDRILLACTIVE', name: 'active.drdrill.test' },
  regions: [
    { name: 'us-east-1', address: '127.0.0.161' },
    { name: 'us-west-2', address: '127.0.0.162' },
  ],
  services: [
    {
      name: 'api',
      recordName: 'api.active.drdrill.test',
      ttl: 1,
      regions: REGIONS,
      routing: 'weighted',
      healthPath: '/health',
      failoverRecords: 'alias',
      deployments: REGIONS.map((region) => ({ region, requestInterval: 10, failureThreshold: 3, weight: 1 })),
    },
  ],
  resolverClients: [
    { address: '127.0.0.165', region: 'us-east-1', vantagePoint: 'resolver-a' },
    { address: '127.0.0.166', region: 'us-west-2', vantagePoint: 'resolver-b' },
  ],
  alarms: REGIONS.map((region) => ({ name: 'drdrill-stop-condition', region, description: `Trip to stop drills (${region})` })),
});
