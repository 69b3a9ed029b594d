import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { GetHealthCheckCommand, GetHostedZoneCommand, ListResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import type { AwsClients } from '../aws/aws-clients.ts';
import type { Drill } from '../drill/drill-schema.ts';
import type { Environment } from '../drill/environment.ts';
import { InvalidInputError } from '../drill/invalid-input-error.ts';
import { isAwsError } from '../injectors/aws-call.ts';
import type { TargetNotFoundError } from '../injectors/injector.ts';

/** One id the environment names that does not exist where it says: the field and why. */
export interface MissingId {
  /** Path of the environment field, e.g. `services.api.healthChecks.primary`. */
  readonly field: string;
  readonly problem: string;
}

/**
 * Reads, read-only, every id the drill's observers and load use from the environment — each
 * loaded or targeted service's hosted zone, watched record, health checks and functions — and
 * returns the ones that do not exist. A health check that is not there would otherwise only make
 * the poller complain while the drill "passes" on health it never read. Ids a fault changes
 * (custom domains, security groups, routing controls, templates) are read by the faults' own
 * plans, which report them as `TargetNotFoundError` with the id (see `environmentFieldsHolding`).
 *
 * Not-found answers are missing ids; any other error (access denied, network) propagates, since
 * it says nothing about whether the id exists.
 */
export async function findMissingEnvironmentIds(drill: Drill, environment: Environment, clients: AwsClients): Promise<MissingId[]> {
  const checks: Promise<MissingId | undefined>[] = [];
  for (const name of servicesUsed(drill)) {
    const service = environment.services[name];
    // An undefined service is the drill's error, reported by the runner with the drill's field.
    if (service === undefined) continue;
    const at = `services.${name}`;
    checks.push(hostedZoneAndRecord(clients, `${at}`, service.hostedZoneId, service.recordName));
    for (const region of service.regions) {
      const healthCheckId = service.healthChecks[region];
      const functionName = service.functions[region];
      if (healthCheckId !== undefined) {
        checks.push(
          missingWhen(`${at}.healthChecks.${region}`, ['NoSuchHealthCheck'], `Route 53 health check "${healthCheckId}" does not exist`, () =>
            clients.route53().send(new GetHealthCheckCommand({ HealthCheckId: healthCheckId })),
          ),
        );
      }
      if (functionName !== undefined) {
        checks.push(
          missingWhen(`${at}.functions.${region}`, ['ResourceNotFoundException'], `Lambda function "${functionName}" does not exist in ${region}`, () =>
            clients.lambda(region).send(new GetFunctionConfigurationCommand({ FunctionName: functionName })),
          ),
        );
      }
    }
  }
  return (await Promise.all(checks)).filter((missing): missing is MissingId => missing !== undefined);
}

/** The drill's service, the services it loads and the services its faults name. */
export function servicesUsed(drill: Drill): string[] {
  const names = new Set<string>([drill.service, ...(drill.load.services ?? [])]);
  for (const fault of drill.faults) {
    const target: { service?: unknown; services?: unknown } = 'target' in fault && typeof fault.target === 'object' && fault.target !== null ? fault.target : {};
    if (typeof target.service === 'string') names.add(target.service);
    if (Array.isArray(target.services)) for (const name of target.services) if (typeof name === 'string') names.add(name);
  }
  return [...names];
}

async function hostedZoneAndRecord(clients: AwsClients, at: string, hostedZoneId: string, recordName: string): Promise<MissingId | undefined> {
  const zone = await missingWhen(`${at}.hostedZoneId`, ['NoSuchHostedZone'], `Route 53 hosted zone "${hostedZoneId}" does not exist`, () =>
    clients.route53().send(new GetHostedZoneCommand({ Id: hostedZoneId })),
  );
  if (zone !== undefined) return zone;
  const output = await clients.route53().send(new ListResourceRecordSetsCommand({ HostedZoneId: hostedZoneId, StartRecordName: recordName, MaxItems: 1 }));
  const first = output.ResourceRecordSets?.[0]?.Name;
  // Record sets are listed in name order from StartRecordName: the first is the record, if it exists.
  if (first !== undefined && sameName(first, recordName)) return undefined;
  return { field: `${at}.recordName`, problem: `hosted zone "${hostedZoneId}" has no record named "${recordName}"` };
}

async function missingWhen(field: string, codes: readonly string[], problem: string, read: () => Promise<unknown>): Promise<MissingId | undefined> {
  try {
    await read();
    return undefined;
  } catch (error) {
    if (isAwsError(error, ...codes)) return { field, problem };
    throw error;
  }
}

/** DNS names compare without case and without the trailing dot Route 53 adds. */
function sameName(a: string, b: string): boolean {
  const bare = (name: string): string => name.replace(/\.$/, '').replace(/\\052/g, '*').toLowerCase();
  return bare(a) === bare(b);
}

/**
 * Paths of the environment fields whose value is `id`, e.g. `services.api.securityGroups.us-east-1`,
 * so a fault's "not found" can name the field to fix. With `region`, a per-region field keyed by
 * another region is left out.
 */
export function environmentFieldsHolding(environment: Environment, id: string, region?: string): string[] {
  const found: string[] = [];
  const walk = (value: unknown, path: string): void => {
    if (value === id) {
      found.push(path);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    for (const [key, child] of Object.entries(value)) walk(child, path === '' ? key : Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`);
  };
  walk(environment.services, 'services');
  walk(environment.experimentTemplates, 'experimentTemplates');
  if (region === undefined) return found;
  const inRegion = found.filter((path) => {
    const key = environment.regions.find((name) => path.endsWith(`.${name}`));
    return key === undefined || key === region;
  });
  return inRegion.length > 0 ? inRegion : found;
}

/**
 * A fault's TargetNotFoundError as bad input: under the environment's source and field when the
 * missing id is one the environment names, else under the drill's `faults`.
 */
export function missingTargetInput(
  error: TargetNotFoundError,
  where: { readonly environment: Environment; readonly environmentSource: string; readonly drillFile: string },
): InvalidInputError {
  const fields = error.id === undefined ? [] : environmentFieldsHolding(where.environment, error.id, error.region);
  if (fields.length > 0) return new InvalidInputError(where.environmentSource, fields.map((field) => `${field}: ${error.message}`));
  return new InvalidInputError(where.drillFile, [`faults: ${error.message}`]);
}
