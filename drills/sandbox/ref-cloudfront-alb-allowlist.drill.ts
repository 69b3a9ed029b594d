import { defineDrill } from 'drdrill';

/**
 * Reference architecture 1: CloudFront → Route 53 failover CNAME origin → per region an HTTP API
 * with a VPC link to a private ALB whose security group admits only the VPC link (API Gateway).
 * The fault is the real incident: the allow-list loses the rule that admits API Gateway in the
 * primary. Requests there hang until the integration timeout (30 s on AWS, 3 s here) and the
 * health checks behind the same path time out, so Route 53 moves the origin to us-east-2.
 *
 * Load goes through the edge (`via: 'edge'`): clients never resolve the origin, the edge does,
 * with its own DNS cache, so the error budget is the one clients of the distribution pay. After
 * the rule is back (same permission, same description) the origin and the traffic come home.
 */
export const drill = defineDrill({
  name: 'ref-cloudfront-alb-allowlist',
  description:
    'Remove the security-group rule admitting API Gateway to the primary ALB, behind CloudFront and a failover CNAME origin. Proves the origin fails over, the edge’s error budget holds, and traffic fails back once the rule is restored with its description.',
  service: 'api',
  sandbox: { topology: '../topologies/cloudfront-alb-allowlist.ts' },
  // Longer than the integration timeout (3 s here), so clients see the 503s, not their own timeouts.
  load: { rate: 20, timeout: '5s', via: 'edge' },
  steps: [
    { step: 'hold', name: 'baseline', duration: '3s' },
    { step: 'inject', fault: 'allow-list-loses-api-gateway', verifyWithin: '5s' },
    { step: 'until', name: 'origin-failed-over', dns: { region: 'secondary' }, within: '10s' },
    // What the edge forwards follows once its cached origin answer (TTL 1 s) expires and hung requests end.
    { step: 'until', name: 'edge-on-secondary', traffic: { region: 'secondary', atLeast: 95, window: '1s' }, within: '8s' },
    // Requests that reached the edge before it moved still hang to the origin timeout: wait them out.
    { step: 'until', name: 'edge-drained', errorRate: { atMost: 0, window: '1s' }, within: '8s' },
    { step: 'hold', name: 'on-secondary', duration: '2s' },
    { step: 'revert', fault: 'all' },
    { step: 'until', name: 'origin-failed-back', dns: { region: 'primary' }, within: '8s' },
    { step: 'until', name: 'edge-on-primary', traffic: { region: 'primary', atLeast: 95, window: '1s' }, within: '6s' },
    { step: 'hold', name: 'settle', duration: '2500ms' },
  ],
  probes: { dnsInterval: '100ms' },
  faults: [
    {
      injector: 'sg-ingress-revoke',
      name: 'allow-list-loses-api-gateway',
      target: { region: 'primary' },
      // The rule admitting the VPC link's security group on the ALB listener's port.
      rules: { protocol: 'tcp', port: 443 },
    },
  ],
  assertions: [
    { assertion: 'error-budget', phase: 'baseline', maxErrorRate: 0, name: 'No error at the edge before the fault' },
    { assertion: 'dns-convergence', within: '10s', name: 'The origin record fails over to us-east-2' },
    // From the fault until the last hung request ended: the health checks' detection time plus the origin timeout.
    {
      assertion: 'error-budget',
      steps: { from: 'origin-failed-over', to: 'edge-drained' },
      maxErrorRate: 80,
      maxOutage: '10s',
      name: 'Error budget at the edge while the origin moves',
    },
    { assertion: 'rto', within: '12s', window: '1s' },
    { assertion: 'region-share', region: 'secondary', minShare: 95, steps: { from: 'on-secondary' }, of: 'successful' },
    { assertion: 'error-budget', steps: { from: 'on-secondary', to: 'settle' }, maxErrorRate: 0, name: 'No error at the edge once on us-east-2, nor on the way back' },
    { assertion: 'failback', within: '8s', finalWindow: '2s' },
  ],
});
