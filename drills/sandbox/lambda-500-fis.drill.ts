import { defineDrill } from 'drdrill';

/**
 * The primary function's FIS template (aws:lambda:invocation-http-integration-response, status
 * 500) runs; rollback stops the experiment. Proves failover on a fault injected without any
 * code or configuration change in the function, and that stopping FIS ends it.
 */
export const drill = defineDrill({
  name: 'lambda-500-fis',
  description:
    'Start the FIS template that makes the primary function answer 500, then stop it. Proves failover and failback on an FIS Lambda fault.',
  service: 'api',
  load: { rate: 20, timeout: '2s' },
  phases: { baseline: '2s', recovery: '7s', settle: '7s' },
  probes: { dnsInterval: '100ms' },
  faults: [{ injector: 'lambda-500', mode: 'fis', target: { region: 'primary' } }],
  assertions: [
    // A request still in flight when the fault lands can fail; more than one in 40 is a real problem.
    { assertion: 'error-budget', phase: 'baseline', maxErrorRate: 5 },
    { assertion: 'dns-convergence', within: '6s' },
    { assertion: 'failback', within: '6s', finalWindow: '2s' },
  ],
});
