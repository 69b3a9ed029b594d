import { defineDrill } from 'drdrill';

/**
 * The demo drill with budgets for a real account. Route 53 needs RequestInterval × FailureThreshold
 * to notice (10 s × 3 with fast checks, 30 s × 3 by default), then resolvers wait out the TTL
 * (60 s for alias records to ELB): about 90 s to two minutes. The drill waits until DNS has moved
 * (at most 3 minutes) rather than for a fixed 4, holds a minute to see clients there, and after
 * the rollback waits until DNS is back. Run with `--env <your environment>`.
 */
export const drill = defineDrill({
  name: 'aws-primary-lambda-throttle',
  description: 'Throttle the primary region’s Lambda; Route 53 must fail over to the secondary, and back after rollback.',
  service: 'api',
  load: { rate: 20, timeout: '5s' },
  steps: [
    { step: 'hold', name: 'baseline', duration: '1m' },
    { step: 'inject', fault: 'lambda-throttle-1', verifyWithin: '1m' },
    // The budget is generous on purpose: dns-convergence judges the 2 minutes; this only stops waiting.
    { step: 'until', name: 'failed-over', dns: { region: 'secondary' }, within: '3m' },
    { step: 'hold', name: 'on-secondary', duration: '1m' },
    { step: 'revert', fault: 'all' },
    { step: 'until', name: 'failed-back', dns: { region: 'primary' }, within: '3m' },
    { step: 'hold', name: 'settle', duration: '45s' },
  ],
  probes: { dnsInterval: '1s' },
  guardrails: {
    // Your alarm on the secondary's 5xx rate: if the region taking over starts failing, stop.
    stopOnAlarms: [{ name: 'api-5xx-rate', region: 'secondary' }],
    // The steps with the fault in budget 1 + 3 + 1 minutes.
    maxFaultDuration: '6m',
  },
  faults: [{ injector: 'lambda-throttle', target: { region: 'primary' } }],
  assertions: [
    { assertion: 'dns-convergence', within: '2m' },
    { assertion: 'error-budget', phase: 'baseline', maxErrorRate: 0.1 },
    { assertion: 'error-budget', phase: 'recovery', maxErrorRate: 50, maxOutage: '2m30s' },
    { assertion: 'region-share', region: 'secondary', minShare: 95, steps: { from: 'on-secondary' }, of: 'successful' },
    { assertion: 'failback', within: '3m', finalWindow: '30s' },
  ],
});
