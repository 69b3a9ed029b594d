import { defineDrill } from 'drdrill';

/**
 * A cascade across a four-region failover chain, eu-central-1 → eu-west-1 → eu-west-2 →
 * eu-south-1, built as Route 53 builds it: failover records whose secondary is an alias (with
 * EvaluateTargetHealth) to the next failover pair. The primary's Lambdas are forced to answer
 * 500, then, once traffic has moved, the secondary's: traffic must move one hop at a time, each
 * hop timed from its own fault, and come all the way back when both are rolled back.
 */
export const drill = defineDrill({
  name: 'cascade-four-regions',
  description:
    'Force the Lambdas of eu-central-1, then of eu-west-1, to answer 500 in a four-region failover chain. Proves traffic moves hop by hop (eu-west-1, then eu-west-2) within budget per hop, and fails back to eu-central-1.',
  service: 'api',
  sandbox: { topology: '../topologies/cascade-four-regions.ts' },
  load: { rate: 40, timeout: '2s' },
  phases: { baseline: '2s', recovery: '8s', settle: '6s' },
  probes: { dnsInterval: '100ms' },
  faults: [
    { injector: 'lambda-500', mode: 'throttle', name: 'fail-eu-central-1', target: { region: 'primary' } },
    // Long enough for the first hop to converge and hold (about 4 s at the sandbox's time scale).
    { injector: 'lambda-500', mode: 'throttle', name: 'fail-eu-west-1', after: '8s', target: { region: 'secondary' } },
  ],
  assertions: [
    { assertion: 'error-budget', phase: 'baseline', maxErrorRate: 0 },
    { assertion: 'dns-convergence', to: 'secondary', fault: 'fail-eu-central-1', within: '6s', name: 'hop 1: DNS moves to eu-west-1' },
    { assertion: 'rto', region: 'secondary', fault: 'fail-eu-central-1', within: '7s', window: '2s', name: 'hop 1: clients recover on eu-west-1' },
    { assertion: 'dns-convergence', to: 'tertiary', fault: 'fail-eu-west-1', within: '6s', name: 'hop 2: DNS moves to eu-west-2' },
    { assertion: 'rto', region: 'tertiary', fault: 'fail-eu-west-1', within: '7s', window: '2s', name: 'hop 2: clients recover on eu-west-2' },
    { assertion: 'region-share', region: 'tertiary', minShare: 90, during: 'recovery', skip: '5s', of: 'successful', name: 'eu-west-2 serves once both regions ahead of it fail' },
    { assertion: 'failback', within: '6s', finalWindow: '2s' },
  ],
});
