/**
 * The environment of reference drill 1 (drills/aws/ref-cloudfront-alb-allowlist.drill.ts), as a
 * template: copy it to `drills/environments/<name>.ts`, put in your ids, then
 * `drdrill plan drills/aws/ref-cloudfront-alb-allowlist.drill.ts --env <name>` (read-only) and
 * `drdrill run … --env <name>`.
 *
 * The architecture: a CloudFront distribution whose origin is a Route 53 failover CNAME record
 * (origin.example.com → each region's API Gateway regional domain name); in us-east-1 and
 * us-east-2 an HTTP API whose route integrates through a VPC link with a private ALB; the ALB's
 * security group admits only the VPC link's security group on the listener port.
 */
import { defineEnvironment } from 'drdrill';

export const environment = defineEnvironment({
  name: 'edge-prod',
  kind: 'aws',
  accountId: '123456789012',
  profile: 'dr-drills',
  // Primary first: the failover record's PRIMARY is us-east-1.
  regions: ['us-east-1', 'us-east-2'],
  allowedRegions: ['us-east-1', 'us-east-2'],
  // The zone's Route 53 name servers (GetHostedZone's delegation set): the prober watches what
  // Route 53 answers for the origin, which is what CloudFront's resolver gets.
  dnsResolvers: ['205.251.192.1:53'],
  // The load resolves the distribution's name (d….cloudfront.net) here, never the origin's.
  loadResolver: '1.1.1.1:53',
  deadMansSwitch: { assumeRoleArn: 'arn:aws:iam::123456789012:role/drdrill-timed-revert', margin: '1m' },
  evidence: { signingKey: 'alias/drdrill-evidence' },
  services: {
    api: {
      // The origin as clients of the record would request it (load.via 'dns'); the drill loads `edgeUrl`.
      url: 'https://origin.example.com/',
      // The distribution's domain (or your alternate domain name on it). `load.via: 'edge'` sends every request here.
      edgeUrl: 'https://d111111abcdef8.cloudfront.net/',
      // A header your ALB targets set naming their region; CloudFront must forward it to viewers
      // (a response headers policy does not strip custom headers by default).
      regionHeader: 'x-region',
      hostedZoneId: 'Z0123456789ABCDEFGHIJ',
      // The failover CNAME the distribution's origin points at.
      recordName: 'origin.example.com',
      routing: 'failover',
      // A CNAME answer names its region (d-….execute-api.<region>.amazonaws.com): nothing else is
      // needed to tell regions apart. The ALB targets' functions (ALB → Lambda), or any function the
      // environment must name; the drill does not change them.
      functions: {
        primary: 'arn:aws:lambda:us-east-1:123456789012:function:api-handler',
        secondary: 'arn:aws:lambda:us-east-2:123456789012:function:api-handler',
      },
      // Health checks aimed through the custom domain, API and VPC link (a check on the ALB itself
      // cannot reach a private ALB, and one on execute-api would not cross the VPC link): RequestInterval
      // 30 (or 10), FailureThreshold 3, the record TTL 60 s.
      healthChecks: {
        primary: '11111111-2222-3333-4444-555555555555',
        secondary: '66666666-7777-8888-9999-000000000000',
      },
      // The private ALB's security group in each region: the fault removes its rule admitting the VPC link.
      securityGroups: {
        primary: 'sg-0123456789abcdef0',
        secondary: 'sg-0fedcba9876543210',
      },
    },
  },
});
