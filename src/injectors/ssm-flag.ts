import type { AwsCli } from '../aws/aws-cli.ts';
import { DeleteParameterCommand, GetParameterCommand, PutParameterCommand, type ParameterType } from '@aws-sdk/client-ssm';
import type { AwsApiCall } from '../aws/aws-api-call.ts';
import { ssmParameterArn } from './arns.ts';
import { awsCall, isAwsError, requestIdsOf } from './aws-call.ts';
import { TargetRefusedError, type IamPermission, type InjectorDeps } from './injector.ts';

/** A failure-lambda flag parameter and what it held before: `prior` null means it did not exist. */
export type FlagTarget = {
  readonly region: string;
  readonly name: string;
  readonly prior: { readonly value: string; readonly type: string } | null;
  /** The JSON written while the fault is in. */
  readonly flag: string;
};

/**
 * The failure-lambda flag: every invocation (at `rate`) answers `statusCode`. Fields of the prior
 * flag (latencies, denylist, …) are kept, so a function that expects them still parses it.
 */
export function failureFlag(statusCode: number, rate: number, priorValue?: string): string {
  return JSON.stringify({ ...flagFields(priorValue), isEnabled: true, failureMode: 'statuscode', statusCode, rate });
}

function flagFields(value: string | undefined): Record<string, unknown> {
  if (value === undefined) return {};
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export async function readParameter(deps: InjectorDeps, region: string, name: string): Promise<{ value: string; type: string } | null> {
  try {
    const output = await awsCall(deps, { action: 'ssm:GetParameter', resource: ssmParameterArn(deps.environment, region, name) }, () =>
      deps.clients.ssm(region).send(new GetParameterCommand({ Name: name, WithDecryption: true })),
    );
    return { value: output.Parameter?.Value ?? '', type: output.Parameter?.Type ?? 'String' };
  } catch (error) {
    if (isAwsError(error, 'ParameterNotFound')) return null;
    throw error;
  }
}

/** Reads the prior flag and refuses one that is already enabled. */
export async function priorFlag(deps: InjectorDeps, region: string, name: string, statusCode: number, rate: number): Promise<FlagTarget> {
  const prior = await readParameter(deps, region, name);
  if (prior !== null && flagEnabled(prior.value)) {
    throw new TargetRefusedError(
      `SSM parameter ${name} in ${region} already holds an enabled failure flag (${prior.value}): another drill or a person ` +
        'may be mid-change. Set "isEnabled" to false (or delete the parameter) and run the drill again.',
    );
  }
  return { region, name, prior, flag: failureFlag(statusCode, rate, prior?.value) };
}

export async function writeFlag(deps: InjectorDeps, target: FlagTarget): Promise<string[]> {
  const output = await awsCall(deps, { action: 'ssm:PutParameter', resource: ssmParameterArn(deps.environment, target.region, target.name) }, () =>
    deps.clients.ssm(target.region).send(
      new PutParameterCommand({ Name: target.name, Value: target.flag, Type: (target.prior?.type ?? 'String') as ParameterType, Overwrite: true }),
    ),
  );
  return requestIdsOf(output);
}

/** Puts the prior value back (only if it differs, so a second rollback changes nothing) or deletes a parameter the drill created. */
export async function restoreFlag(deps: InjectorDeps, target: FlagTarget): Promise<{ requestIds: string[] }> {
  const resource = ssmParameterArn(deps.environment, target.region, target.name);
  const client = deps.clients.ssm(target.region);
  if (target.prior === null) {
    try {
      const output = await awsCall(deps, { action: 'ssm:DeleteParameter', resource }, () => client.send(new DeleteParameterCommand({ Name: target.name })));
      return { requestIds: requestIdsOf(output) };
    } catch (error) {
      if (isAwsError(error, 'ParameterNotFound')) return { requestIds: [] };
      throw error;
    }
  }
  const current = await readParameter(deps, target.region, target.name);
  if (current !== null && current.value === target.prior.value && current.type === target.prior.type) return { requestIds: [] };
  const prior = target.prior;
  const output = await awsCall(deps, { action: 'ssm:PutParameter', resource }, () =>
    client.send(new PutParameterCommand({ Name: target.name, Value: prior.value, Type: prior.type as ParameterType, Overwrite: true })),
  );
  return { requestIds: requestIdsOf(output) };
}

export function flagEnabled(value: string): boolean {
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'object' && parsed !== null && (parsed as { isEnabled?: unknown }).isEnabled === true;
  } catch {
    return false;
  }
}

export function flagManualUndo(target: FlagTarget, aws: AwsCli): string {
  return target.prior === null
    ? `${aws()} ssm delete-parameter --region ${target.region} --name ${target.name}`
    : `${aws()} ssm put-parameter --region ${target.region} --name ${target.name} --type ${target.prior.type} --overwrite --value '${target.prior.value.replaceAll("'", "'\\''")}'`;
}

/**
 * The restore as one call for the dead-man's switch: overwrite with the prior value and type (a
 * repeat only bumps the parameter's Version), or delete a parameter the drill created — which
 * fails harmlessly with ParameterNotFound when it is already gone.
 */
export function flagRevertCall(target: FlagTarget): AwsApiCall {
  return target.prior === null
    ? { service: 'ssm', api: 'DeleteParameter', region: target.region, request: { Name: target.name } }
    : { service: 'ssm', api: 'PutParameter', region: target.region, request: { Name: target.name, Value: target.prior.value, Type: target.prior.type, Overwrite: true } };
}

export function flagPermissions(deps: Pick<InjectorDeps, 'environment'>, region: string, name: string): IamPermission[] {
  const resource = ssmParameterArn(deps.environment, region, name);
  return ['ssm:GetParameter', 'ssm:PutParameter', 'ssm:DeleteParameter'].map((action) => ({ action, resource }));
}
