import { defineDrill } from 'drdrill';

/**
 * ref-cascade-500 with budgets for a real account (the environment to copy is
 * drills/environments/ref-cascade-500.example.ts). A four-region failover chain, eu-central-1 →
 * eu-west-1 → eu-west-2 → eu-south-1; each region's Route 53 health check has RequestInterval 10
 * and FailureThreshold 3 from three checker regions, so Route 53 notices a failed region in about
 * 30 s, and resolvers follow once the alias answer's TTL (60 s) runs out: 90 s to two minutes per
 * hop. Each next region is failed only once the until step sees its traffic moved, so every hop
 * is timed from its own fault. The functions are throttled (reserved concurrency 0: API Gateway
 * answers 500, no code change); `mode: 'ssm-flag'` or `'fis'` fail them from inside instead, one
 * flag cache (about 60 s) or one FIS ramp later. Never detach the API mapping to fail a region:
 * see api-mapping-blind-spot.
 *
 * `sandbox.topology` names the sandbox topology this template matches, so the sandbox can plan
 * it (test/e2e/aws-templates-plan.test.ts); against your account it is ignored.
 * Run with `drdrill run drills/aws/ref-cascade-500.drill.ts --env <your environment>`.
 */
export const drill = defineDrill({
  name: 'aws-ref-cascade-500',
  description:
    'Force the Lambdas of eu-central-1, eu-west-1 and eu-west-2 to answer 500, one after the other; Route 53 must move traffic hop by hop to eu-south-1, and all the way back after rollback.',
  service: 'api',
  sandbox: { topology: '../topologies/cascade-four-regions.ts' },
  load: { rate: 20, timeout: '5s' },
  steps: [
    { step: 'hold', name: 'baseline', duration: '1m' },
    { step: 'inject', fault: 'fail-eu-central-1', verifyWithin: '1m' },
    // Budgets, not pauses: the assertions judge the two minutes; these only stop waiting.
    { step: 'until', name: 'on-eu-west-1', traffic: { region: 'secondary', atLeast: 95, window: '30s' }, within: '4m' },
    // Long enough for the RTO's 30 s success window before the next hop's fault ends this hop's window.
    { step: 'hold', name: 'hold-eu-west-1', duration: '1m' },
    { step: 'inject', fault: 'fail-eu-west-1', verifyWithin: '1m' },
    { step: 'until', name: 'on-eu-west-2', traffic: { region: 'tertiary', atLeast: 95, window: '30s' }, within: '4m' },
    { step: 'hold', name: 'hold-eu-west-2', duration: '1m' },
    { step: 'inject', fault: 'fail-eu-west-2', verifyWithin: '1m' },
    { step: 'until', name: 'on-eu-south-1', traffic: { region: 'quaternary', atLeast: 95, window: '30s' }, within: '4m' },
    { step: 'hold', name: 'on-last-region', duration: '1m' },
    { step: 'revert', fault: 'all' },
    { step: 'until', name: 'back-on-eu-central-1', dns: { region: 'primary' }, within: '4m' },
    { step: 'hold', name: 'settle', duration: '1m' },
  ],
  probes: { dnsInterval: '1s' },
  guardrails: {
    // Your alarm on the last region's 5xx rate: if the region everything lands on starts failing, stop.
    stopOnAlarms: [{ name: 'api-5xx-rate', region: 'quaternary' }],
  },
  faults: [
    { injector: 'lambda-500', mode: 'throttle', name: 'fail-eu-central-1', target: { region: 'primary' } },
    { injector: 'lambda-500', mode: 'throttle', name: 'fail-eu-west-1', target: { region: 'secondary' } },
    { injector: 'lambda-500', mode: 'throttle', name: 'fail-eu-west-2', target: { region: 'tertiary' } },
  ],
  assertions: [
    { assertion: 'error-budget', phase: 'baseline', maxErrorRate: 0.1 },
    { assertion: 'dns-convergence', to: 'secondary', fault: 'fail-eu-central-1', within: '2m30s', name: 'hop 1: DNS moves to eu-west-1' },
    { assertion: 'rto', region: 'secondary', fault: 'fail-eu-central-1', within: '3m', window: '30s', name: 'hop 1: clients recover on eu-west-1' },
    { assertion: 'dns-convergence', to: 'tertiary', fault: 'fail-eu-west-1', within: '2m30s', name: 'hop 2: DNS moves to eu-west-2' },
    { assertion: 'rto', region: 'tertiary', fault: 'fail-eu-west-1', within: '3m', window: '30s', name: 'hop 2: clients recover on eu-west-2' },
    { assertion: 'dns-convergence', to: 'quaternary', fault: 'fail-eu-west-2', within: '2m30s', name: 'hop 3: DNS moves to eu-south-1' },
    { assertion: 'rto', region: 'quaternary', fault: 'fail-eu-west-2', within: '3m', window: '30s', name: 'hop 3: clients recover on eu-south-1' },
    { assertion: 'region-share', region: 'quaternary', minShare: 95, steps: { from: 'on-last-region' }, of: 'successful', name: 'eu-south-1 serves once the three regions ahead of it fail' },
    { assertion: 'failback', within: '4m', finalWindow: '30s' },
  ],
});
