import type { Drill } from '../drill/drill-schema.ts';
import type { Environment } from '../drill/environment.ts';
import { TargetNotFoundError } from '../injectors/injector.ts';
import { injectorFor } from '../injectors/injector-registry.ts';
import { unsetServiceRequestVariables } from '../drill/service-request.ts';
import { changedResources, duplicateTargetProblems } from './duplicate-targets.ts';

/**
 * Every reference a drill makes into its environment — its service, the services it loads, each
 * fault's services, templates and per-region resources — every environment variable the loaded
 * services' requests read, and every pair of faults on one target,
 * checked without a single AWS call. The runner calls this before it reads anything live, so a
 * drill that names something the environment lacks is bad input with nothing touched.
 *
 * @returns problems, each starting with the drill field it is about; empty when all resolve.
 */
export function drillReferenceProblems(drill: Drill, environment: Environment): string[] {
  const problems: string[] = [];
  const unknownService = (name: string): string =>
    `"${name}" is not defined in environment "${environment.name}" (it defines: ${Object.keys(environment.services).join(', ')})`;
  if (environment.services[drill.service] === undefined) problems.push(`service: ${unknownService(drill.service)}`);
  for (const [index, name] of (drill.load.services ?? []).entries()) {
    if (environment.services[name] === undefined) problems.push(`load.services[${index}]: ${unknownService(name)}`);
  }
  // A token the load cannot read would turn the whole run into 401s: refused now, not found later.
  problems.push(...unsetServiceRequestVariables(environment.name, environment.services, [drill.service, ...(drill.load.services ?? [])]));
  const resolved: { index: number; resources: ReadonlySet<string> }[] = [];
  for (const [index, fault] of drill.faults.entries()) {
    try {
      // permissions() resolves the fault against the environment alone, as `drdrill iam-policy` does.
      resolved.push({ index, resources: changedResources(injectorFor(fault.injector).permissions(fault, { environment, defaultService: drill.service })) });
    } catch (error) {
      if (!(error instanceof TargetNotFoundError)) throw error;
      problems.push(`faults[${index}]: ${error.message}`);
    }
  }
  problems.push(...duplicateTargetProblems(resolved));
  return problems;
}
