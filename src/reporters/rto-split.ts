import { figureNamed, type Figure } from '../assertions/figure.ts';
import type { RunRecord } from '../runner/run-record.ts';

/** The three parts of a recovery, in the order they happen, and the headline figure each is. */
export const RTO_PARTS = [
  { key: 'detect', label: 'Detect', figure: 'rto.detect' },
  { key: 'shift', label: 'DNS shift', figure: 'rto.shift' },
  { key: 'clients', label: 'Clients recovered', figure: 'rto' },
] as const;

export type RtoPartKey = (typeof RTO_PARTS)[number]['key'];

/** One service's RTO split as run.json stores it; a part is undefined when the run did not measure it. */
export interface RtoSplit {
  /** The service, when the run loaded several (or named it); undefined for a one-service run without a name. */
  readonly service: string | undefined;
  readonly parts: readonly { readonly key: RtoPartKey; readonly label: string; readonly figure: Figure | undefined }[];
}

/**
 * Each loaded service's RTO split (detect, DNS shift, clients), read from run.json's `figures`,
 * never recomputed: `service1:rto.detect` for a named service, the unqualified figures for the
 * drill's own service (they were measured on it). One row per loaded service, the drill's own first.
 */
export function rtoSplits(record: RunRecord): RtoSplit[] {
  const own = record.context?.defaultService;
  const loaded = Object.keys(record.environment.services ?? {});
  const services = loaded.length === 0 ? [own] : [...new Set([...(own !== undefined && loaded.includes(own) ? [own] : []), ...loaded])];
  return services.map((service) => ({
    service,
    parts: RTO_PARTS.map((part) => ({
      key: part.key,
      label: part.label,
      figure:
        (service === undefined ? undefined : figureNamed(record.figures, `${service}:${part.figure}`)) ??
        (service === own || services.length === 1 ? figureNamed(record.figures, part.figure) : undefined),
    })),
  }));
}
