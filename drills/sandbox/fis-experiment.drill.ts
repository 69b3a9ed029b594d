import { defineDrill } from 'drdrill';

/**
 * Starts a named FIS experiment template (the environment's `experimentTemplates`), waits until
 * it runs and stops it on rollback. On the sandbox, `api-primary-errors` makes the primary
 * function fail its invocations.
 */
export const drill = defineDrill({
  name: 'fis-experiment',
  description:
    'Start the api-primary-errors FIS experiment and stop it on rollback. Proves DNS fails over while the experiment runs and returns after it is stopped.',
  service: 'api',
  load: { rate: 20, timeout: '2s' },
  phases: { baseline: '2s', recovery: '7s', settle: '7s' },
  probes: { dnsInterval: '100ms' },
  faults: [{ injector: 'fis-experiment', templates: ['api-primary-errors'] }],
  assertions: [
    // A request still in flight when the fault lands can fail; more than one in 40 is a real problem.
    { assertion: 'error-budget', phase: 'baseline', maxErrorRate: 5 },
    { assertion: 'dns-convergence', within: '6s' },
    { assertion: 'failback', within: '6s', finalWindow: '2s' },
  ],
});
