import { z } from 'zod';
import { faultFields } from './fault-fields.ts';
import { regionRefSchema } from '../drill/region-ref.ts';
import type { InjectorDefinition, InjectorDeps } from './injector.ts';
import {
  concurrencyManualUndo,
  concurrencyPermissions,
  concurrencyRevertCall,
  priorConcurrency,
  readReservedConcurrency,
  restoreConcurrency,
  throttleFunction,
} from './lambda-concurrency.ts';
import { regionValue, resolveServiceTarget } from './resolve-target.ts';
import { waitUntil } from '../util/wait-until.ts';

export const lambdaThrottleSpecSchema = z.strictObject({
  injector: z.literal('lambda-throttle'),
  ...faultFields,
  target: z.strictObject({
    /** Service whose function to throttle; defaults to the drill's service. */
    service: z.string().min(1).optional(),
    region: regionRefSchema,
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
 * exact: put back the old reservation, or delete it if there was none. (`lambda-500` with
 * `mode: 'throttle'` does the same for several functions at once.)
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
    const handle: LambdaThrottleHandle = await priorConcurrency(deps, region, functionName);
    await journal(handle);
    return { handle, requestIds: await throttleFunction(deps, handle) };
  },

  async verify(handle, deps, signal) {
    await waitUntil(async () => (await readReservedConcurrency(deps, handle.region, handle.functionName)) === 0, {
      interval: VERIFY_POLL_MS,
      signal,
    });
  },

  rollback(handle, deps) {
    return restoreConcurrency(deps, handle);
  },

  describe(handle) {
    return `lambda ${handle.region} ${handle.functionName}`;
  },

  manualUndo(handle, aws) {
    return [concurrencyManualUndo(handle, aws)];
  },

  revertCalls(handle) {
    return [concurrencyRevertCall(handle)];
  },

  permissions(spec, deps) {
    const { region, functionName } = locate(spec, deps);
    return concurrencyPermissions(deps, region, functionName);
  },
};

function locate(spec: LambdaThrottleSpec, deps: Pick<InjectorDeps, 'environment' | 'defaultService'>): { region: string; functionName: string } {
  const serviceName = spec.target.service ?? deps.defaultService;
  const target = resolveServiceTarget(deps.environment, serviceName, spec.target.region);
  return { region: target.region, functionName: regionValue(target, 'functions') };
}
