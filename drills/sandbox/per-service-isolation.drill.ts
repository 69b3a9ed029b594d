import { defineDrill } from 'drdrill';

/**
 * Per-service failover in one run: service1 and service2 share the regions, each with its own
 * failover pair guarded by ARC routing controls. Turning service1's primary control Off must move
 * service1 — and only service1 — to its secondary: service2, loaded and watched in the same run,
 * stays on its primary the whole time. (Before several services per drill, this proof took two
 * drills: routing-control-failover and routing-control-isolation.)
 */
export const drill = defineDrill({
  name: 'per-service-isolation',
  description:
    'Set service1’s primary ARC routing control Off while loading and watching service1 and service2. Proves service1 moves to its secondary while service2 stays 100 % on its primary, in one run.',
  service: 'service1',
  load: { rate: 20, timeout: '2s', services: ['service1', 'service2'] },
  phases: { baseline: '2s', recovery: '5s', settle: '4s' },
  probes: { dnsInterval: '100ms' },
  faults: [{ injector: 'routing-control', name: 'service1-off', target: { region: 'primary', service: 'service1' }, state: 'Off' }],
  assertions: [
    { assertion: 'dns-convergence', service: 'service1', to: 'secondary', within: '3s' },
    { assertion: 'region-share', service: 'service1', region: 'secondary', minShare: 90, during: 'recovery', skip: '2s', name: 'service1 served by its secondary while its routing control is Off' },
    { assertion: 'region-share', service: 'service2', region: 'primary', minShare: 100, during: 'fault-active', name: 'service2 stays 100 % on its primary while service1’s control is Off' },
    { assertion: 'steady-state', service: 'service2', minPrimaryShare: 100, name: 'service2 on its primary before the fault' },
    { assertion: 'error-budget', service: 'service1', phase: 'all', maxErrorRate: 0 },
    { assertion: 'error-budget', service: 'service2', phase: 'all', maxErrorRate: 0 },
    { assertion: 'failback', service: 'service1', within: '3s', finalWindow: '2s' },
  ],
});
