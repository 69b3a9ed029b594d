import { defineTopology } from 'drdrill';

const REGIONS = ['us-east-1', 'us-west-2'] as const;

/** A failover pair on its own name, guarded by ARC routing controls, with 10 s × 3 health checks. */
const pair = (name: string, recordName: string, forwards?: readonly { pathPrefix: string; service: string }[]) =>
  ({
    name,
    recordName,
    ttl: 1,
    regions: REGIONS,
    routing: 'failover',
    healthPath: '/health',
    failoverRecords: 'alias',
    // The record's health check is CALCULATED: the HTTP check AND the region's routing control.
    routingControls: true,
    deployments: REGIONS.map((region) => ({ region, requestInterval: 10 as const, failureThreshold: 3 })),
    ...(forwards === undefined ? {} : { forwards }),
  }) as const;

/**
 * Per-service failover behind one public API. Clients call api.arc.drdrill.test/service1 and
 * /service2; the shared API forwards each prefix (an HTTP proxy integration) to that service's
 * own name, service1.arc.drdrill.test and service2.arc.drdrill.test, each its own failover pair
 * driven by ARC routing controls, us-east-1 first, us-west-2 second. The shared API is a pair of
 * its own, so moving one service moves neither the other nor the API in front of them.
 *
 * The ARC cluster has ARC's five endpoints, and the first (us-east-1) is down, as it may be during
 * the very regional event a routing control is for: every routing-control call must skip it.
 */
export const topology = defineTopology({
  accountId: '111122223333',
  timeScale: 0.1,
  hostedZone: { id: 'Z0DRDRILLARC', name: 'arc.drdrill.test' },
  regions: [
    { name: 'us-east-1', address: '127.0.0.41' },
    { name: 'us-west-2', address: '127.0.0.42' },
  ],
  services: [
    pair('shared-api', 'api.arc.drdrill.test', [
      { pathPrefix: '/service1', service: 'service1' },
      { pathPrefix: '/service2', service: 'service2' },
    ]),
    pair('service1', 'service1.arc.drdrill.test'),
    pair('service2', 'service2.arc.drdrill.test'),
  ],
  arcEndpoints: [
    { region: 'us-east-1', available: false },
    { region: 'us-west-2' },
    { region: 'eu-west-1' },
    { region: 'ap-southeast-2' },
    { region: 'ap-northeast-1' },
  ],
  alarms: REGIONS.map((region) => ({ name: 'drdrill-stop-condition', region, description: `Trip to stop drills (${region})` })),
});
