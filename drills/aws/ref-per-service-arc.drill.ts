import { defineDrill } from 'drdrill';

/**
 * ref-per-service-arc with budgets for a real account (the environment to copy is
 * drills/environments/ref-per-service-arc.example.ts). A shared public API forwards /service1 and
 * /service2 to per-service subdomains, each a Route 53 failover pair (us-east-1, then us-west-2)
 * guarded by Route 53 ARC routing controls. An operator approves, service1's us-east-1 control is
 * turned Off through the cluster's endpoints (tried in turn: ARC asks callers to retry on another
 * endpoint when one fails), and service1 must be served from us-west-2 while service2 and the
 * shared API stay on us-east-1; a second approval turns it back On.
 *
 * Timings: a routing control flips its RECOVERY_CONTROL health check within seconds, so what
 * clients wait for is mostly the alias answer's TTL (60 s). Approvals wait up to 30 minutes with
 * the control Off; the dead-man's switch covers that. In CI run with `--approve all`.
 *
 * `sandbox.topology` names the sandbox topology this template matches, so the sandbox can plan
 * it (test/e2e/aws-templates-plan.test.ts); against your account it is ignored.
 */
export const drill = defineDrill({
  name: 'aws-ref-per-service-arc',
  description:
    'Behind a shared API, turn service1’s us-east-1 ARC routing control Off (after approval) and back On; service1 must move to us-west-2 and back while service2 and the shared API stay on us-east-1.',
  service: 'service1',
  sandbox: { topology: '../topologies/per-service-arc.ts' },
  load: { rate: 10, timeout: '5s', services: ['service1', 'service2', 'shared-api'] },
  steps: [
    { step: 'hold', name: 'baseline', duration: '1m' },
    { step: 'approve', name: 'fail-over-service1', question: 'Fail over service1 to us-west-2 (routing control Off)?', timeout: '30m' },
    { step: 'inject', fault: 'service1-off', verifyWithin: '1m' },
    { step: 'until', name: 'service1-on-us-west-2', traffic: { region: 'secondary', service: 'service1', atLeast: 99, window: '30s' }, within: '3m' },
    { step: 'hold', name: 'service1-moved', duration: '1m' },
    { step: 'approve', name: 'fail-back', question: 'Fail service1 back to us-east-1 (routing control On)?', timeout: '30m' },
    { step: 'revert', fault: 'service1-off' },
    { step: 'until', name: 'service1-back', traffic: { region: 'primary', service: 'service1', atLeast: 99, window: '30s' }, within: '3m' },
    { step: 'hold', name: 'settle', duration: '1m' },
  ],
  probes: { dnsInterval: '1s' },
  guardrails: {
    // Your alarm on service1's 5xx rate in us-west-2: if the region taking over fails, stop.
    stopOnAlarms: [{ name: 'service1-5xx-rate', region: 'secondary' }],
  },
  faults: [{ injector: 'routing-control', name: 'service1-off', target: { region: 'primary', service: 'service1' }, state: 'Off' }],
  assertions: [
    { assertion: 'dns-convergence', service: 'service1', to: 'secondary', within: '2m' },
    { assertion: 'region-share', service: 'service1', region: 'secondary', minShare: 99, steps: { from: 'service1-moved' }, name: 'service1 served from us-west-2 through the shared API' },
    { assertion: 'region-share', service: 'service2', region: 'primary', minShare: 100, steps: { from: 'baseline', to: 'settle' }, name: 'service2 never leaves us-east-1' },
    { assertion: 'region-share', service: 'shared-api', region: 'primary', minShare: 100, steps: { from: 'baseline', to: 'settle' }, name: 'the shared API never leaves us-east-1' },
    // Both regions stay healthy: an operator moving traffic should cost no request.
    { assertion: 'error-budget', service: 'service1', phase: 'all', maxErrorRate: 0.1 },
    { assertion: 'error-budget', service: 'service2', phase: 'all', maxErrorRate: 0.1 },
    { assertion: 'error-budget', service: 'shared-api', phase: 'all', maxErrorRate: 0.1 },
    { assertion: 'failback', service: 'service1', within: '3m', finalWindow: '30s' },
  ],
});
