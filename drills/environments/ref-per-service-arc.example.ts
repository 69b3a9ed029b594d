/**
 * The environment ref-per-service-arc runs against, as a template: copy it to
 * `drills/environments/<name>.ts`, put in your ids, then plan it, read-only:
 * `drdrill plan drills/aws/ref-per-service-arc.drill.ts --env <name>`.
 */
import { defineEnvironment } from 'drdrill';

export const environment = defineEnvironment({
  name: 'per-service',
  kind: 'aws',
  accountId: '123456789012',
  allowedRegions: ['us-east-1', 'us-west-2'],
  regions: ['us-east-1', 'us-west-2'],
  dnsResolvers: ['205.251.192.1:53', '1.1.1.1:53'],
  loadResolver: '1.1.1.1:53',
  // The ARC cluster's five regional endpoints (aws route53-recovery-control-config describe-cluster
  // --cluster-arn …: ClusterEndpoints), in the order to try them. Calls go to one; when it fails,
  // drdrill tries the next, as ARC requires. `region` is the one the endpoints are signed for.
  arc: {
    region: 'us-west-2',
    clusterEndpoints: [
      'https://host-aaaaaa.us-east-1.example.com/v1',
      'https://host-bbbbbb.us-west-2.example.com/v1',
      'https://host-cccccc.eu-west-1.example.com/v1',
      'https://host-dddddd.ap-southeast-2.example.com/v1',
      'https://host-eeeeee.ap-northeast-1.example.com/v1',
    ],
  },
  deadMansSwitch: { assumeRoleArn: 'arn:aws:iam::123456789012:role/drdrill-timed-revert', margin: '1m' },
  evidence: { signingKey: 'alias/drdrill-evidence' },
  services: {
    // The public API clients call; it forwards /service1 and /service2 to the services' own names.
    'shared-api': {
      url: 'https://api.example.com/health',
      regionHeader: 'x-region',
      hostedZoneId: 'Z0123456789ABCDEFGHIJ',
      recordName: 'api.example.com',
      routing: 'failover',
      regionalEndpoints: {
        'us-east-1': 'd-api0000e1.execute-api.us-east-1.amazonaws.com',
        'us-west-2': 'd-api0000w2.execute-api.us-west-2.amazonaws.com',
      },
      functions: {
        'us-east-1': 'arn:aws:lambda:us-east-1:123456789012:function:api-handler',
        'us-west-2': 'arn:aws:lambda:us-west-2:123456789012:function:api-handler',
      },
      healthChecks: { 'us-east-1': '22222222-0000-0000-0000-000000000001', 'us-west-2': '22222222-0000-0000-0000-000000000002' },
    },
    // Loaded through the shared API, as clients reach it; DNS is probed on its own subdomain.
    service1: {
      url: 'https://api.example.com/service1/health',
      regionHeader: 'x-region',
      hostedZoneId: 'Z0123456789ABCDEFGHIJ',
      recordName: 'service1.example.com',
      routing: 'failover',
      regionalEndpoints: {
        'us-east-1': 'd-svc1000e1.execute-api.us-east-1.amazonaws.com',
        'us-west-2': 'd-svc1000w2.execute-api.us-west-2.amazonaws.com',
      },
      functions: {
        'us-east-1': 'arn:aws:lambda:us-east-1:123456789012:function:service1-handler',
        'us-west-2': 'arn:aws:lambda:us-west-2:123456789012:function:service1-handler',
      },
      healthChecks: { 'us-east-1': '22222222-0000-0000-0000-000000000011', 'us-west-2': '22222222-0000-0000-0000-000000000012' },
      // The routing control each region's record's health check (RECOVERY_CONTROL) follows.
      routingControls: {
        'us-east-1': 'arn:aws:route53-recovery-control::123456789012:controlpanel/0123456789abcdef0123456789abcdef/routingcontrol/service1-us-east-1',
        'us-west-2': 'arn:aws:route53-recovery-control::123456789012:controlpanel/0123456789abcdef0123456789abcdef/routingcontrol/service1-us-west-2',
      },
    },
    service2: {
      url: 'https://api.example.com/service2/health',
      regionHeader: 'x-region',
      hostedZoneId: 'Z0123456789ABCDEFGHIJ',
      recordName: 'service2.example.com',
      routing: 'failover',
      regionalEndpoints: {
        'us-east-1': 'd-svc2000e1.execute-api.us-east-1.amazonaws.com',
        'us-west-2': 'd-svc2000w2.execute-api.us-west-2.amazonaws.com',
      },
      functions: {
        'us-east-1': 'arn:aws:lambda:us-east-1:123456789012:function:service2-handler',
        'us-west-2': 'arn:aws:lambda:us-west-2:123456789012:function:service2-handler',
      },
      healthChecks: { 'us-east-1': '22222222-0000-0000-0000-000000000021', 'us-west-2': '22222222-0000-0000-0000-000000000022' },
      routingControls: {
        'us-east-1': 'arn:aws:route53-recovery-control::123456789012:controlpanel/0123456789abcdef0123456789abcdef/routingcontrol/service2-us-east-1',
        'us-west-2': 'arn:aws:route53-recovery-control::123456789012:controlpanel/0123456789abcdef0123456789abcdef/routingcontrol/service2-us-west-2',
      },
    },
  },
});
