import { defineDrill } from 'drdrill';

/**
 * The primary region's function is throttled (reserved concurrency 0), so API Gateway answers
 * 500 there. The primary health check should turn unhealthy, Route 53 should answer with the
 * secondary, and clients should recover; after rollback everything should return to primary.
 *
 * The drill waits for what it needs to see instead of guessing lengths: until DNS answers the
 * secondary (a budget, not a pause), a hold long enough to judge clients there, the revert, until
 * DNS answers the primary again, and a final window. Sandbox timing: health checks every
 * 10 s × 0.1 time scale = 1 s, failure threshold 3, TTL 1 s, so detection takes about 3 s and the
 * whole drill about 13 s.
 */
export const drill = defineDrill({
  name: 'primary-lambda-throttle',
  description: 'Throttle the primary region’s Lambda; DNS must fail over to the secondary and fail back after rollback.',
  service: 'api',
  load: { rate: 50, timeout: '2s' },
  steps: [
    { step: 'hold', name: 'baseline', duration: '3s' },
    { step: 'inject', fault: 'lambda-throttle-1' },
    { step: 'until', name: 'failed-over', dns: { region: 'secondary' }, within: '6s' },
    // Long enough for the RTO's 2 s success window, with room for the last requests to the primary.
    { step: 'hold', name: 'on-secondary', duration: '2500ms' },
    { step: 'revert', fault: 'all' },
    { step: 'until', name: 'failed-back', dns: { region: 'primary' }, within: '6s' },
    // The failback's final window: every request in it served by the primary.
    { step: 'hold', name: 'settle', duration: '2500ms' },
  ],
  probes: { dnsInterval: '100ms' },
  faults: [{ injector: 'lambda-throttle', target: { region: 'primary' } }],
  assertions: [
    { assertion: 'dns-convergence', within: '6s' },
    { assertion: 'error-budget', phase: 'baseline', maxErrorRate: 0 },
    { assertion: 'error-budget', phase: 'recovery', maxErrorRate: 60, maxOutage: '6s' },
    // Recovered = 99% of requests succeed over a sliding 2 s window; decomposed into time to
    // detect (health check), time to shift (DNS) and what clients saw.
    { assertion: 'rto', within: '7s', window: '2s' },
    { assertion: 'region-share', region: 'secondary', minShare: 90, steps: { from: 'on-secondary' }, of: 'successful' },
    { assertion: 'failback', within: '6s', finalWindow: '2s' },
  ],
});
