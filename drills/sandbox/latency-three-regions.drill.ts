import { defineDrill } from 'drdrill';

/**
 * Latency routing across three regions, seen from three places: clients near us-east-1,
 * eu-west-1 and ap-southeast-1 each get their nearest region. Inverting eu-west-1's health check
 * must move only the clients it served, to their next nearest healthy region, while the others
 * never notice; rolling it back brings them home. Each vantage point is a resolver set of its own.
 */
export const drill = defineDrill({
  name: 'latency-three-regions',
  description:
    'Invert the health check of eu-west-1 behind a latency record in us-east-1, eu-west-1 and ap-southeast-1. Proves only the clients eu-west-1 served move (to us-east-1), the others stay on their nearest region, and all come back after rollback.',
  service: 'api',
  sandbox: { topology: '../topologies/latency-three-regions.ts' },
  load: { rate: 20, timeout: '2s' },
  phases: { baseline: '2s', recovery: '5s', settle: '5s' },
  probes: { dnsInterval: '100ms' },
  faults: [{ injector: 'health-check-invert', name: 'invert-eu-west-1', target: { region: 'eu-west-1' } }],
  assertions: [
    // Each vantage point starts on its own nearest region, not all on the primary.
    { assertion: 'steady-state', dnsOnPrimary: false },
    { assertion: 'dns-convergence', resolvers: ['clients-eu-west-1'], to: 'us-east-1', within: '6s', name: 'clients in eu-west-1 move to us-east-1' },
    { assertion: 'dns-convergence', resolvers: ['clients-us-east-1'], to: 'us-east-1', within: '200ms', name: 'clients in us-east-1 stay on us-east-1' },
    { assertion: 'dns-convergence', resolvers: ['clients-ap-southeast-1'], to: 'ap-southeast-1', within: '200ms', name: 'clients in ap-southeast-1 stay on ap-southeast-1' },
    { assertion: 'failback', resolvers: ['clients-eu-west-1'], region: 'eu-west-1', within: '6s', finalWindow: '2s', minPrimaryShare: 0, name: 'clients in eu-west-1 come back to eu-west-1' },
    { assertion: 'error-budget', phase: 'all', maxErrorRate: 0 },
  ],
});
