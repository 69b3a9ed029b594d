/**
 * The environment of reference drill 2 (drills/aws/ref-private-latency-invert.drill.ts), as a
 * template: copy it to `drills/environments/<name>.ts`, put in your ids, then
 * `drdrill plan drills/aws/ref-private-latency-invert.drill.ts --env <name>` (read-only) and
 * `drdrill run … --env <name>`.
 *
 * The architecture: a private REST API (endpoint type PRIVATE, reached through an execute-api VPC
 * endpoint) in us-east-1 and us-west-2; a private hosted zone associated with a VPC in each region
 * holding one latency alias record per region; each record's health check is CLOUDWATCH_METRIC on
 * that region's alarm, because Route 53's checkers cannot reach inside a VPC.
 *
 * Where drdrill runs: a private zone answers only inside its VPCs. Run the drill from a host in
 * one of them, or reach each VPC's Route 53 Resolver through an inbound endpoint (its ENI
 * addresses, port 53) over your VPN or peering: that is what `vantagePoints[].resolvers` names.
 */
import { defineEnvironment } from 'drdrill';

export const environment = defineEnvironment({
  name: 'private-prod',
  kind: 'aws',
  accountId: '123456789012',
  profile: 'dr-drills',
  regions: ['us-east-1', 'us-west-2'],
  allowedRegions: ['us-east-1', 'us-west-2'],
  // The resolver of the VPC the load runs in (the VPC's .2 address, or an inbound endpoint).
  dnsResolvers: ['10.0.0.2:53'],
  loadResolver: '10.0.0.2:53',
  // One vantage point per VPC: its Route 53 Resolver inbound endpoint. Route 53 answers a latency
  // record by the region of the VPC the query comes from, so each sees its own region.
  vantagePoints: [
    { name: 'vpc-us-east-1', resolvers: ['10.0.0.10:53'] },
    { name: 'vpc-us-west-2', resolvers: ['10.1.0.10:53'] },
  ],
  deadMansSwitch: { assumeRoleArn: 'arn:aws:iam::123456789012:role/drdrill-timed-revert', margin: '1m' },
  evidence: { signingKey: 'alias/drdrill-evidence' },
  services: {
    api: {
      // The record in the private zone, as the VPCs' clients call it (the private API's custom
      // domain, or the API's base path through the VPC endpoint with an x-apigw-api-id header).
      url: 'https://api.internal.example.com/health',
      regionHeader: 'x-region',
      hostedZoneId: 'Z0PRIVATE123456789ABC',
      recordName: 'api.internal.example.com',
      routing: 'latency',
      // Alias answers are addresses: each region's VPC endpoint DNS name is resolved during the
      // drill so an address reads as its region.
      regionalEndpoints: {
        'us-east-1': 'vpce-0123456789abcdef0-abcdefgh.execute-api.us-east-1.vpce.amazonaws.com',
        'us-west-2': 'vpce-0fedcba9876543210-hgfedcba.execute-api.us-west-2.vpce.amazonaws.com',
      },
      functions: {
        'us-east-1': 'arn:aws:lambda:us-east-1:123456789012:function:api-handler',
        'us-west-2': 'arn:aws:lambda:us-west-2:123456789012:function:api-handler',
      },
      // CLOUDWATCH_METRIC health checks (aws route53 create-health-check with AlarmIdentifier and
      // InsufficientDataHealthStatus LastKnownStatus), one per latency record.
      healthChecks: {
        'us-east-1': '11111111-2222-3333-4444-555555555555',
        'us-west-2': '66666666-7777-8888-9999-000000000000',
      },
    },
  },
});
