import { defineDrill } from 'drdrill';

/**
 * Reference drill 1 with real-account budgets: CloudFront → Route 53 failover CNAME origin → per
 * region an HTTP API with a VPC link to a private ALB whose security group admits only the VPC
 * link's security group. The fault removes that rule in the primary (the real incident).
 *
 * What takes time on AWS: requests to the primary hang for the HTTP API integration timeout
 * (30 s) or CloudFront's origin response timeout (30 s by default), whichever is shorter; health
 * checks aimed through the API fail after RequestInterval × FailureThreshold (30 s × 3); the
 * origin record's TTL is 60 s, and CloudFront keeps an origin's DNS answer for its TTL. So the
 * origin moves after about 1.5–2.5 minutes and the edge's errors end up to 30 s after that.
 * Environment: drills/environments/ref-cloudfront-alb-allowlist.example.ts.
 */
export const drill = defineDrill({
  name: 'aws-ref-cloudfront-alb-allowlist',
  description:
    'Remove the security-group rule admitting API Gateway (the VPC link) to the primary ALB, behind CloudFront and a failover CNAME origin. Proves the origin fails over, the edge’s error budget holds, and traffic fails back once the rule is restored with its description.',
  service: 'api',
  // Plans and runs on the embedded sandbox too, with the topology it models.
  sandbox: { topology: '../topologies/cloudfront-alb-allowlist.ts' },
  // Longer than the integration timeout, so clients see API Gateway's 503 or CloudFront's 504.
  load: { rate: 10, timeout: '35s', via: 'edge', path: '/health' },
  steps: [
    { step: 'hold', name: 'baseline', duration: '1m' },
    { step: 'inject', fault: 'allow-list-loses-api-gateway', verifyWithin: '30s' },
    { step: 'until', name: 'origin-failed-over', dns: { region: 'secondary' }, within: '4m' },
    { step: 'until', name: 'edge-on-secondary', traffic: { region: 'secondary', atLeast: 95, window: '30s' }, within: '3m' },
    // Requests sent before the edge moved hang to the 30 s timeout: wait them out.
    { step: 'until', name: 'edge-drained', errorRate: { atMost: 0, window: '30s' }, within: '2m' },
    { step: 'hold', name: 'on-secondary', duration: '1m' },
    { step: 'revert', fault: 'all' },
    { step: 'until', name: 'origin-failed-back', dns: { region: 'primary' }, within: '4m' },
    { step: 'until', name: 'edge-on-primary', traffic: { region: 'primary', atLeast: 95, window: '30s' }, within: '3m' },
    { step: 'hold', name: 'settle', duration: '1m' },
  ],
  probes: { dnsInterval: '1s' },
  guardrails: {
    // Your alarm on the secondary's 5xx rate: if the region taking over fails too, stop.
    stopOnAlarms: [{ name: 'api-5xx-rate', region: 'secondary' }],
    // Budgets while the rule is out: 30 s verify + 4 + 3 + 2 minutes of untils + 1 minute hold.
    maxFaultDuration: '11m',
  },
  faults: [
    {
      injector: 'sg-ingress-revoke',
      name: 'allow-list-loses-api-gateway',
      target: { region: 'primary' },
      // The ALB listener's port; add `source: 'sg-…'` (the VPC link's security group) when the
      // group has other rules on that port.
      rules: { protocol: 'tcp', port: 443 },
    },
  ],
  assertions: [
    { assertion: 'error-budget', phase: 'baseline', maxErrorRate: 0.1, name: 'No error at the edge before the fault' },
    { assertion: 'dns-convergence', within: '3m', name: 'The origin record fails over to the secondary' },
    {
      assertion: 'error-budget',
      steps: { from: 'origin-failed-over', to: 'edge-drained' },
      maxErrorRate: 80,
      maxOutage: '4m',
      name: 'Error budget at the edge while the origin moves',
    },
    { assertion: 'rto', within: '5m', window: '30s' },
    { assertion: 'region-share', region: 'secondary', minShare: 95, steps: { from: 'on-secondary' }, of: 'successful' },
    { assertion: 'error-budget', steps: { from: 'on-secondary', to: 'settle' }, maxErrorRate: 0.1, name: 'No error at the edge once on the secondary, nor on the way back' },
    { assertion: 'failback', within: '4m', finalWindow: '30s' },
  ],
});
