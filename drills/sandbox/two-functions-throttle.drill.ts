import { defineDrill } from 'drdrill';

/**
 * A multi-target fault: one `lambda-500` entry throttles the primary functions of service1 and
 * service2 together (`target.services`). They are changed in order; if the second change fails,
 * the first is rolled back before the drill stops, and rollback always runs newest first.
 */
export const drill = defineDrill({
  name: 'two-functions-throttle',
  description:
    'Throttle the primary functions of service1 and service2 in one fault. Proves a multi-target fault fails service1 over and restores both functions.',
  service: 'service1',
  load: { rate: 20, timeout: '2s' },
  phases: { baseline: '2s', recovery: '7s', settle: '7s' },
  probes: { dnsInterval: '100ms' },
  faults: [{ injector: 'lambda-500', mode: 'throttle', target: { region: 'primary', services: ['service1', 'service2'] } }],
  assertions: [
    // A request still in flight when the fault lands can fail; more than one in 40 is a real problem.
    { assertion: 'error-budget', phase: 'baseline', maxErrorRate: 5 },
    { assertion: 'dns-convergence', within: '6s' },
    { assertion: 'failback', within: '6s', finalWindow: '2s' },
  ],
});
