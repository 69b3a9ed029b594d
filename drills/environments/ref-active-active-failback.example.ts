/**
 * The environment of reference drill 5 (drills/aws/ref-active-active-failback.drill.ts), as a
 * template: copy it to `drills/environments/<name>.ts`, put in your ids, then
 * `drdrill plan drills/aws/ref-active-active-failback.drill.ts --env <name>` (read-only) and
 * `drdrill run … --env <name>`.
 *
 * The architecture: the same API (custom domain, API Gateway, Lambda) in us-east-1 and us-west-2,
 * both serving at once: one weighted record per region under one name, equal weights, each with
 * its region's health check. (Latency records are active-active too: use `routing: 'latency'` and
 * a vantage point per client region.)
 */
import { defineEnvironment } from 'drdrill';

export const environment = defineEnvironment({
  name: 'active-prod',
  kind: 'aws',
  accountId: '123456789012',
  profile: 'dr-drills',
  // The first is the one the drill throttles (`region: 'primary'`); both serve in steady state.
  regions: ['us-east-1', 'us-west-2'],
  allowedRegions: ['us-east-1', 'us-west-2'],
  // Route 53's name servers for the zone, and a public resolver. Route 53 picks one weighted
  // record per query, so every resolver should see both regions while both are healthy: flaps
  // are counted per resolver.
  dnsResolvers: ['205.251.192.1:53', '1.1.1.1:53'],
  loadResolver: '1.1.1.1:53',
  deadMansSwitch: { assumeRoleArn: 'arn:aws:iam::123456789012:role/drdrill-timed-revert', margin: '1m' },
  evidence: { signingKey: 'alias/drdrill-evidence' },
  services: {
    api: {
      url: 'https://api.example.com/health',
      regionHeader: 'x-region',
      hostedZoneId: 'Z0123456789ABCDEFGHIJ',
      recordName: 'api.example.com',
      routing: 'weighted',
      // Alias answers are addresses: each region's custom domain's regional domain name is
      // resolved during the drill so an address reads as its region.
      regionalEndpoints: {
        primary: 'd-abcdef1234.execute-api.us-east-1.amazonaws.com',
        secondary: 'd-1234abcdef.execute-api.us-west-2.amazonaws.com',
      },
      // The function the drill throttles in the primary (reserved concurrency 0), and its twin.
      functions: {
        primary: 'arn:aws:lambda:us-east-1:123456789012:function:api-handler',
        secondary: 'arn:aws:lambda:us-west-2:123456789012:function:api-handler',
      },
      // One health check per weighted record, aimed at the custom domain: RequestInterval 30 (or
      // 10), FailureThreshold 3; records with TTL 60 s.
      healthChecks: {
        primary: '11111111-2222-3333-4444-555555555555',
        secondary: '66666666-7777-8888-9999-000000000000',
      },
    },
  },
});
