import { defineDrill } from 'drdrill';

/**
 * The primary region's function is throttled (reserved concurrency 0), so API Gateway answers
 * 500 there. The primary health check should turn unhealthy, Route 53 should answer with the
 * secondary, and clients should recover; after rollback everything should return to primary.
 *
 * Sandbox timing: health checks every 10 s × 0.1 time scale = 1 s, failure threshold 3, TTL 1 s,
 * so detection takes about 3 s and the whole drill about 25 s.
 */
export const drill = defineDrill({
  name: 'primary-lambda-throttle',
  description: 'Throttle the primary region’s Lambda; DNS must fail over to the secondary and fail back after rollback.',
  service: 'api',
  load: { rate: 50, timeout: '2s' },
  phases: { baseline: '3s', recovery: '8s', settle: '8s' },
  probes: { dnsInterval: '100ms' },
  faults: [{ injector: 'lambda-throttle', target: { region: 'primary' } }],
  assertions: [
    { assertion: 'dns-convergence', within: '6s' },
    { assertion: 'error-budget', phase: 'baseline', maxErrorRate: 0 },
    { assertion: 'error-budget', phase: 'recovery', maxErrorRate: 60, maxOutage: '6s' },
    // Recovered = 99% of requests succeed over a sliding 2 s window; decomposed into time to
    // detect (health check), time to shift (DNS) and what clients saw.
    { assertion: 'rto', within: '7s', window: '2s' },
    { assertion: 'region-share', region: 'secondary', minShare: 90, during: 'recovery', skip: '5s', of: 'successful' },
    { assertion: 'failback', within: '6s', finalWindow: '2s' },
  ],
});
