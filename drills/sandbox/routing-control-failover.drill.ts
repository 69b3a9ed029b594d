import { defineDrill } from 'drdrill';

/**
 * Turning service1's primary routing control Off moves service1 to the secondary through the
 * ARC-guarded failover records, and turning it back On returns it. No request should fail:
 * both regions stay healthy, the operator simply moves traffic.
 */
export const drill = defineDrill({
  name: 'routing-control-failover',
  description:
    'Set service1’s primary ARC routing control Off, then back On. Proves a routing control moves service1 to the secondary and back without failed requests.',
  service: 'service1',
  load: { rate: 20, timeout: '2s' },
  phases: { baseline: '2s', recovery: '5s', settle: '5s' },
  probes: { dnsInterval: '100ms' },
  faults: [{ injector: 'routing-control', target: { region: 'primary', service: 'service1' }, state: 'Off' }],
  assertions: [
    { assertion: 'dns-convergence', within: '3s' },
    { assertion: 'error-budget', phase: 'all', maxErrorRate: 0 },
    { assertion: 'failback', within: '3s', finalWindow: '2s' },
  ],
});
