import { defineTopology } from 'drdrill';

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-1'] as const;

/**
 * One API behind latency records in Virginia, Ireland and Singapore, and three resolver clients
 * (vantage points), one near each: a query from 127.0.0.51 is answered as a client in us-east-1
 * sees it, 127.0.0.52 as in eu-west-1, 127.0.0.53 as in ap-southeast-1 (by source address, or by
 * an EDNS Client Subnet holding one of them). When one region's health check fails, only the
 * clients it served move to their next nearest region.
 */
export const topology = defineTopology({
  accountId: '111122223333',
  timeScale: 0.1,
  hostedZone: { id: 'Z0DRDRILLLATENCY', name: 'latency.drdrill.test' },
  regions: [
    { name: 'us-east-1', address: '127.0.0.41' },
    { name: 'eu-west-1', address: '127.0.0.42' },
    { name: 'ap-southeast-1', address: '127.0.0.43' },
  ],
  services: [
    {
      name: 'api',
      recordName: 'api.latency.drdrill.test',
      ttl: 1,
      regions: REGIONS,
      routing: 'latency',
      healthPath: '/health',
      failoverRecords: 'alias',
      deployments: REGIONS.map((region) => ({ region, requestInterval: 10, failureThreshold: 3 })),
    },
  ],
  resolverClients: [
    { address: '127.0.0.51', region: 'us-east-1', vantagePoint: 'clients-us-east-1' },
    { address: '127.0.0.52', region: 'eu-west-1', vantagePoint: 'clients-eu-west-1' },
    { address: '127.0.0.53', region: 'ap-southeast-1', vantagePoint: 'clients-ap-southeast-1' },
  ],
  alarms: REGIONS.map((region) => ({ name: 'drdrill-stop-condition', region, description: `Trip to stop drills (${region})` })),
});
