import {
  DeleteFunctionConcurrencyCommand,
  GetFunctionConcurrencyCommand,
  PutFunctionConcurrencyCommand,
} from '@aws-sdk/client-lambda';
import type { AwsApiCall } from '../aws/aws-api-call.ts';
import type { AwsCli } from '../aws/aws-cli.ts';
import { lambdaFunctionArn } from './arns.ts';
import { awsCall, isAwsError, requestIdsOf } from './aws-call.ts';
import { TargetNotFoundError, TargetRefusedError, type IamPermission, type InjectorDeps } from './injector.ts';

/** One function's reserved concurrency before the fault: null means none was configured. */
export type FunctionConcurrency = {
  readonly region: string;
  readonly functionName: string;
  readonly prior: number | null;
};

export async function readReservedConcurrency(deps: InjectorDeps, region: string, functionName: string): Promise<number | null> {
  try {
    const output = await awsCall(deps, { action: 'lambda:GetFunctionConcurrency', resource: lambdaFunctionArn(deps.environment, region, functionName) }, () =>
      deps.clients.lambda(region).send(new GetFunctionConcurrencyCommand({ FunctionName: functionName })),
    );
    return output.ReservedConcurrentExecutions ?? null;
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFoundException')) {
      throw new TargetNotFoundError(
        `lambda function "${functionName}" not found in ${region} (environment "${deps.environment.name}")`,
        { cause: error, id: functionName, region },
      );
    }
    throw error;
  }
}

/** Reads the prior reservation and refuses a function that is already throttled. */
export async function priorConcurrency(deps: InjectorDeps, region: string, functionName: string): Promise<FunctionConcurrency> {
  const prior = await readReservedConcurrency(deps, region, functionName);
  if (prior === 0) {
    throw new TargetRefusedError(
      `lambda ${region} ${functionName} already has ReservedConcurrentExecutions 0: another drill or a person ` +
        'may be mid-change. Restore its concurrency (or delete the reservation) and run the drill again.',
    );
  }
  return { region, functionName, prior };
}

export async function throttleFunction(deps: InjectorDeps, target: FunctionConcurrency): Promise<string[]> {
  const output = await awsCall(deps, { action: 'lambda:PutFunctionConcurrency', resource: lambdaFunctionArn(deps.environment, target.region, target.functionName) }, () =>
    deps.clients.lambda(target.region).send(new PutFunctionConcurrencyCommand({ FunctionName: target.functionName, ReservedConcurrentExecutions: 0 })),
  );
  return requestIdsOf(output);
}

/**
 * Puts the old reservation back, or deletes it if there was none. Reads first, so a rollback that
 * already happened (or a change that never landed) costs no mutating call.
 */
export async function restoreConcurrency(deps: InjectorDeps, target: FunctionConcurrency): Promise<{ requestIds: string[] }> {
  if ((await readReservedConcurrency(deps, target.region, target.functionName)) === target.prior) return { requestIds: [] };
  const client = deps.clients.lambda(target.region);
  const resource = lambdaFunctionArn(deps.environment, target.region, target.functionName);
  const output =
    target.prior === null
      ? await awsCall(deps, { action: 'lambda:DeleteFunctionConcurrency', resource }, () =>
          client.send(new DeleteFunctionConcurrencyCommand({ FunctionName: target.functionName })),
        )
      : await awsCall(deps, { action: 'lambda:PutFunctionConcurrency', resource }, () =>
          client.send(new PutFunctionConcurrencyCommand({ FunctionName: target.functionName, ReservedConcurrentExecutions: target.prior ?? undefined })),
        );
  return { requestIds: requestIdsOf(output) };
}

export function concurrencyManualUndo(target: FunctionConcurrency, aws: AwsCli): string {
  return target.prior === null
    ? `${aws()} lambda delete-function-concurrency --region ${target.region} --function-name ${target.functionName}`
    : `${aws()} lambda put-function-concurrency --region ${target.region} --function-name ${target.functionName} --reserved-concurrent-executions ${target.prior}`;
}

/**
 * The restore as one call for the dead-man's switch. Both calls are safe when the fault is already
 * undone: they set the prior reservation again, and DeleteFunctionConcurrency succeeds on a
 * function with no reservation.
 */
export function concurrencyRevertCall(target: FunctionConcurrency): AwsApiCall {
  return target.prior === null
    ? { service: 'lambda', api: 'DeleteFunctionConcurrency', region: target.region, request: { FunctionName: target.functionName } }
    : { service: 'lambda', api: 'PutFunctionConcurrency', region: target.region, request: { FunctionName: target.functionName, ReservedConcurrentExecutions: target.prior } };
}

export function concurrencyPermissions(deps: Pick<InjectorDeps, 'environment'>, region: string, functionName: string): IamPermission[] {
  const resource = lambdaFunctionArn(deps.environment, region, functionName);
  return ['lambda:GetFunctionConcurrency', 'lambda:PutFunctionConcurrency', 'lambda:DeleteFunctionConcurrency'].map((action) => ({ action, resource }));
}
