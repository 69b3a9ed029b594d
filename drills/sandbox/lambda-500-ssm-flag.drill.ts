import { defineDrill } from 'drdrill';

/**
 * A failure-lambda flag in SSM makes the primary function answer 500. The function caches the
 * flag (60 s on AWS, 6 s on the sandbox), so the fault starts, and ends, one cache period after
 * the parameter changes: a real failover takes cache + detection + TTL, and so does failback.
 *
 * Sandbox timing: 6 s cache + 3 s detection + 1 s TTL ≈ 10 s to converge, the same to fail back.
 */
export const drill = defineDrill({
  name: 'lambda-500-ssm-flag',
  description:
    'Enable a failure-lambda SSM flag (HTTP 500) on the primary function. Proves that DNS fails over once the flag cache expires, and that failback also waits for the cache.',
  service: 'api',
  load: { rate: 20, timeout: '2s' },
  phases: { baseline: '2s', recovery: '12s', settle: '12s' },
  probes: { dnsInterval: '100ms' },
  faults: [{ injector: 'lambda-500', mode: 'ssm-flag', statusCode: 500, rate: 1, target: { region: 'primary' } }],
  assertions: [
    // A request still in flight when the fault lands can fail; more than one in 40 is a real problem.
    { assertion: 'error-budget', phase: 'baseline', maxErrorRate: 5 },
    { assertion: 'dns-convergence', within: '14s', name: 'DNS fails over within flag cache (6 s) + detection + TTL' },
    { assertion: 'failback', within: '14s', finalWindow: '2s', name: 'Traffic returns to the primary once the restored flag is re-read' },
  ],
});
