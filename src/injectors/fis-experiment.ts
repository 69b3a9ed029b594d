import { z } from 'zod';
import { faultFields } from './fault-fields.ts';
import { fisManualUndo, fisPermissions, newFisRun, checkTemplateStartable, startExperiment, stopExperiment, waitUntilRunning, type FisRun } from './fis-run.ts';
import { TargetNotFoundError, type InjectorDefinition, type InjectorDeps } from './injector.ts';
import { applyInOrder, undoInReverse } from './multi-target.ts';

/**
 * Starts FIS experiment templates the environment names under `experimentTemplates`, waits until
 * each runs, and stops them on rollback. An experiment FIS already ended (completed at its
 * duration, failed, or stopped by a stop condition) needs no undo; the rollback says so.
 * Several templates are started in order; if one fails, the ones started are stopped, newest first.
 *
 * @example { injector: 'fis-experiment', templates: ['primary-az-outage'] }
 */
export const fisExperimentSpecSchema = z.strictObject({
  injector: z.literal('fis-experiment'),
  ...faultFields,
  /** Logical names of `experimentTemplates` in the environment. */
  templates: z.array(z.string().min(1)).min(1, 'expected at least one experiment template name'),
});
export type FisExperimentSpec = z.output<typeof fisExperimentSpecSchema>;

export type FisExperimentHandle = { readonly experiments: readonly FisRun[] };

export const fisExperiment: InjectorDefinition<FisExperimentSpec, FisExperimentHandle> = {
  kind: 'fis-experiment',
  specSchema: fisExperimentSpecSchema,

  async plan(spec, deps) {
    const changes = [];
    for (const { region, id, name } of templatesOf(spec, deps)) {
      const checked = await checkTemplateStartable(deps, region, id);
      changes.push({ target: `fis ${region} ${id} (${name})`, field: 'experiment', from: checked ? 'none running' : 'not checked (the endpoint cannot list experiments)', to: 'running' });
    }
    return changes;
  },

  async inject(spec, deps, journal) {
    const templates = templatesOf(spec, deps);
    for (const { region, id } of templates) await checkTemplateStartable(deps, region, id);
    const experiments = templates.map(({ region, id }) => newFisRun(region, id));
    const handle: FisExperimentHandle = { experiments };
    await journal(handle);
    const requestIds = await applyInOrder(experiments, { label, apply: (run) => startExperiment(deps, run), undo: (run) => stopExperiment(deps, run) });
    return { handle, requestIds };
  },

  async verify(handle, deps, signal) {
    for (const run of handle.experiments) await waitUntilRunning(deps, run, signal);
  },

  rollback(handle, deps) {
    return undoInReverse(handle.experiments, { label, undo: (run) => stopExperiment(deps, run) });
  },

  describe(handle) {
    return `fis experiment ${handle.experiments.map((run) => `${run.region} ${run.templateId}${run.experimentId === null ? '' : ` (${run.experimentId})`}`).join(', ')}`;
  },

  manualUndo(handle, aws) {
    return handle.experiments.map((run) => fisManualUndo(run, aws)).reverse();
  },

  revertCalls() {
    // FIS stops an experiment at its actions' duration by itself: nothing for a switch to do.
    return [];
  },

  permissions(spec, deps) {
    return templatesOf(spec, deps).flatMap(({ region, id }) => fisPermissions(deps, region, id));
  },
};

function label(run: FisRun): string {
  return `fis ${run.region} ${run.templateId}`;
}

function templatesOf(spec: FisExperimentSpec, deps: Pick<InjectorDeps, 'environment'>): { name: string; region: string; id: string }[] {
  const known = deps.environment.experimentTemplates ?? {};
  return spec.templates.map((name) => {
    const template = known[name];
    if (template === undefined) {
      const names = Object.keys(known);
      throw new TargetNotFoundError(
        `experiment template "${name}" is not defined in environment "${deps.environment.name}" ` +
          `(${names.length === 0 ? 'it defines no experimentTemplates' : `it defines: ${names.join(', ')}`})`,
      );
    }
    return { name, region: template.region, id: template.id };
  });
}
