/**
 * The environment ref-cascade-500 runs against, as a template: copy it to
 * `drills/environments/<name>.ts`, put in your ids (or let `drdrill discover --record
 * api.example.com --regions eu-central-1,eu-west-1` write them), then plan it, read-only:
 * `drdrill plan drills/aws/ref-cascade-500.drill.ts --env <name>`.
 */
import { defineEnvironment } from 'drdrill';

const CHAIN = ['eu-central-1', 'eu-west-1', 'eu-west-2', 'eu-south-1'];

export const environment = defineEnvironment({
  name: 'eu-cascade',
  kind: 'aws',
  accountId: '123456789012',
  // Refuse to act anywhere but the chain's regions, whatever a drill says.
  allowedRegions: CHAIN,
  // In chain order: DE → IRL → UK → IT. Route 53 builds the chain as failover pairs whose
  // SECONDARY is an alias (EvaluateTargetHealth) to the next pair.
  regions: CHAIN,
  // The zone's own name servers measure Route 53; a recursive resolver measures what clients see.
  dnsResolvers: ['205.251.192.1:53', '1.1.1.1:53'],
  loadResolver: '1.1.1.1:53',
  // Install runbooks/drdrill-TimedRevert.yaml in every region of the chain first (see the README).
  deadMansSwitch: { assumeRoleArn: 'arn:aws:iam::123456789012:role/drdrill-timed-revert', margin: '1m' },
  evidence: { signingKey: 'alias/drdrill-evidence' },
  services: {
    api: {
      url: 'https://api.example.com/health',
      // Your function names its region in a response header, so every request is attributed.
      regionHeader: 'x-region',
      hostedZoneId: 'Z0123456789ABCDEFGHIJ',
      recordName: 'api.example.com',
      routing: 'failover',
      // Alias answers are addresses: each region's custom-domain regional name is resolved during
      // the drill to tell them apart (aws apigatewayv2 get-domain-name: RegionalDomainName).
      regionalEndpoints: {
        'eu-central-1': 'd-aaaaaaaaaa.execute-api.eu-central-1.amazonaws.com',
        'eu-west-1': 'd-bbbbbbbbbb.execute-api.eu-west-1.amazonaws.com',
        'eu-west-2': 'd-cccccccccc.execute-api.eu-west-2.amazonaws.com',
        'eu-south-1': 'd-dddddddddd.execute-api.eu-south-1.amazonaws.com',
      },
      // The function behind each region's API; the drill throttles the first three.
      functions: {
        'eu-central-1': 'arn:aws:lambda:eu-central-1:123456789012:function:api-handler',
        'eu-west-1': 'arn:aws:lambda:eu-west-1:123456789012:function:api-handler',
        'eu-west-2': 'arn:aws:lambda:eu-west-2:123456789012:function:api-handler',
        'eu-south-1': 'arn:aws:lambda:eu-south-1:123456789012:function:api-handler',
      },
      // RequestInterval 10, FailureThreshold 3, three checker regions each; aimed at the custom
      // domain (not execute-api), so what clients see is what Route 53 sees.
      healthChecks: {
        'eu-central-1': '11111111-0000-0000-0000-000000000001',
        'eu-west-1': '11111111-0000-0000-0000-000000000002',
        'eu-west-2': '11111111-0000-0000-0000-000000000003',
        'eu-south-1': '11111111-0000-0000-0000-000000000004',
      },
    },
  },
});
