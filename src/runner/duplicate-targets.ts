import type { IamPermission } from '../injectors/injector.ts';

/** Actions that only read: a fault holding one on a resource does not change it. */
const READ_ONLY_ACTION = /^[\w-]+:(Get|Describe|List|GET$)/;

/**
 * What a fault changes, as resource ARNs: the resources of its write permissions, wildcards left
 * out (they name a family, like every experiment, not one target). ARNs are canonical, so a
 * function named by name in one fault and by ARN in another is one resource.
 */
export function changedResources(permissions: readonly IamPermission[]): Set<string> {
  return new Set(
    permissions.filter((permission) => !READ_ONLY_ACTION.test(permission.action) && !permission.resource.includes('*')).map((permission) => permission.resource),
  );
}

/**
 * Two faults on one target undo each other: the second reads the first's fault as its prior
 * state (or refuses it half-way through the run, after the first is in). One problem per fault
 * that changes a resource an earlier fault already changes.
 */
export function duplicateTargetProblems(faults: readonly { readonly index: number; readonly resources: ReadonlySet<string> }[]): string[] {
  const owner = new Map<string, number>();
  const problems: string[] = [];
  for (const { index, resources } of faults) {
    const shared = [...resources].filter((resource) => owner.has(resource));
    if (shared.length > 0) {
      const earlier = [...new Set(shared.map((resource) => owner.get(resource)))].map((i) => `faults[${i}]`).join(', ');
      problems.push(
        `faults[${index}]: changes ${shared.join(', ')}, which ${earlier} already changes; two faults on one target undo each other's prior state (merge them into one fault or drop one)`,
      );
    }
    for (const resource of resources) if (!owner.has(resource)) owner.set(resource, index);
  }
  return problems;
}
