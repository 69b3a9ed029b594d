import { defineTopology } from 'drdrill';

const CHAIN = ['eu-central-1', 'eu-west-1', 'eu-west-2', 'eu-south-1'] as const;

/**
 * One API failing over in a cascade, Frankfurt → Ireland → London → Milan, written in Route 53 as
 * failover pairs whose SECONDARY aliases the next pair (EvaluateTargetHealth). Each region's
 * health check probes every 10 s (1 s here: timeScale 0.1) and flips after 3 results, from three
 * checker regions, so each hop takes about 3 s and the whole cascade well under a minute.
 */
export const topology = defineTopology({
  accountId: '111122223333',
  timeScale: 0.1,
  hostedZone: { id: 'Z0DRDRILLCASCADE', name: 'cascade.drdrill.test' },
  regions: [
    { name: 'eu-central-1', address: '127.0.0.21' },
    { name: 'eu-west-1', address: '127.0.0.22' },
    { name: 'eu-west-2', address: '127.0.0.23' },
    { name: 'eu-south-1', address: '127.0.0.24' },
  ],
  checkerRegions: ['eu-west-1', 'us-east-1', 'ap-southeast-1'],
  services: [
    {
      name: 'api',
      recordName: 'api.cascade.drdrill.test',
      ttl: 1,
      regions: CHAIN,
      routing: 'failover',
      healthPath: '/health',
      failoverRecords: 'alias',
      deployments: CHAIN.map((region) => ({ region, requestInterval: 10, failureThreshold: 3 })),
    },
  ],
  // The probes' source addresses, one per region of the chain, so latency or weighted records
  // added later see each vantage point in its own region.
  resolverClients: CHAIN.map((region, i) => ({ address: `127.0.0.${31 + i}`, region })),
  alarms: CHAIN.map((region) => ({ name: 'drdrill-stop-condition', region, description: `Trip to stop drills (${region})` })),
});
