import { defineDrill } from 'drdrill';

/**
 * Reference drill 5 with real-account budgets: an API served from two regions at once through
 * weighted records of equal weight (latency records work the same way), one health check each.
 *
 * What takes time on AWS: the throttled region's check fails after RequestInterval ×
 * FailureThreshold (30 s × 3, or 10 s × 3), then resolvers keep the old answer for the record's
 * TTL (60 s), so all traffic is on the survivor after about 1.5–2.5 minutes; after rollback the
 * check needs FailureThreshold passes and the TTL again before the shares are back. A flap is the
 * returning region dropping out of a resolver's answers again for a minute or more (a check that
 * relapses, a too-tight FailureThreshold): none is allowed.
 * Environment: drills/environments/ref-active-active-failback.example.ts.
 */
export const drill = defineDrill({
  name: 'aws-ref-active-active-failback',
  description:
    'Throttle the primary of an active-active (weighted) API. Proves the steady state is a share per region, all traffic ends on the survivor, and the shares come back after rollback without flapping.',
  service: 'api',
  // Plans and runs on the embedded sandbox too, with the topology it models.
  sandbox: { topology: '../topologies/active-active.ts' },
  load: { rate: 20, timeout: '5s' },
  steps: [
    { step: 'hold', name: 'baseline', duration: '2m' },
    { step: 'inject', fault: 'throttle-us-east-1', verifyWithin: '1m' },
    { step: 'until', name: 'all-on-survivor', traffic: { region: 'secondary', atLeast: 99, window: '30s' }, within: '5m' },
    { step: 'hold', name: 'on-survivor', duration: '1m' },
    { step: 'revert', fault: 'all' },
    { step: 'until', name: 'primary-serves-again', traffic: { region: 'primary', atLeast: 35, window: '30s' }, within: '5m' },
    // Long enough to see a relapse: several check intervals and TTLs.
    { step: 'hold', name: 'settle', duration: '5m' },
  ],
  probes: { dnsInterval: '1s' },
  guardrails: {
    // Your alarm on the survivor's 5xx rate: it takes every client while the fault is in.
    stopOnAlarms: [{ name: 'api-5xx-rate', region: 'secondary' }],
    // Budgets while the Lambda is throttled: 1 minute verify + 5 minutes until + 1 minute hold.
    maxFaultDuration: '8m',
  },
  faults: [{ injector: 'lambda-throttle', name: 'throttle-us-east-1', target: { region: 'primary' } }],
  assertions: [
    // Active-active: a share per region (equal weights: about half each), DNS answering both.
    { assertion: 'steady-state', minShares: { primary: 40, secondary: 40 }, dnsOnPrimary: false },
    { assertion: 'region-share', region: 'secondary', minShare: 99, steps: { from: 'on-survivor' }, name: 'All traffic on the survivor' },
    { assertion: 'error-budget', phase: 'baseline', maxErrorRate: 0.1 },
    { assertion: 'error-budget', steps: { from: 'all-on-survivor' }, maxErrorRate: 50, maxOutage: '30s', name: 'Error budget while the primary is detected' },
    { assertion: 'error-budget', steps: { from: 'on-survivor', to: 'settle' }, maxErrorRate: 0.1, name: 'No error once on the survivor, nor on the way back' },
    // Presence over 1 minute: one region per weighted answer, probed every second.
    { assertion: 'rebalance', minShares: { primary: 40, secondary: 40 }, within: '5m', window: '30s', flapWindow: '1m', maxFlaps: 0 },
  ],
});
