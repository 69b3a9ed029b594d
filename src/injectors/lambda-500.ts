import { z } from 'zod';
import { faultFields } from './fault-fields.ts';
import { fisManualUndo, fisPermissions, newFisRun, checkTemplateStartable, startExperiment, stopExperiment, waitUntilRunning, type FisRun } from './fis-run.ts';
import type { InjectorDefinition, InjectorDeps, PlannedChange } from './injector.ts';
import {
  concurrencyManualUndo,
  concurrencyPermissions,
  concurrencyRevertCall,
  priorConcurrency,
  readReservedConcurrency,
  restoreConcurrency,
  throttleFunction,
  type FunctionConcurrency,
} from './lambda-concurrency.ts';
import { applyInOrder, undoInReverse } from './multi-target.ts';
import { resolveServiceTargets, requiredResource, serviceTargetSchema } from './service-targets.ts';
import { regionValue } from './resolve-target.ts';
import { failureFlag, flagManualUndo, flagPermissions, flagRevertCall, priorFlag, readParameter, restoreFlag, writeFlag, type FlagTarget } from './ssm-flag.ts';
import { waitUntil } from '../util/wait-until.ts';

const base = { injector: z.literal('lambda-500'), ...faultFields, target: serviceTargetSchema };

/**
 * Makes the functions of one region answer 500, in one of three ways a user picks per function:
 *
 * - `throttle`: reserved concurrency 0, no code change needed (API Gateway answers 500).
 * - `ssm-flag`: writes a failure-lambda JSON flag to the service's `failureFlags` SSM parameter
 *   (`statusCode`, `rate` of invocations). The function caches the flag (~60 s on AWS), so the
 *   fault shows up, and goes away, one cache period late.
 * - `fis`: starts the service's `fisTemplates` FIS experiment template (built on
 *   `aws:lambda:invocation-http-integration-response`) and stops it on rollback.
 *
 * @example { injector: 'lambda-500', mode: 'throttle', target: { region: 'primary', services: ['service1', 'service2'] } }
 * @example { injector: 'lambda-500', mode: 'ssm-flag', statusCode: 503, rate: 0.5, target: { region: 'primary' } }
 */
export const lambda500SpecSchema = z.discriminatedUnion('mode', [
  z.strictObject({ ...base, mode: z.literal('throttle') }),
  z.strictObject({
    ...base,
    mode: z.literal('ssm-flag'),
    statusCode: z.number().int().min(400, 'expected an HTTP error status from 400 to 599').max(599, 'expected an HTTP error status from 400 to 599').default(500),
    rate: z.number().gt(0, 'expected a rate above 0 (fraction of invocations, 0–1)').max(1, 'expected a fraction of invocations from 0 to 1').default(1),
  }),
  z.strictObject({ ...base, mode: z.literal('fis') }),
]);
export type Lambda500Spec = z.output<typeof lambda500SpecSchema>;

export type Lambda500Handle =
  | { readonly mode: 'throttle'; readonly functions: readonly FunctionConcurrency[] }
  | { readonly mode: 'ssm-flag'; readonly flags: readonly FlagTarget[] }
  | { readonly mode: 'fis'; readonly experiments: readonly FisRun[] };

const VERIFY_POLL_MS = 200;

export const lambda500: InjectorDefinition<Lambda500Spec, Lambda500Handle> = {
  kind: 'lambda-500',
  specSchema: lambda500SpecSchema,

  async plan(spec, deps) {
    const changes: PlannedChange[] = [];
    for (const target of locate(spec, deps)) {
      if (spec.mode === 'throttle') {
        const prior = await readReservedConcurrency(deps, target.region, target.id);
        changes.push({ target: `lambda ${target.region} ${target.id}`, field: 'ReservedConcurrentExecutions', from: prior === null ? 'unreserved' : String(prior), to: '0' });
      } else if (spec.mode === 'ssm-flag') {
        const prior = await readParameter(deps, target.region, target.id);
        changes.push({
          target: `ssm ${target.region} ${target.id}`,
          field: 'Value',
          from: prior === null ? 'absent' : prior.value,
          to: failureFlag(spec.statusCode, spec.rate, prior?.value),
        });
      } else {
        const checked = await checkTemplateStartable(deps, target.region, target.id);
        changes.push({ target: `fis ${target.region} ${target.id}`, field: 'experiment', from: checked ? 'none running' : 'not checked (the endpoint cannot list experiments)', to: 'running' });
      }
    }
    return changes;
  },

  async inject(spec, deps, journal) {
    const targets = locate(spec, deps);
    // Every prior state is read (and every refusal made) before the journal entry and the first change.
    if (spec.mode === 'throttle') {
      const functions: FunctionConcurrency[] = [];
      for (const target of targets) functions.push(await priorConcurrency(deps, target.region, target.id));
      const handle: Lambda500Handle = { mode: 'throttle', functions };
      await journal(handle);
      const requestIds = await applyInOrder(functions, { label: functionLabel, apply: (f) => throttleFunction(deps, f), undo: (f) => restoreConcurrency(deps, f) });
      return { handle, requestIds };
    }
    if (spec.mode === 'ssm-flag') {
      const flags: FlagTarget[] = [];
      for (const target of targets) flags.push(await priorFlag(deps, target.region, target.id, spec.statusCode, spec.rate));
      const handle: Lambda500Handle = { mode: 'ssm-flag', flags };
      await journal(handle);
      const requestIds = await applyInOrder(flags, { label: flagLabel, apply: (f) => writeFlag(deps, f), undo: (f) => restoreFlag(deps, f) });
      return { handle, requestIds };
    }
    for (const target of targets) await checkTemplateStartable(deps, target.region, target.id);
    const experiments = targets.map((target) => newFisRun(target.region, target.id));
    const handle: Lambda500Handle = { mode: 'fis', experiments };
    await journal(handle);
    const requestIds = await applyInOrder(experiments, { label: fisLabel, apply: (run) => startExperiment(deps, run), undo: (run) => stopExperiment(deps, run) });
    return { handle, requestIds };
  },

  async verify(handle, deps, signal) {
    if (handle.mode === 'throttle') {
      for (const f of handle.functions) {
        await waitUntil(async () => (await readReservedConcurrency(deps, f.region, f.functionName)) === 0, { interval: VERIFY_POLL_MS, signal });
      }
    } else if (handle.mode === 'ssm-flag') {
      for (const f of handle.flags) {
        await waitUntil(async () => (await readParameter(deps, f.region, f.name))?.value === f.flag, { interval: VERIFY_POLL_MS, signal });
      }
    } else {
      for (const run of handle.experiments) await waitUntilRunning(deps, run, signal);
    }
  },

  rollback(handle, deps) {
    if (handle.mode === 'throttle') return undoInReverse(handle.functions, { label: functionLabel, undo: (f) => restoreConcurrency(deps, f) });
    if (handle.mode === 'ssm-flag') return undoInReverse(handle.flags, { label: flagLabel, undo: (f) => restoreFlag(deps, f) });
    return undoInReverse(handle.experiments, { label: fisLabel, undo: (run) => stopExperiment(deps, run) });
  },

  describe(handle) {
    if (handle.mode === 'throttle') return `lambda-500 throttle ${handle.functions.map(functionLabel).join(', ')}`;
    if (handle.mode === 'ssm-flag') return `lambda-500 ssm-flag ${handle.flags.map(flagLabel).join(', ')}`;
    return `lambda-500 fis ${handle.experiments.map(fisLabel).join(', ')}`;
  },

  manualUndo(handle, aws) {
    if (handle.mode === 'throttle') return handle.functions.map((target) => concurrencyManualUndo(target, aws)).reverse();
    if (handle.mode === 'ssm-flag') return handle.flags.map((target) => flagManualUndo(target, aws)).reverse();
    return handle.experiments.map((run) => fisManualUndo(run, aws)).reverse();
  },

  revertCalls(handle) {
    // Newest first, as rollback undoes them. FIS stops its experiment at the template's action
    // duration by itself, so the fis mode needs no switch.
    if (handle.mode === 'throttle') return handle.functions.map(concurrencyRevertCall).reverse();
    if (handle.mode === 'ssm-flag') return handle.flags.map(flagRevertCall).reverse();
    return [];
  },

  permissions(spec, deps) {
    return locate(spec, deps).flatMap((target) => {
      if (spec.mode === 'throttle') return concurrencyPermissions(deps, target.region, target.id);
      if (spec.mode === 'ssm-flag') return flagPermissions(deps, target.region, target.id);
      return fisPermissions(deps, target.region, target.id);
    });
  },
};

/** Per target: its AWS region and the id the mode acts on (function name, parameter name or template id). */
function locate(spec: Lambda500Spec, deps: Pick<InjectorDeps, 'environment' | 'defaultService'>): { region: string; id: string }[] {
  return resolveServiceTargets(spec.target, deps).map((target) => ({
    region: target.region,
    id:
      spec.mode === 'throttle'
        ? regionValue(target, 'functions')
        : requiredResource(target, spec.mode === 'ssm-flag' ? 'failureFlags' : 'fisTemplates', deps),
  }));
}

function functionLabel(f: FunctionConcurrency): string {
  return `lambda ${f.region} ${f.functionName}`;
}

function flagLabel(f: FlagTarget): string {
  return `ssm ${f.region} ${f.name}`;
}

function fisLabel(run: FisRun): string {
  return `fis ${run.region} ${run.templateId}`;
}
