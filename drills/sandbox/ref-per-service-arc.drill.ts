import { defineDrill } from 'drdrill';

/**
 * Reference architecture: per-service failover behind a shared public API. Clients call
 * `/service1` and `/service2` on one API, which forwards each to the service's own subdomain; each
 * subdomain is its own Route 53 failover pair (us-east-1, then us-west-2) whose records are guarded
 * by Route 53 ARC routing controls.
 *
 * An operator moves one service, not the estate: after an approval, service1's us-east-1 routing
 * control is turned Off through the ARC cluster's endpoints (tried in turn; on this sandbox the
 * us-east-1 endpoint is down and must be skipped), service1 must be served from us-west-2 — through
 * the shared API, as clients reach it — while service2 and the shared API itself never leave
 * us-east-1; after a second approval the control goes back On and service1 comes home.
 *
 * Approvals: at a terminal, answer y; in CI, `--approve all` (or `--approve fail-over-service1,fail-back`).
 */
export const drill = defineDrill({
  name: 'ref-per-service-arc',
  description:
    'Behind a shared API, turn service1’s us-east-1 ARC routing control Off (after approval, through the cluster’s endpoints) and back On. Proves service1 moves to us-west-2 and back while service2 and the shared API never leave us-east-1.',
  service: 'service1',
  sandbox: { topology: '../topologies/per-service-arc.ts' },
  load: { rate: 20, timeout: '2s', services: ['service1', 'service2', 'shared-api'] },
  steps: [
    { step: 'hold', name: 'baseline', duration: '2s' },
    { step: 'approve', name: 'fail-over-service1', question: 'Fail over service1 to us-west-2 (routing control Off)?', timeout: '5m' },
    { step: 'inject', fault: 'service1-off' },
    { step: 'until', name: 'service1-on-us-west-2', traffic: { region: 'secondary', service: 'service1', atLeast: 100, window: '1s' }, within: '5s' },
    { step: 'hold', name: 'service1-moved', duration: '2s' },
    { step: 'approve', name: 'fail-back', question: 'Fail service1 back to us-east-1 (routing control On)?', timeout: '5m' },
    { step: 'revert', fault: 'service1-off' },
    { step: 'until', name: 'service1-back', traffic: { region: 'primary', service: 'service1', atLeast: 100, window: '1s' }, within: '5s' },
    { step: 'hold', name: 'settle', duration: '2s' },
  ],
  probes: { dnsInterval: '100ms' },
  faults: [{ injector: 'routing-control', name: 'service1-off', target: { region: 'primary', service: 'service1' }, state: 'Off' }],
  assertions: [
    { assertion: 'dns-convergence', service: 'service1', to: 'secondary', within: '3s' },
    { assertion: 'region-share', service: 'service1', region: 'secondary', minShare: 100, steps: { from: 'service1-moved' }, name: 'service1 served from us-west-2 through the shared API' },
    { assertion: 'region-share', service: 'service2', region: 'primary', minShare: 100, steps: { from: 'baseline', to: 'settle' }, name: 'service2 never leaves us-east-1' },
    { assertion: 'region-share', service: 'shared-api', region: 'primary', minShare: 100, steps: { from: 'baseline', to: 'settle' }, name: 'the shared API never leaves us-east-1' },
    { assertion: 'error-budget', service: 'service1', phase: 'all', maxErrorRate: 0 },
    { assertion: 'error-budget', service: 'service2', phase: 'all', maxErrorRate: 0 },
    { assertion: 'error-budget', service: 'shared-api', phase: 'all', maxErrorRate: 0 },
    { assertion: 'failback', service: 'service1', within: '3s', finalWindow: '2s' },
  ],
});
