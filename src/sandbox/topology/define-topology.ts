import type { SandboxTopology } from './topology.ts';

/**
 * Identity function that gives a topology file its type; `drdrill sandbox up --topology` and
 * the sandbox environment validate it when they load it, before anything is bound.
 *
 * @example
 * export const topology = defineTopology({
 *   accountId: '111122223333',
 *   timeScale: 0.1,
 *   hostedZone: { id: 'Z0CASCADE', name: 'cascade.test' },
 *   regions: [
 *     { name: 'eu-central-1', address: '127.0.0.21' },
 *     { name: 'eu-west-1', address: '127.0.0.22' },
 *     { name: 'eu-west-2', address: '127.0.0.23' },
 *   ],
 *   services: [{ name: 'api', recordName: 'api.cascade.test', ttl: 1, healthPath: '/health', regions: ['eu-central-1', 'eu-west-1', 'eu-west-2'] }],
 * });
 */
export function defineTopology<const T extends SandboxTopology>(topology: T): T {
  return topology;
}
