/**
 * Explains why `region` cannot be recognised in DNS answers, or returns undefined when some
 * address maps to it. Without this check a mistyped region would read as "never converged",
 * blaming the system for an environment error.
 */
export function unknownRegionProblem(
  regionsByAddress: Readonly<Record<string, string>>,
  region: string,
  role: string,
): string | undefined {
  const known = new Set(Object.values(regionsByAddress));
  if (known.has(region)) return undefined;
  const listed = known.size === 0 ? 'no regions at all' : [...known].sort().join(', ');
  return `no address is known for the ${role} region ${JSON.stringify(region)} (regionsByAddress maps to ${listed}), so DNS answers cannot be read as ${role}`;
}
