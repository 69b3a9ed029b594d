import { defineDrill } from 'drdrill';

/**
 * The other half of a routing-control drill: while service1's primary control is Off (see
 * routing-control-failover), service2 — watched and loaded here — must stay on its primary.
 * Routing controls are per service; flipping one must not move its neighbours.
 */
export const drill = defineDrill({
  name: 'routing-control-isolation',
  description:
    'Set service1’s primary routing control Off while watching service2. Proves flipping one service’s routing control moves only that service: service2 stays on its primary.',
  service: 'service2',
  load: { rate: 20, timeout: '2s' },
  phases: { baseline: '2s', recovery: '5s', settle: '2s' },
  probes: { dnsInterval: '100ms' },
  faults: [{ injector: 'routing-control', target: { region: 'primary', service: 'service1' }, state: 'Off' }],
  assertions: [
    { assertion: 'region-share', region: 'primary', minShare: 100, during: 'fault-active', name: 'service2 stays on its primary while service1’s routing control is Off' },
    { assertion: 'error-budget', phase: 'all', maxErrorRate: 0 },
  ],
});
