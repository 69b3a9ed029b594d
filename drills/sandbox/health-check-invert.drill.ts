import { defineDrill } from 'drdrill';

/**
 * Inverting the primary health check marks a perfectly healthy region unhealthy: Route 53 moves
 * traffic with the application untouched. A clean test of the routing layer alone — no request
 * should fail on the way out or back.
 */
export const drill = defineDrill({
  name: 'health-check-invert',
  description:
    'Invert the primary health check. Proves Route 53 fails over and back on health-check status alone, without a single failed request.',
  service: 'api',
  load: { rate: 20, timeout: '2s' },
  phases: { baseline: '2s', recovery: '6s', settle: '7s' },
  probes: { dnsInterval: '100ms' },
  faults: [{ injector: 'health-check-invert', target: { region: 'primary' } }],
  assertions: [
    { assertion: 'dns-convergence', within: '6s' },
    { assertion: 'error-budget', phase: 'all', maxErrorRate: 0, name: 'No request fails: both regions stay healthy, only routing moves' },
    { assertion: 'failback', within: '6s', finalWindow: '2s' },
  ],
});
