import { randomUUID } from 'node:crypto';
import { StartAutomationExecutionCommand, StopAutomationExecutionCommand } from '@aws-sdk/client-ssm';
import type { AwsApiCall } from '../aws/aws-api-call.ts';
import { TIMED_REVERT_RUNBOOK } from '../aws/timed-revert-runbook.ts';
import type { Environment } from '../drill/environment.ts';
import { homeRegion } from '../drill/environment.ts';
import { awsCall, isAwsError } from '../injectors/aws-call.ts';
import type { IamPermission, InjectorDeps } from '../injectors/injector.ts';
import { describeError } from '../util/describe-error.ts';

/** One armed revert: an SSM Automation execution that will make one undo call at `deadline`. */
export interface ArmedRevert {
  readonly executionId: string;
  /** Region the execution runs in (SSM Automation is regional). */
  readonly region: string;
  /** Epoch ms at which the execution stops sleeping and reverts. */
  readonly deadline: number;
  /** `service.Api` of the call it will make, for people reading the journal. */
  readonly call: string;
}

/** An environment's switch settings with defaults applied (see `deadMansSwitch` in environment.ts). */
export interface DeadMansSwitchSettings {
  readonly enabled: boolean;
  readonly document: string;
  readonly assumeRoleArn?: string;
  readonly marginMs: number;
}

export function deadMansSwitchSettings(environment: Pick<Environment, 'deadMansSwitch'>): DeadMansSwitchSettings {
  const settings = environment.deadMansSwitch;
  return {
    enabled: settings?.enabled ?? true,
    document: settings?.document ?? TIMED_REVERT_RUNBOOK,
    marginMs: settings?.margin ?? 60_000,
    ...(settings?.assumeRoleArn === undefined ? {} : { assumeRoleArn: settings.assumeRoleArn }),
  };
}

/** Raised when the switch cannot be armed: the fault is then not injected at all. */
export class DeadMansSwitchError extends Error {
  override readonly name = 'DeadMansSwitchError';
}

/**
 * The dead-man's switch: server-side reverts that do not need drdrill to be alive. Before a
 * fault's mutating call, `arm` starts one execution of the TimedRevert runbook per undo call; each
 * sleeps until the fault's deadline, then makes its call. `disarm` stops them once drdrill has
 * rolled the fault back itself. FIS faults need none: FIS stops an experiment at its duration.
 */
export class DeadMansSwitch {
  readonly #deps: Pick<InjectorDeps, 'environment' | 'clients' | 'retry' | 'onCall'>;
  readonly #runId: string;

  constructor(deps: Pick<InjectorDeps, 'environment' | 'clients' | 'retry' | 'onCall'>, runId: string) {
    this.#deps = deps;
    this.#runId = runId;
  }

  get settings(): DeadMansSwitchSettings {
    return deadMansSwitchSettings(this.#deps.environment);
  }

  /**
   * Starts one execution per call, each reverting `afterMs` (real time) from now. On failure the
   * executions already started are stopped again, and DeadMansSwitchError says what to fix.
   */
  async arm(calls: readonly AwsApiCall[], afterMs: number): Promise<ArmedRevert[]> {
    const settings = this.settings;
    if (!settings.enabled || calls.length === 0) return [];
    const { environment, clients } = this.#deps;
    const armed: ArmedRevert[] = [];
    for (const call of calls) {
      const region = executionRegion(call, environment);
      try {
        const output = await awsCall(this.#deps, startPermission(region, environment), () =>
          clients.ssm(region).send(
            new StartAutomationExecutionCommand({
              DocumentName: settings.document,
              Parameters: {
                Delay: [isoDelay(afterMs, environment.timeScale ?? 1)],
                Service: [call.service],
                Api: [call.api],
                Region: [call.region],
                Request: [JSON.stringify(call.request)],
                ...(call.endpoint === undefined ? {} : { Endpoint: [call.endpoint] }),
                ...(settings.assumeRoleArn === undefined ? {} : { AutomationAssumeRole: [settings.assumeRoleArn] }),
              },
              // An SDK retry after a lost response then returns this execution instead of starting a
              // second one that nobody would know to stop.
              ClientToken: randomUUID(),
              // So an operator can list what a run left armed: aws ssm describe-automation-executions.
              Tags: [{ Key: 'drdrill:run-id', Value: this.#runId }],
            }),
          ),
        );
        if (output.AutomationExecutionId === undefined) throw new Error('StartAutomationExecution returned no execution id');
        armed.push({ executionId: output.AutomationExecutionId, region, deadline: Date.now() + afterMs, call: `${call.service}.${call.api}` });
      } catch (error) {
        await this.disarm(armed).catch(() => {});
        throw new DeadMansSwitchError(armFailureMessage(error, region, settings.document), { cause: error });
      }
    }
    return armed;
  }

  /**
   * Stops armed executions. One that already finished or is unknown is not an error: it has
   * nothing left to do. Throws the first other failure after trying every execution.
   */
  async disarm(armed: readonly Pick<ArmedRevert, 'executionId' | 'region'>[]): Promise<void> {
    let firstError: unknown;
    for (const revert of armed) {
      try {
        await awsCall(this.#deps, stopPermission(revert.region, this.#deps.environment), () =>
          this.#deps.clients.ssm(revert.region).send(new StopAutomationExecutionCommand({ AutomationExecutionId: revert.executionId, Type: 'Cancel' })),
        );
      } catch (error) {
        if (isAwsError(error, 'InvalidAutomationStatusUpdateException', 'AutomationExecutionNotFoundException')) continue;
        firstError ??= error;
      }
    }
    if (firstError !== undefined) throw firstError;
  }
}

/**
 * Executions run in the region of the call they make when that is one of the environment's
 * regions (so allowedRegions holds), and in the primary region for global services (Route 53).
 */
function executionRegion(call: AwsApiCall, environment: Environment): string {
  return environment.regions.includes(call.region) ? call.region : homeRegion(environment);
}

/**
 * The runbook's sleep, as aws:sleep takes it: whole seconds of ISO 8601. The sandbox scales its
 * sleep by timeScale (as it scales every Route 53 interval), so the real wait is divided by it here.
 */
export function isoDelay(afterMs: number, timeScale: number): string {
  return `PT${Math.max(1, Math.ceil(afterMs / 1000 / timeScale))}S`;
}

function armFailureMessage(error: unknown, region: string, document: string): string {
  const detail = describeError(error);
  if (isAwsError(error, 'AutomationDefinitionNotFoundException', 'InvalidDocument')) {
    return (
      `cannot arm the dead-man's switch: runbook "${document}" is not installed in ${region}. Install it with ` +
      `"aws ssm create-document --name ${document} --document-type Automation --document-format YAML ` +
      `--content file://runbooks/drdrill-TimedRevert.yaml --region ${region}" (or set deadMansSwitch.enabled: false in the environment, ` +
      `accepting that a killed drill leaves its fault in). Nothing was injected. (${detail})`
    );
  }
  return `cannot arm the dead-man's switch in ${region}, so the fault was not injected: ${detail}`;
}

function startPermission(region: string, environment: Environment): IamPermission {
  return {
    action: 'ssm:StartAutomationExecution',
    resource: `arn:aws:ssm:${region}:${environment.accountId}:document/${deadMansSwitchSettings(environment).document}`,
  };
}

function executionsArn(region: string, environment: Environment): string {
  return `arn:aws:ssm:${region}:${environment.accountId}:automation-execution/*`;
}

function stopPermission(region: string, environment: Environment): IamPermission {
  return { action: 'ssm:StopAutomationExecution', resource: executionsArn(region, environment) };
}

/** What the switch needs in IAM, for `drdrill iam-policy`. */
export function deadMansSwitchPermissions(environment: Environment): IamPermission[] {
  const settings = deadMansSwitchSettings(environment);
  if (!settings.enabled) return [];
  const regions = environment.regions;
  // As in AWS's own example policy: starting needs the runbook and the execution it creates, and
  // tagging the execution at start (drdrill:run-id) needs AddTagsToResource on it.
  const permissions = regions.flatMap((region) => [
    startPermission(region, environment),
    { action: 'ssm:StartAutomationExecution', resource: executionsArn(region, environment) },
    { action: 'ssm:AddTagsToResource', resource: executionsArn(region, environment) },
    stopPermission(region, environment),
  ]);
  const role = settings.assumeRoleArn;
  // Starting an execution that assumes a role means handing that role to SSM.
  if (role !== undefined) permissions.push({ action: 'iam:PassRole', resource: role });
  return permissions;
}
