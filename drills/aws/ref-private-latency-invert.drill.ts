import { defineDrill } from 'drdrill';

/**
 * Reference drill 2 with real-account budgets: a private REST API in two regions behind latency
 * alias records in a private hosted zone, each record guarded by a CLOUDWATCH_METRIC health check
 * on that region's alarm, watched from a resolver in each VPC (two vantage points).
 *
 * What takes time on AWS: an inverted check changes status without waiting for checkers (the
 * alarm, not a probe, is its input), then Route 53 propagates the status to its resolvers (tens
 * of seconds, no published figure) and each VPC's Route 53 Resolver keeps the old answer for the
 * record's TTL (60 s for an alias). So the us-west-2 VPC's clients move within about 2 minutes.
 * Environment: drills/environments/ref-private-latency-invert.example.ts.
 */
export const drill = defineDrill({
  name: 'aws-ref-private-latency-invert',
  description:
    'Invert the alarm-bound health check of the second region behind latency records in a private hosted zone, watched from a VPC in each region. Proves that region’s clients move to the other, both vantage points end on the remaining region, and they come back after rollback.',
  service: 'api',
  // Plans and runs on the embedded sandbox too, with the topology it models.
  sandbox: { topology: '../topologies/private-latency-invert.ts' },
  load: { rate: 10, timeout: '5s' },
  steps: [
    { step: 'hold', name: 'baseline', duration: '1m' },
    { step: 'inject', fault: 'invert-us-west-2', verifyWithin: '1m' },
    { step: 'until', name: 'us-west-2-clients-moved', dns: { region: 'us-east-1', resolvers: ['vpc-us-west-2'] }, within: '4m' },
    { step: 'until', name: 'both-on-us-east-1', dns: { region: 'us-east-1', resolvers: ['vpc-us-east-1', 'vpc-us-west-2'] }, within: '1m' },
    { step: 'hold', name: 'on-us-east-1', duration: '1m' },
    { step: 'revert', fault: 'all' },
    { step: 'until', name: 'us-west-2-clients-back', dns: { region: 'us-west-2', resolvers: ['vpc-us-west-2'] }, within: '4m' },
    { step: 'hold', name: 'settle', duration: '1m' },
  ],
  probes: { dnsInterval: '1s' },
  guardrails: {
    // Your alarm on the us-east-1 API's 5xx rate: it takes every client while the fault is in.
    stopOnAlarms: [{ name: 'api-5xx-rate', region: 'us-east-1' }],
    // Budgets while the check is inverted: 1 minute verify + 4 + 1 minutes of untils + 1 minute hold.
    maxFaultDuration: '8m',
  },
  faults: [{ injector: 'health-check-invert', name: 'invert-us-west-2', target: { region: 'us-west-2' } }],
  assertions: [
    // Each vantage point starts on its own region, not all on the primary.
    { assertion: 'steady-state', dnsOnPrimary: false },
    { assertion: 'dns-convergence', resolvers: ['vpc-us-west-2'], to: 'us-east-1', within: '3m', name: 'clients in the us-west-2 VPC move to us-east-1' },
    // The us-east-1 VPC's resolver never answered anything else: it is on us-east-1 at its first probe.
    { assertion: 'dns-convergence', resolvers: ['vpc-us-east-1'], to: 'us-east-1', within: '2s', name: 'clients in the us-east-1 VPC stay on us-east-1' },
    {
      assertion: 'failback',
      resolvers: ['vpc-us-west-2'],
      region: 'us-west-2',
      within: '3m',
      finalWindow: '30s',
      minPrimaryShare: 0,
      name: 'clients in the us-west-2 VPC come back to us-west-2',
    },
    { assertion: 'error-budget', phase: 'all', maxErrorRate: 0.1, name: 'Requests keep succeeding: both regions stay healthy, only routing moves' },
  ],
});
