import type { AwsCli } from '../aws/aws-cli.ts';
import { randomUUID } from 'node:crypto';
import {
  GetExperimentCommand,
  GetExperimentTemplateCommand,
  ListExperimentsCommand,
  StartExperimentCommand,
  StopExperimentCommand,
  type Experiment,
  type ExperimentSummary,
} from '@aws-sdk/client-fis';
import { fisExperimentArn, fisTemplateArn } from './arns.ts';
import { awsCall, isAwsError, requestIdsOf } from './aws-call.ts';
import { TargetNotFoundError, TargetRefusedError, type IamPermission, type InjectorDeps } from './injector.ts';
import { waitUntil } from '../util/wait-until.ts';

/**
 * One FIS experiment a drill starts. `experimentId` is null in the journal (it is written before
 * StartExperiment, when AWS has not named it yet); rollback then finds the experiment by the
 * `drdrill:client-token` tag it was started with.
 */
export type FisRun = {
  readonly region: string;
  readonly templateId: string;
  readonly clientToken: string;
  experimentId: string | null;
};

/** The tag every experiment drdrill starts carries, so a crashed run's experiment can be found. */
export const CLIENT_TOKEN_TAG = 'drdrill:client-token';

const ACTIVE = new Set(['pending', 'initiating', 'running']);
const ENDED = new Set(['completed', 'stopped', 'failed', 'cancelled']);
const POLL_MS = 200;
/** FIS may take a while to wind actions down; long enough for that, short enough to report a stuck stop. */
const STOP_WAIT_MS = 120_000;

export function newFisRun(region: string, templateId: string): FisRun {
  return { region, templateId, clientToken: randomUUID(), experimentId: null };
}

/**
 * Reads the template (a TargetNotFoundError when it does not exist, before anything starts), then
 * refuses a template with an experiment already pending or running: someone else is mid-drill.
 * Resolves false when the endpoint cannot list experiments, so nothing could be checked.
 */
export async function checkTemplateStartable(deps: InjectorDeps, region: string, templateId: string): Promise<boolean> {
  try {
    await awsCall(deps, { action: 'fis:GetExperimentTemplate', resource: fisTemplateArn(deps.environment, region, templateId) }, () =>
      deps.clients.fis(region).send(new GetExperimentTemplateCommand({ id: templateId })),
    );
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFoundException')) {
      throw new TargetNotFoundError(`FIS experiment template "${templateId}" not found in ${region} (environment "${deps.environment.name}")`, {
        cause: error,
        id: templateId,
        region,
      });
    }
    throw error;
  }
  const listed = await listExperiments(deps, region);
  if (listed === undefined) return false;
  const active = listed.filter(
    (experiment) => experiment.experimentTemplateId === templateId && ACTIVE.has(experiment.state?.status ?? ''),
  );
  if (active.length > 0) {
    throw new TargetRefusedError(
      `FIS template ${templateId} in ${region} already has a ${active[0]?.state?.status} experiment (${active.map((e) => e.id).join(', ')}): ` +
        'another drill or a person may be mid-experiment. Stop it (aws fis stop-experiment --id …) or wait for it to end, then run the drill again.',
    );
  }
  return true;
}

export async function startExperiment(deps: InjectorDeps, run: FisRun): Promise<string[]> {
  let output;
  try {
    output = await awsCall(deps, { action: 'fis:StartExperiment', resource: fisTemplateArn(deps.environment, run.region, run.templateId) }, () =>
      deps.clients.fis(run.region).send(
        new StartExperimentCommand({ experimentTemplateId: run.templateId, clientToken: run.clientToken, tags: { [CLIENT_TOKEN_TAG]: run.clientToken } }),
      ),
    );
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFoundException')) {
      throw new TargetNotFoundError(
        `FIS experiment template "${run.templateId}" not found in ${run.region} (environment "${deps.environment.name}")`,
        { cause: error, id: run.templateId, region: run.region },
      );
    }
    throw error;
  }
  const id = output.experiment?.id;
  if (id === undefined) throw new Error(`FIS StartExperiment for template ${run.templateId} returned no experiment id`);
  // Rollback and verify use the journaled handle object, which is this one.
  run.experimentId = id;
  return requestIdsOf(output);
}

export async function getExperiment(deps: InjectorDeps, region: string, id: string): Promise<Experiment> {
  try {
    const output = await awsCall(deps, { action: 'fis:GetExperiment', resource: fisExperimentArn(deps.environment, region, id) }, () =>
      deps.clients.fis(region).send(new GetExperimentCommand({ id })),
    );
    if (output.experiment === undefined) throw new Error(`FIS GetExperiment ${id} returned no experiment`);
    return output.experiment;
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFoundException')) {
      throw new TargetNotFoundError(`FIS experiment "${id}" not found in ${region} (environment "${deps.environment.name}")`, { cause: error });
    }
    throw error;
  }
}

/** Resolves once the experiment runs; rejects if FIS ended it first (with FIS's reason). */
export async function waitUntilRunning(deps: InjectorDeps, run: FisRun, signal: AbortSignal): Promise<void> {
  await waitUntil(
    async () => {
      const id = run.experimentId ?? (await findExperiment(deps, run))?.id;
      if (id === undefined) return false;
      const experiment = await getExperiment(deps, run.region, id);
      const status = experiment.state?.status ?? 'unknown';
      if (status === 'running') return true;
      if (ENDED.has(status) || status === 'stopping') {
        throw new Error(`FIS experiment ${id} (template ${run.templateId}) is ${status} and never ran: ${experiment.state?.reason ?? 'FIS gave no reason'}`);
      }
      return false;
    },
    { interval: POLL_MS, signal },
  );
}

/**
 * Stops the experiment and waits until FIS says it ended. Copes with experiments FIS already
 * ended (completed, failed, stopped by a stop condition): there is nothing to undo, and the
 * detail says so.
 */
export async function stopExperiment(deps: InjectorDeps, run: FisRun): Promise<{ requestIds: string[]; detail: string }> {
  const id = run.experimentId ?? (await findExperiment(deps, run))?.id;
  if (id === undefined) return { requestIds: [], detail: `no experiment of template ${run.templateId} was started, nothing to stop` };
  const before = await getExperiment(deps, run.region, id);
  const status = before.state?.status ?? 'unknown';
  if (ENDED.has(status)) {
    return { requestIds: [], detail: `experiment ${id} had already ${status}${before.state?.reason === undefined ? '' : ` (${before.state.reason})`}` };
  }
  let requestIds: string[] = [];
  if (status !== 'stopping') {
    try {
      const output = await awsCall(deps, { action: 'fis:StopExperiment', resource: fisExperimentArn(deps.environment, run.region, id) }, () =>
        deps.clients.fis(run.region).send(new StopExperimentCommand({ id })),
      );
      requestIds = requestIdsOf(output);
    } catch (error) {
      // FIS may end the experiment between our read and the stop: that is success, not failure.
      if (!isAwsError(error, 'ValidationException', 'ConflictException')) throw error;
    }
  }
  let ended: Experiment = before;
  await waitUntil(
    async () => {
      ended = await getExperiment(deps, run.region, id);
      return ENDED.has(ended.state?.status ?? '');
    },
    { interval: POLL_MS, timeout: STOP_WAIT_MS, timeoutMessage: `FIS experiment ${id} did not stop within ${STOP_WAIT_MS / 1000} s` },
  );
  return { requestIds, detail: `experiment ${id} ${ended.state?.status ?? 'stopped'}` };
}

async function findExperiment(deps: InjectorDeps, run: FisRun): Promise<ExperimentSummary | undefined> {
  const listed = await listExperiments(deps, run.region);
  if (listed === undefined) {
    throw new Error(
      `the FIS endpoint in ${run.region} cannot list experiments, so the experiment of template ${run.templateId} ` +
        `started with client token ${run.clientToken} cannot be found; stop it by hand`,
    );
  }
  return listed.find(
    (experiment) => experiment.experimentTemplateId === run.templateId && experiment.tags?.[CLIENT_TOKEN_TAG] === run.clientToken,
  );
}

/**
 * Every experiment in the region, or undefined when the endpoint has no ListExperiments (it
 * answers 404 ValidationException, which AWS itself never does for this call): FIS-compatible
 * endpoints such as the embedded sandbox may implement only start, get and stop.
 */
async function listExperiments(deps: InjectorDeps, region: string): Promise<ExperimentSummary[] | undefined> {
  const found: ExperimentSummary[] = [];
  let nextToken: string | undefined;
  try {
    // Bounded: 20 pages of 100 is far more than any account keeps around.
    for (let page = 0; page < 20; page++) {
      const output = await awsCall(deps, { action: 'fis:ListExperiments', resource: '*' }, () =>
        deps.clients.fis(region).send(new ListExperimentsCommand({ maxResults: 100, ...(nextToken === undefined ? {} : { nextToken }) })),
      );
      found.push(...(output.experiments ?? []));
      nextToken = output.nextToken;
      if (nextToken === undefined) break;
    }
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (isAwsError(error, 'ValidationException') && status === 404) return undefined;
    throw error;
  }
  return found;
}

export function fisManualUndo(run: FisRun, aws: AwsCli): string {
  return run.experimentId === null
    ? `${aws()} fis list-experiments --region ${run.region}  # find the experiment of template ${run.templateId} tagged ${CLIENT_TOKEN_TAG}=${run.clientToken}, then: ${aws()} fis stop-experiment --region ${run.region} --id <id>`
    : `${aws()} fis stop-experiment --region ${run.region} --id ${run.experimentId}`;
}

export function fisPermissions(deps: Pick<InjectorDeps, 'environment'>, region: string, templateId: string): IamPermission[] {
  const experiments = fisExperimentArn(deps.environment, region, '*');
  return [
    { action: 'fis:GetExperimentTemplate', resource: fisTemplateArn(deps.environment, region, templateId) },
    { action: 'fis:StartExperiment', resource: fisTemplateArn(deps.environment, region, templateId) },
    { action: 'fis:StartExperiment', resource: experiments },
    { action: 'fis:TagResource', resource: experiments },
    { action: 'fis:GetExperiment', resource: experiments },
    { action: 'fis:StopExperiment', resource: experiments },
    { action: 'fis:ListExperiments', resource: '*' },
  ];
}
