import type { DnsObservation } from './timeline.ts';
import { startDnsProber, type DnsProber } from '../observers/dns-prober.ts';

export interface ServiceProbersOptions {
  /** Each observed service and the record name its clients resolve. */
  readonly services: readonly { readonly service: string; readonly name: string }[];
  readonly resolvers: readonly string[];
  readonly intervalMs: number;
  readonly onObservation: (observation: DnsObservation) => void;
  readonly signal: AbortSignal;
}

/**
 * Probes every observed service's record on every resolver, each answer tagged with its service,
 * so assertions on one service read only its answers. Started and stopped as one prober.
 */
export function startServiceProbers(options: ServiceProbersOptions): DnsProber {
  return startDnsProber({
    resolvers: options.resolvers,
    names: options.services,
    intervalMs: options.intervalMs,
    onObservation: options.onObservation,
    signal: options.signal,
  });
}
