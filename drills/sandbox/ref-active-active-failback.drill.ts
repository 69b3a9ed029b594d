import { defineDrill } from 'drdrill';

/**
 * Reference architecture 5: both regions serve at once (weighted records, equal weights, one
 * health check each). The steady state is a share per region — about half each, at least 40 % —
 * not "everything on the primary". Throttling the primary's Lambda makes its health check fail;
 * Route 53 then answers only us-west-2, so all traffic ends on the survivor. After rollback the
 * check recovers and us-east-1 takes its share back by itself: the drill measures how long the
 * shares take to return and counts flaps (us-east-1 dropping out of a resolver's answers again
 * after it came back), per resolver, and allows none.
 */
export const drill = defineDrill({
  name: 'ref-active-active-failback',
  description:
    'Throttle the primary of an active-active (weighted) API. Proves the steady state is a share per region, all traffic ends on the survivor, and the shares come back after rollback without flapping.',
  service: 'api',
  sandbox: { topology: '../topologies/active-active.ts' },
  load: { rate: 40, timeout: '2s' },
  steps: [
    { step: 'hold', name: 'baseline', duration: '3s' },
    { step: 'inject', fault: 'throttle-us-east-1' },
    { step: 'until', name: 'all-on-survivor', traffic: { region: 'secondary', atLeast: 100, window: '1s' }, within: '8s' },
    { step: 'hold', name: 'on-survivor', duration: '2s' },
    { step: 'revert', fault: 'all' },
    { step: 'until', name: 'primary-serves-again', traffic: { region: 'primary', atLeast: 35, window: '1s' }, within: '8s' },
    // Long enough to see a flap: a check that relapses does so within a few of its intervals (1 s here).
    { step: 'hold', name: 'settle', duration: '4s' },
  ],
  probes: { dnsInterval: '100ms' },
  faults: [{ injector: 'lambda-throttle', name: 'throttle-us-east-1', target: { region: 'primary' } }],
  assertions: [
    // Active-active: judged on both regions' shares, and DNS answers both.
    { assertion: 'steady-state', minShares: { primary: 40, secondary: 40 }, dnsOnPrimary: false },
    { assertion: 'region-share', region: 'secondary', minShare: 100, steps: { from: 'on-survivor' }, name: 'All traffic on the survivor' },
    { assertion: 'error-budget', phase: 'baseline', maxErrorRate: 0 },
    // While Route 53 still sends some clients to the throttled region: the cost of detection.
    { assertion: 'error-budget', steps: { from: 'all-on-survivor' }, maxErrorRate: 60, maxOutage: '1s', name: 'Error budget while the primary is detected' },
    { assertion: 'error-budget', steps: { from: 'on-survivor', to: 'settle' }, maxErrorRate: 0, name: 'No error once on the survivor, nor on the way back' },
    { assertion: 'rebalance', minShares: { primary: 40, secondary: 40 }, within: '6s', window: '1s', maxFlaps: 0 },
  ],
});
