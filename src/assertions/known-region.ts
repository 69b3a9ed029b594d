import { knownRegions, type RegionEvidence } from './answer-regions.ts';

/**
 * Explains why `region` cannot be recognised in DNS answers, or returns undefined when some
 * address maps to it (statically or through a resolved regional endpoint) or some answer was
 * identified as it. Without this check a mistyped region would read as "never converged",
 * blaming the system for an environment error.
 */
export function unknownRegionProblem(
  timeline: RegionEvidence,
  region: string,
  role: string,
): string | undefined {
  const known = knownRegions(timeline);
  if (known.has(region)) return undefined;
  const listed = known.size === 0 ? 'no regions at all' : [...known].sort().join(', ');
  return `no address is known for the ${role} region ${JSON.stringify(region)} (the regions known are ${listed}), so DNS answers cannot be read as ${role}`;
}
