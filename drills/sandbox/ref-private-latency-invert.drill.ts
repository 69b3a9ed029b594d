import { defineDrill } from 'drdrill';

/**
 * Reference architecture 2: a private REST API in us-east-1 and us-west-2 behind latency alias
 * records in a private hosted zone, each record guarded by a health check bound to a CloudWatch
 * alarm (Route 53 cannot probe inside a VPC), and clients in both VPCs: two vantage points, each
 * served by its own region.
 *
 * Inverting the health check of us-west-2 (the region the us-west-2 VPC's clients are served
 * from) must move those clients to us-east-1 while the us-east-1 VPC's clients never notice, so
 * both end on the remaining region; after rollback the us-west-2 clients come home. An alarm-bound
 * check flips as soon as its input does (no checker votes, no FailureThreshold), so what is left
 * to measure is the record's TTL and the resolvers.
 */
export const drill = defineDrill({
  name: 'ref-private-latency-invert',
  description:
    'Invert the alarm-bound health check of us-west-2 behind latency records in a private hosted zone, watched from a VPC in each region. Proves the us-west-2 clients move to us-east-1, both vantage points end on the remaining region, and the us-west-2 clients come back after rollback.',
  service: 'api',
  sandbox: { topology: '../topologies/private-latency-invert.ts' },
  load: { rate: 20, timeout: '2s' },
  steps: [
    { step: 'hold', name: 'baseline', duration: '2s' },
    { step: 'inject', fault: 'invert-us-west-2' },
    { step: 'until', name: 'us-west-2-clients-moved', dns: { region: 'us-east-1', resolvers: ['vpc-us-west-2'] }, within: '5s' },
    { step: 'until', name: 'both-on-us-east-1', dns: { region: 'us-east-1', resolvers: ['vpc-us-east-1', 'vpc-us-west-2'] }, within: '2s' },
    { step: 'hold', name: 'on-us-east-1', duration: '2s' },
    { step: 'revert', fault: 'all' },
    { step: 'until', name: 'us-west-2-clients-back', dns: { region: 'us-west-2', resolvers: ['vpc-us-west-2'] }, within: '5s' },
    { step: 'hold', name: 'settle', duration: '2500ms' },
  ],
  probes: { dnsInterval: '100ms' },
  faults: [{ injector: 'health-check-invert', name: 'invert-us-west-2', target: { region: 'us-west-2' } }],
  assertions: [
    // Each vantage point starts on its own region, not all on the primary.
    { assertion: 'steady-state', dnsOnPrimary: false },
    { assertion: 'dns-convergence', resolvers: ['vpc-us-west-2'], to: 'us-east-1', within: '3s', name: 'clients in the us-west-2 VPC move to us-east-1' },
    { assertion: 'dns-convergence', resolvers: ['vpc-us-east-1'], to: 'us-east-1', within: '200ms', name: 'clients in the us-east-1 VPC stay on us-east-1' },
    {
      assertion: 'failback',
      resolvers: ['vpc-us-west-2'],
      region: 'us-west-2',
      within: '3s',
      finalWindow: '2s',
      minPrimaryShare: 0,
      name: 'clients in the us-west-2 VPC come back to us-west-2',
    },
    { assertion: 'error-budget', phase: 'all', maxErrorRate: 0, name: 'No request fails: both regions stay healthy, only routing moves' },
  ],
});
