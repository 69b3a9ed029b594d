import { defineTopology } from 'drdrill';

const REGIONS = ['us-east-1', 'us-east-2'] as const;

/**
 * CloudFront in front of a Route 53 failover CNAME origin (`origin.edge.drdrill.test` → each
 * region's API Gateway regional domain). In each region an HTTP API reaches a private ALB through
 * a VPC link, and the ALB's security group admits only the VPC link's security group: the
 * allow-list. Health checks go through the custom domain, API and VPC link, so a closed
 * allow-list fails them. Clients reach the edge only (127.0.0.144); the edge resolves the origin
 * through the sandbox DNS and keeps each answer for its TTL, as CloudFront does.
 */
export const topology = defineTopology({
  accountId: '111122223333',
  timeScale: 0.1,
  hostedZone: { id: 'Z0DRDRILLEDGEALB', name: 'edge.drdrill.test' },
  regions: [
    { name: 'us-east-1', address: '127.0.0.141' },
    { name: 'us-east-2', address: '127.0.0.142' },
  ],
  services: [
    {
      name: 'api',
      recordName: 'origin.edge.drdrill.test',
      ttl: 1,
      regions: REGIONS,
      routing: 'failover',
      healthPath: '/health',
      // A CNAME to each region's API Gateway domain: what the edge is given as its origin.
      failoverRecords: 'cname',
      backend: 'alb',
      deployments: REGIONS.map((region) => ({ region, requestInterval: 10, failureThreshold: 3 })),
    },
  ],
  edge: {
    address: '127.0.0.144',
    hostNames: ['www.edge.drdrill.test'],
    defaultOrigin: 'origin.edge.drdrill.test',
  },
  alarms: REGIONS.map((region) => ({ name: 'drdrill-stop-condition', region, description: `Trip to stop drills (${region})` })),
});
