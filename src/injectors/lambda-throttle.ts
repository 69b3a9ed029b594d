import {
  DeleteFunctionConcurrencyCommand,
  GetFunctionConcurrencyCommand,
  PutFunctionConcurrencyCommand,
  ResourceNotFoundException,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import pWaitFor from 'p-wait-for';
import { z } from 'zod';
import { logicalRegionSchema } from '../drill/logical-region.ts';
import {
  TargetNotFoundError,
  TargetRefusedError,
  type InjectorDefinition,
  type InjectorDeps,
} from './injector.ts';
import { resolveServiceTarget } from './resolve-target.ts';

export const lambdaThrottleSpecSchema = z.strictObject({
  injector: z.literal('lambda-throttle'),
  target: z.strictObject({
    /** Service whose function to throttle; defaults to the drill's service. */
    service: z.string().min(1).optional(),
    region: logicalRegionSchema,
  }),
});
export type LambdaThrottleSpec = z.output<typeof lambdaThrottleSpecSchema>;

/** What was there before: `prior` null means no reserved concurrency was configured. */
export type LambdaThrottleHandle = {
  readonly region: string;
  readonly functionName: string;
  readonly prior: number | null;
};

const VERIFY_POLL_MS = 200;

/**
 * Throttles a function by setting its reserved concurrency to 0: every invocation is then
 * rejected, and API Gateway answers 500. Needs no code change in the function, and the undo is
 * exact: put back the old reservation, or delete it if there was none.
 */
export const lambdaThrottle: InjectorDefinition<LambdaThrottleSpec, LambdaThrottleHandle> = {
  kind: 'lambda-throttle',
  specSchema: lambdaThrottleSpecSchema,

  async plan(spec, deps) {
    const { region, functionName } = locate(spec, deps);
    const prior = await readReservedConcurrency(deps, region, functionName);
    return [
      {
        target: `lambda ${region} ${functionName}`,
        field: 'ReservedConcurrentExecutions',
        from: prior === null ? 'unreserved' : String(prior),
        to: '0',
      },
    ];
  },

  async inject(spec, deps, journal) {
    const { region, functionName } = locate(spec, deps);
    const prior = await readReservedConcurrency(deps, region, functionName);
    if (prior === 0) {
      throw new TargetRefusedError(
        `lambda ${region} ${functionName} already has ReservedConcurrentExecutions 0: another drill or a person ` +
          'may be mid-change. Restore its concurrency (or delete the reservation) and run the drill again.',
      );
    }
    const handle: LambdaThrottleHandle = { region, functionName, prior };
    await journal(handle);
    const output = await deps.clients
      .lambda(region)
      .send(new PutFunctionConcurrencyCommand({ FunctionName: functionName, ReservedConcurrentExecutions: 0 }));
    return { handle, requestIds: requestIdsOf(output.$metadata.requestId) };
  },

  async verify(handle, deps, signal) {
    await pWaitFor(async () => (await readReservedConcurrency(deps, handle.region, handle.functionName)) === 0, {
      interval: VERIFY_POLL_MS,
      signal,
    });
  },

  async rollback(handle, deps) {
    const client: LambdaClient = deps.clients.lambda(handle.region);
    const output =
      handle.prior === null
        ? await client.send(new DeleteFunctionConcurrencyCommand({ FunctionName: handle.functionName }))
        : await client.send(
            new PutFunctionConcurrencyCommand({
              FunctionName: handle.functionName,
              ReservedConcurrentExecutions: handle.prior,
            }),
          );
    return { requestIds: requestIdsOf(output.$metadata.requestId) };
  },

  describe(handle) {
    return `lambda ${handle.region} ${handle.functionName}`;
  },

  manualUndo(handle) {
    return [
      handle.prior === null
        ? `aws lambda delete-function-concurrency --region ${handle.region} --function-name ${handle.functionName}`
        : `aws lambda put-function-concurrency --region ${handle.region} --function-name ${handle.functionName} --reserved-concurrent-executions ${handle.prior}`,
    ];
  },
};

function locate(spec: LambdaThrottleSpec, deps: InjectorDeps): { region: string; functionName: string } {
  const serviceName = spec.target.service ?? deps.defaultService;
  const target = resolveServiceTarget(deps.environment, serviceName, spec.target.region);
  return { region: target.region, functionName: target.service.functions[spec.target.region] };
}

async function readReservedConcurrency(deps: InjectorDeps, region: string, functionName: string): Promise<number | null> {
  try {
    const output = await deps.clients.lambda(region).send(new GetFunctionConcurrencyCommand({ FunctionName: functionName }));
    return output.ReservedConcurrentExecutions ?? null;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) {
      throw new TargetNotFoundError(
        `lambda function "${functionName}" not found in ${region} (environment "${deps.environment.name}")`,
        { cause: error },
      );
    }
    throw error;
  }
}

function requestIdsOf(requestId: string | undefined): string[] {
  return requestId === undefined ? [] : [requestId];
}
