import type { Drill } from './drill-schema.ts';

/**
 * The services a drill loads and watches: its own service first, then every one in
 * `load.services`. Each gets load, DNS probes and health polling, and assertions may filter on
 * any of them (and only on them: a service nobody observed has nothing to judge).
 */
export function observedServices(drill: Pick<Drill, 'service' | 'load'>): string[] {
  return [...new Set([drill.service, ...(drill.load.services ?? [])])];
}
