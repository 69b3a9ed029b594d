import { observedServices } from '../drill/observed-services.ts';
import type { Drill } from '../drill/drill-schema.ts';
import type { Environment } from '../drill/environment.ts';
import { homeRegion } from '../drill/environment.ts';
import { healthCheckArn, lambdaFunctionArn } from '../injectors/arns.ts';
import { evidencePermissions } from '../evidence/evidence-permissions.ts';
import type { IamCondition, IamPermission } from '../injectors/injector.ts';
import { injectorFor } from '../injectors/injector-registry.ts';
import { stopAlarmPermissions } from '../runner/alarm-guard.ts';
import { deadMansSwitchPermissions } from '../runner/dead-mans-switch.ts';
import { servicesUsed } from '../runner/check-environment-ids.ts';
import { lockPermissions } from '../runner/target-lock.ts';

export interface IamStatement {
  readonly Sid: string;
  readonly Effect: 'Allow';
  readonly Action: readonly string[];
  readonly Resource: readonly string[];
  readonly Condition?: IamCondition;
}

export interface IamPolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly IamStatement[];
}

/** A permission and why the drill needs it, so the policy can be explained line by line. */
export interface ExplainedPermission extends IamPermission {
  readonly neededBy: string;
}

/**
 * Every permission one run of the drill needs against the environment: each fault's plan,
 * inject, verify and rollback calls, and the observers'. Derived from the drill and the
 * environment alone, without calling AWS.
 */
export function requiredPermissions(drill: Drill, environment: Environment): ExplainedPermission[] {
  const deps = { environment, defaultService: drill.service };
  const permissions: ExplainedPermission[] = [];
  drill.faults.forEach((fault, index) => {
    for (const permission of injectorFor(fault.injector).permissions(fault, deps)) {
      permissions.push({ ...permission, neededBy: `faults[${index}] (${fault.injector})` });
    }
  });
  for (const permission of stopAlarmPermissions(drill.guardrails.stopOnAlarms ?? [], environment)) {
    permissions.push({ ...permission, neededBy: 'guardrails.stopOnAlarms' });
  }
  // One drill per target at a time: lock parameters in the primary region.
  for (const permission of lockPermissions(homeRegion(environment), environment.accountId)) permissions.push({ ...permission, neededBy: 'target lock' });
  // The switch's runbook makes the undo calls with the caller's permissions (or its assumed role's).
  for (const permission of deadMansSwitchPermissions(environment)) permissions.push({ ...permission, neededBy: "dead-man's switch" });
  // Signing the run's evidence with the environment's KMS key.
  for (const permission of evidencePermissions(environment)) permissions.push({ ...permission, neededBy: 'evidence signing' });
  // The account guardrail asks STS who the caller is before anything changes (AWS only).
  if (environment.kind === 'aws') permissions.push({ action: 'sts:GetCallerIdentity', resource: '*', neededBy: 'account guardrail' });
  // The health-check observer reads each check's rules and what Route 53's checkers report; the
  // DNS prober asks the zone for its name servers so it can probe them too. Preflight reads every
  // id the environment names for each service the drill uses (see findMissingEnvironmentIds).
  const observed = observedServices(drill);
  for (const name of servicesUsed(drill)) {
    const service = environment.services[name];
    if (service === undefined) continue;
    for (const id of new Set(Object.values(service.healthChecks))) {
      permissions.push({ action: 'route53:GetHealthCheck', resource: healthCheckArn(id), neededBy: 'health-check observer' });
      if (observed.includes(name)) permissions.push({ action: 'route53:GetHealthCheckStatus', resource: healthCheckArn(id), neededBy: 'health-check observer' });
    }
    const zone = `arn:aws:route53:::hostedzone/${service.hostedZoneId.replace(/^\/?hostedzone\//, '')}`;
    permissions.push({ action: 'route53:GetHostedZone', resource: zone, neededBy: 'DNS prober (authoritative name servers)' });
    permissions.push({ action: 'route53:ListResourceRecordSets', resource: zone, neededBy: 'preflight (the watched record exists)' });
    for (const [region, functionName] of Object.entries(service.functions)) {
      permissions.push({
        action: 'lambda:GetFunctionConfiguration',
        resource: lambdaFunctionArn(environment, region, functionName),
        neededBy: 'preflight (the functions exist)',
      });
    }
  }
  return permissions;
}

/**
 * The least-privilege policy for the drill: one statement per group of actions that share the
 * exact same resources, actions and resources sorted, so the output is stable and diffable.
 */
export function deriveIamPolicy(drill: Drill, environment: Environment): IamPolicyDocument {
  // An action under a condition is a permission of its own: the condition must not widen the others.
  const resourcesByAction = new Map<string, { action: string; condition?: IamCondition; resources: Set<string> }>();
  for (const { action, resource, condition } of requiredPermissions(drill, environment)) {
    const key = condition === undefined ? action : `${action} ${JSON.stringify(condition)}`;
    const entry = resourcesByAction.get(key) ?? { action, ...(condition === undefined ? {} : { condition }), resources: new Set<string>() };
    entry.resources.add(resource);
    resourcesByAction.set(key, entry);
  }
  const actionsByResources = new Map<string, { actions: string[]; resources: string[]; condition?: IamCondition }>();
  for (const [, { action, condition, resources: set }] of [...resourcesByAction].sort(([a], [b]) => a.localeCompare(b))) {
    // A wildcard covers every other resource of the same action: keep the policy minimal but exact.
    const resources = set.has('*') ? ['*'] : [...set].sort();
    const key = `${resources.join('\n')}\n${JSON.stringify(condition ?? null)}`;
    const group = actionsByResources.get(key) ?? { actions: [], resources, ...(condition === undefined ? {} : { condition }) };
    group.actions.push(action);
    actionsByResources.set(key, group);
  }
  const sidCounts = new Map<string, number>();
  const statements = [...actionsByResources.values()]
    .sort((a, b) => (a.actions[0] ?? '').localeCompare(b.actions[0] ?? ''))
    .map(({ actions, resources, condition }): IamStatement => {
      const base = sidBase(actions[0] ?? 'Drill');
      const count = (sidCounts.get(base) ?? 0) + 1;
      sidCounts.set(base, count);
      return { Sid: `Drdrill${base}${count}`, Effect: 'Allow', Action: actions, Resource: resources, ...(condition === undefined ? {} : { Condition: condition }) };
    });
  return { Version: '2012-10-17', Statement: statements };
}

/** `route53-recovery-cluster:GetRoutingControlState` → `Route53RecoveryCluster`: Sids allow only letters and digits. */
function sidBase(action: string): string {
  const service = action.split(':')[0] ?? 'Drill';
  return service
    .split(/[^a-zA-Z0-9]+/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
