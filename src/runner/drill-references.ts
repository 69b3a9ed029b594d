import type { Drill } from '../drill/drill-schema.ts';
import type { Environment } from '../drill/environment.ts';
import { TargetNotFoundError } from '../injectors/injector.ts';
import { injectorFor } from '../injectors/injector-registry.ts';
import { unsetServiceRequestVariables } from '../drill/service-request.ts';
import { changedResources, duplicateTargetProblems } from './duplicate-targets.ts';
import { faultName } from '../drill/fault-name.ts';
import { observedServices } from '../drill/observed-services.ts';
import { regionRefProblem, type RegionRef } from '../drill/region-ref.ts';
import { stopAlarmRegionProblem } from '../drill/stop-alarm.ts';
import { conditionOf } from '../steps/conditions/condition-registry.ts';

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
  problems.push(...edgeProblems(drill, environment));
  // A token the load cannot read would turn the whole run into 401s: refused now, not found later.
  problems.push(...unsetServiceRequestVariables(environment.name, environment.services, [drill.service, ...(drill.load.services ?? [])]));
  problems.push(...regionRefProblems(drill, environment));
  const resolved: { index: number; resources: ReadonlySet<string> }[] = [];
  for (const [index, fault] of drill.faults.entries()) {
    if (problems.some((problem) => problem.startsWith(`faults[${index}].`))) continue;
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

/** `load.via: 'edge'` needs an edge in front of every service the drill loads. */
function edgeProblems(drill: Drill, environment: Environment): string[] {
  if (drill.load.via !== 'edge') return [];
  return [drill.service, ...(drill.load.services ?? [])].flatMap((name) => {
    const service = environment.services[name];
    if (service === undefined || service.edgeUrl !== undefined) return [];
    return [`load.via: "edge" but service "${name}" in environment "${environment.name}" has no edgeUrl (set services.${name}.edgeUrl to the CloudFront distribution's URL, or load via "dns")`];
  });
}

/**
 * Every region a drill names, by role, position or AWS name, against the chain of the service it
 * is about; every service an assertion filters on against the services the drill observes; every
 * fault an assertion times from against the drill's fault names; every region and service an
 * until step waits on.
 */
function regionRefProblems(drill: Drill, environment: Environment): string[] {
  const problems: string[] = [];
  const chainOf = (service: string): readonly string[] | undefined => environment.services[service]?.regions;
  const check = (field: string, ref: RegionRef, service: string): void => {
    const regions = chainOf(service);
    if (regions === undefined) return;
    const problem = regionRefProblem(ref, regions, `service "${service}" in environment "${environment.name}"`);
    if (problem !== undefined) problems.push(`${field}: ${problem}`);
  };
  for (const [index, fault] of drill.faults.entries()) {
    const target: { readonly region?: RegionRef; readonly service?: string; readonly services?: readonly string[] } | undefined = 'target' in fault ? fault.target : undefined;
    if (target?.region === undefined) continue;
    for (const service of target.services ?? [target.service ?? drill.service]) check(`faults[${index}].target.region`, target.region, service);
  }
  const names = drill.faults.map(faultName);
  names.forEach((name, index) => {
    if (names.indexOf(name) !== index) problems.push(`faults[${index}].name: "${name}" is already the name of faults[${names.indexOf(name)}]`);
  });
  const observed = observedServices(drill);
  for (const [index, assertion] of drill.assertions.entries()) {
    const service = 'service' in assertion && assertion.service !== undefined ? assertion.service : drill.service;
    if (!observed.includes(service)) {
      problems.push(`assertions[${index}].service: "${service}" is not a service the drill loads (it loads: ${observed.join(', ')}; add it to load.services)`);
      continue;
    }
    if ('to' in assertion) check(`assertions[${index}].to`, assertion.to, service);
    if ('region' in assertion && assertion.region !== undefined) check(`assertions[${index}].region`, assertion.region, service);
    if ('minShares' in assertion && assertion.minShares !== undefined) {
      for (const key of Object.keys(assertion.minShares)) check(`assertions[${index}].minShares.${key}`, key, service);
    }
    if ('fault' in assertion && assertion.fault !== undefined && !names.includes(assertion.fault)) {
      problems.push(`assertions[${index}].fault: "${assertion.fault}" is not the name of a fault of this drill (its faults: ${names.join(', ')})`);
    }
  }
  for (const [index, step] of (drill.steps ?? []).entries()) {
    if (step.step !== 'until') continue;
    const { condition, options } = conditionOf(step);
    const { region, service = drill.service } = condition.references(options);
    const field = `steps[${index}].${condition.key}`;
    if (!observed.includes(service)) problems.push(`${field}.service: "${service}" is not a service the drill loads (it loads: ${observed.join(', ')}; add it to load.services)`);
    else if (region !== undefined) check(`${field}.region`, region, service);
  }
  for (const [index, alarm] of (drill.guardrails.stopOnAlarms ?? []).entries()) {
    const problem = stopAlarmRegionProblem(alarm, environment);
    if (problem !== undefined) problems.push(`guardrails.stopOnAlarms[${index}].region: ${problem}`);
  }
  return problems;
}
