import { z } from 'zod';

/**
 * Role names for the positions of a service's region chain: the first is where traffic goes while
 * everything is healthy, the next is where it fails over to, and so on. Drills name regions by role
 * (or position) so the same drill runs against the sandbox and any account.
 */
export const REGION_ROLES = ['primary', 'secondary', 'tertiary', 'quaternary', 'quinary', 'senary', 'septenary', 'octonary', 'nonary', 'denary'] as const;
export type RegionRole = (typeof REGION_ROLES)[number];

export const AWS_REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d$/;

/**
 * How a drill names a region: a role (`primary`, `secondary`, `tertiary`, …), a 1-based position in
 * the chain (`3`), or an AWS region name (`eu-west-2`). Which region it is depends on the
 * environment, so it is checked against one (see `regionRefProblem`).
 */
const EXPECTED_REF = `expected a role (${REGION_ROLES.slice(0, 3).join(', ')}, …), a position from 1, or an AWS region name such as "eu-west-2"`;
export const regionRefSchema = z
  .union([z.number().int('expected a whole position such as 3').min(1, 'expected a position from 1'), z.string()], { error: EXPECTED_REF })
  .refine((ref) => typeof ref === 'number' || (REGION_ROLES as readonly string[]).includes(ref) || AWS_REGION_PATTERN.test(ref), {
    error: (issue) => `${EXPECTED_REF}, got ${JSON.stringify(issue.input)}`,
  });
/** A role, a 1-based position or an AWS region name (see `regionRefSchema`). */
export type RegionRef = RegionRole | number | string;

/** The role name of the region at `index` (0-based) of a chain: `0` → `primary`, `2` → `tertiary`, `10` → `region-11`. */
export function roleAt(index: number): string {
  return REGION_ROLES[index] ?? `region-${index + 1}`;
}

/** The AWS region a reference names in `regions` (a service's chain, in order), or undefined. */
export function resolveRegionRef(ref: RegionRef, regions: readonly string[]): string | undefined {
  if (typeof ref === 'number') return regions[ref - 1];
  const role = REGION_ROLES.indexOf(ref as RegionRole);
  if (role !== -1) return regions[role];
  return regions.includes(ref) ? ref : undefined;
}

/**
 * Why `ref` names no region of `regions`, in words that say what it has, or undefined when it does.
 *
 * @param where what the regions belong to, e.g. `service "api" of environment "prod"`
 */
export function regionRefProblem(ref: RegionRef, regions: readonly string[], where: string): string | undefined {
  if (resolveRegionRef(ref, regions) !== undefined) return undefined;
  return `${JSON.stringify(ref)} is not a region of ${where} (it has ${regions.length}: ${describeChain(regions)})`;
}

/** A chain as people read it: `primary us-east-1, secondary us-west-2`. */
export function describeChain(regions: readonly string[], separator = ', '): string {
  return regions.map((region, index) => `${roleAt(index)} ${region}`).join(separator);
}

/** Whether `value` is one of the role names. */
export function isRegionRole(value: string): value is RegionRole {
  return (REGION_ROLES as readonly string[]).includes(value);
}

/** A region reference as people read it: `secondary (eu-west-1)`. */
export function describeRegionRef(ref: RegionRef, regions: readonly string[]): string {
  const region = resolveRegionRef(ref, regions);
  if (region === undefined) return String(ref);
  if (region === ref) {
    const index = regions.indexOf(region);
    return `${region} (${roleAt(index)})`;
  }
  return `${typeof ref === 'number' ? roleAt(ref - 1) : ref} (${region})`;
}
