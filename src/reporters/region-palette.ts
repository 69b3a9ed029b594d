import { knownRegions } from '../assertions/answer-regions.ts';
import type { RunRecord } from '../runner/run-record.ts';

/** Colour-blind-friendly hues; primary is always blue and secondary always orange across reports. */
const PRIMARY = '#2b6cb0';
const SECONDARY = '#dd6b20';
const OTHERS = ['#6b46c1', '#2c7a7b', '#b83280', '#718096'] as const;
const FALLBACK = '#4a5568';

/** Colour for requests/answers no region could be attached to. */
export const NO_REGION_COLOUR = '#cbd5e0';

/**
 * A stable colour per region named anywhere in the record (environment, address map,
 * series), in display order: primary, secondary, then the rest alphabetically.
 */
export function regionPalette(record: RunRecord): ReadonlyMap<string, string> {
  const [primary = '', secondary = ''] = record.environment.regions;
  const others = new Set<string>([
    ...knownRegions(record),
    ...record.series.points.flatMap((point) => Object.keys(point.byRegion)),
  ]);
  for (const region of record.environment.regions) others.delete(region);
  const palette = new Map<string, string>([
    [primary, PRIMARY],
    [secondary, SECONDARY],
  ]);
  // Further regions of the environment in its order, then any other region seen, alphabetically.
  [...record.environment.regions.slice(2), ...[...others].sort()].forEach((region, index) => palette.set(region, OTHERS[index] ?? FALLBACK));
  return palette;
}
