import { defineDrill } from 'drdrill';

/**
 * Revoking the ALB security group's ingress rule for the VPC link leaves API Gateway with no
 * answer from the backend: each request hangs for the integration timeout (30 s on AWS, 3 s on
 * the sandbox) and then gets 503. Health checks time out the same way, so Route 53 does fail
 * over — but clients pay the timeout first. Load timeouts must exceed the integration timeout
 * to see the 503s rather than client-side timeouts.
 */
export const drill = defineDrill({
  name: 'alb-ingress-revoke',
  description:
    'Revoke the primary ALB ingress rule of service2. Proves requests turn into 503s after the integration timeout and that DNS fails over; the rule is restored with identical permissions.',
  service: 'service2',
  load: { rate: 20, timeout: '5s' },
  phases: { baseline: '2s', recovery: '8s', settle: '8s', verifyTimeout: '10s' },
  probes: { dnsInterval: '100ms' },
  faults: [{ injector: 'sg-ingress-revoke', target: { region: 'primary', service: 'service2' }, rules: { protocol: 'tcp', port: 443 } }],
  assertions: [
    // A request still in flight when the fault lands can fail; more than one in 40 is a real problem.
    { assertion: 'error-budget', phase: 'baseline', maxErrorRate: 5 },
    { assertion: 'dns-convergence', within: '8s', name: 'DNS fails over once the health checks time out' },
    { assertion: 'failback', within: '6s', finalWindow: '2s' },
  ],
});
