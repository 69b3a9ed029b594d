import { defineDrill } from 'drdrill';

/**
 * Reference architecture: one API in a four-region failover chain, Frankfurt → Ireland → London →
 * Milan (eu-central-1 → eu-west-1 → eu-west-2 → eu-south-1), each hop a Route 53 failover pair
 * whose SECONDARY aliases the next pair; every region's health check probes every 10 s and flips
 * after 3 results, from three checker regions (1 s here: the topology's time scale is 0.1).
 *
 * The fault is the one clients feel: the functions answer 500, one region after the other. Each
 * next region is failed only once the until step sees traffic served there, so every hop is timed
 * from its own fault, on a chain whose regions ahead are already down. The API mapping is left
 * alone on purpose: a health check on the execute-api endpoint would never see it gone (see
 * api-mapping-blind-spot), and the drill would prove nothing about the chain.
 */
export const drill = defineDrill({
  name: 'ref-cascade-500',
  description:
    'Force the Lambdas of eu-central-1, eu-west-1 and eu-west-2 to answer 500, one after the other, in a four-region failover chain. Proves traffic moves hop by hop to eu-south-1, each hop timed from its own fault, and fails back all the way to eu-central-1.',
  service: 'api',
  sandbox: { topology: '../topologies/cascade-four-regions.ts' },
  load: { rate: 40, timeout: '2s' },
  steps: [
    { step: 'hold', name: 'baseline', duration: '2s' },
    { step: 'inject', fault: 'fail-eu-central-1' },
    { step: 'until', name: 'on-eu-west-1', traffic: { region: 'secondary', atLeast: 95, window: '1s' }, within: '8s' },
    // The RTO's 2 s success window fits before the next hop's fault ends this hop's window.
    { step: 'hold', name: 'hold-eu-west-1', duration: '2500ms' },
    { step: 'inject', fault: 'fail-eu-west-1' },
    { step: 'until', name: 'on-eu-west-2', traffic: { region: 'tertiary', atLeast: 95, window: '1s' }, within: '8s' },
    { step: 'hold', name: 'hold-eu-west-2', duration: '2500ms' },
    { step: 'inject', fault: 'fail-eu-west-2' },
    { step: 'until', name: 'on-eu-south-1', traffic: { region: 'quaternary', atLeast: 95, window: '1s' }, within: '8s' },
    { step: 'hold', name: 'on-last-region', duration: '2500ms' },
    { step: 'revert', fault: 'all' },
    { step: 'until', name: 'back-on-eu-central-1', dns: { region: 'primary' }, within: '8s' },
    // The failback's final window: every request in it served by eu-central-1.
    { step: 'hold', name: 'settle', duration: '2500ms' },
  ],
  probes: { dnsInterval: '100ms' },
  faults: [
    { injector: 'lambda-500', mode: 'throttle', name: 'fail-eu-central-1', target: { region: 'primary' } },
    { injector: 'lambda-500', mode: 'throttle', name: 'fail-eu-west-1', target: { region: 'secondary' } },
    { injector: 'lambda-500', mode: 'throttle', name: 'fail-eu-west-2', target: { region: 'tertiary' } },
  ],
  assertions: [
    { assertion: 'error-budget', phase: 'baseline', maxErrorRate: 0 },
    { assertion: 'dns-convergence', to: 'secondary', fault: 'fail-eu-central-1', within: '6s', name: 'hop 1: DNS moves to eu-west-1' },
    { assertion: 'rto', region: 'secondary', fault: 'fail-eu-central-1', within: '7s', window: '2s', name: 'hop 1: clients recover on eu-west-1' },
    { assertion: 'dns-convergence', to: 'tertiary', fault: 'fail-eu-west-1', within: '6s', name: 'hop 2: DNS moves to eu-west-2' },
    { assertion: 'rto', region: 'tertiary', fault: 'fail-eu-west-1', within: '7s', window: '2s', name: 'hop 2: clients recover on eu-west-2' },
    { assertion: 'dns-convergence', to: 'quaternary', fault: 'fail-eu-west-2', within: '6s', name: 'hop 3: DNS moves to eu-south-1' },
    { assertion: 'rto', region: 'quaternary', fault: 'fail-eu-west-2', within: '7s', window: '2s', name: 'hop 3: clients recover on eu-south-1' },
    { assertion: 'region-share', region: 'quaternary', minShare: 95, steps: { from: 'on-last-region' }, of: 'successful', name: 'eu-south-1 serves once the three regions ahead of it fail' },
    { assertion: 'failback', within: '8s', finalWindow: '2s' },
  ],
});
