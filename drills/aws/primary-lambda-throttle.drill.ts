import { defineDrill } from 'drdrill';

/**
 * The demo drill with timings for a real account. Route 53 needs RequestInterval × FailureThreshold
 * to notice (10 s × 3 with fast checks, 30 s × 3 by default), then resolvers wait out the TTL
 * (60 s for alias records to ELB): budget about two minutes to converge, and hold the fault long
 * enough to see it. Run with `--env <your environment>`.
 */
export const drill = defineDrill({
  name: 'aws-primary-lambda-throttle',
  description: 'Throttle the primary region’s Lambda; Route 53 must fail over to the secondary, and back after rollback.',
  service: 'api',
  load: { rate: 20, timeout: '5s' },
  phases: { baseline: '1m', recovery: '4m', settle: '4m', verifyTimeout: '1m' },
  probes: { dnsInterval: '1s' },
  guardrails: {
    // Your alarm on the secondary's 5xx rate: if the region taking over starts failing, stop.
    stopOnAlarms: [{ name: 'api-5xx-rate', region: 'secondary' }],
    maxFaultDuration: '6m',
  },
  faults: [{ injector: 'lambda-throttle', target: { region: 'primary' } }],
  assertions: [
    { assertion: 'dns-convergence', within: '2m' },
    { assertion: 'error-budget', phase: 'baseline', maxErrorRate: 0.1 },
    { assertion: 'error-budget', phase: 'recovery', maxErrorRate: 50, maxOutage: '2m30s' },
    { assertion: 'failback', within: '3m', finalWindow: '30s' },
  ],
});
