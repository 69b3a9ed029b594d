import type { DrillInput } from './drill-schema.ts';

/**
 * Identity function that gives a drill file its type; validation happens when drdrill loads it,
 * before anything is touched.
 *
 * @example
 * export const drill = defineDrill({
 *   name: 'primary-lambda-throttle',
 *   service: 'api',
 *   load: { rate: 50 },
 *   phases: { baseline: '3s', recovery: '10s', settle: '8s' },
 *   faults: [{ injector: 'lambda-throttle', target: { region: 'primary' } }],
 *   assertions: [{ assertion: 'dns-convergence', within: '10s' }],
 * });
 */
export function defineDrill<const T extends DrillInput>(drill: T): T {
  return drill;
}
