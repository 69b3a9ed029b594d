import { randomUUID } from 'node:crypto';
import type { AwsApiCall } from '../../../aws/aws-api-call.ts';
import { TIMED_REVERT_PARAMETERS, TIMED_REVERT_PATTERNS } from '../../../aws/timed-revert-runbook.ts';
import { AwsServiceError } from '../aws-errors.ts';
import { parseIsoDuration } from '../fis/iso-duration.ts';
import { TIMED_REVERT_DOCUMENT } from '../../topology/resolve-topology.ts';
import { makeRevertCall } from './timed-revert-call.ts';

export type AutomationStatus = 'Pending' | 'InProgress' | 'Success' | 'Cancelling' | 'Cancelled' | 'Failed';

export interface AutomationStep {
  readonly name: string;
  readonly action: 'aws:sleep' | 'aws:executeScript';
  status: 'Pending' | 'InProgress' | 'Success' | 'Cancelled' | 'Failed';
  startTime?: number;
  endTime?: number;
  failureMessage?: string;
  outputs?: Readonly<Record<string, readonly string[]>>;
}

export interface AutomationExecution {
  readonly id: string;
  readonly region: string;
  readonly documentName: string;
  readonly parameters: Readonly<Record<string, readonly string[]>>;
  status: AutomationStatus;
  readonly startTime: number;
  endTime?: number;
  failureMessage?: string;
  readonly steps: readonly AutomationStep[];
}

export interface AutomationRunnerOptions {
  readonly timeScale: number;
  readonly invoke: (call: AwsApiCall) => Promise<unknown>;
  readonly onChange: (execution: AutomationExecution) => void;
}

/**
 * SSM Automation with one runbook, `drdrill-TimedRevert`: sleep for `Delay` (ISO 8601, scaled by
 * timeScale), then make one AWS API call (`Service`, `Api`, `Request` as JSON, optional `Region`)
 * against the sandbox, where an "already reverted" answer is success (see makeRevertCall). Drills use it so a fault is reverted even if the drill process dies.
 */
export class AutomationRunner {
  readonly #executions = new Map<string, AutomationExecution>();
  readonly #timers = new Map<string, NodeJS.Timeout>();
  /** ClientToken → the execution it started and the request that started it. */
  readonly #byClientToken = new Map<string, { readonly execution: AutomationExecution; readonly request: string }>();
  readonly #options: AutomationRunnerOptions;

  constructor(options: AutomationRunnerOptions) {
    this.#options = options;
  }

  /**
   * @throws AwsServiceError AutomationDefinitionNotFoundException for another document,
   *   InvalidAutomationExecutionParametersException for missing or malformed parameters,
   *   IdempotentParameterMismatch for a ClientToken reused with another request.
   */
  start(
    region: string,
    documentName: string,
    parameters: Readonly<Record<string, readonly string[]>>,
    clientToken?: string,
  ): AutomationExecution {
    // Idempotency as AWS has it: a retried start (same token, same request) is the same execution,
    // so an SDK retry after a lost response cannot leave a second, untracked revert behind.
    const request = JSON.stringify([region, documentName, parameters]);
    if (clientToken !== undefined) {
      const earlier = this.#byClientToken.get(clientToken.toLowerCase());
      if (earlier !== undefined) {
        if (earlier.request !== request) {
          throw new AwsServiceError('IdempotentParameterMismatch', 400, `ClientToken ${clientToken} was already used with different parameters`);
        }
        return earlier.execution;
      }
    }
    const execution = this.#start(region, documentName, parameters);
    if (clientToken !== undefined) this.#byClientToken.set(clientToken.toLowerCase(), { execution, request });
    return execution;
  }

  #start(region: string, documentName: string, parameters: Readonly<Record<string, readonly string[]>>): AutomationExecution {
    if (documentName !== TIMED_REVERT_DOCUMENT) {
      throw new AwsServiceError('AutomationDefinitionNotFoundException', 400, `Automation definition ${documentName}:$DEFAULT not found (the sandbox ships ${TIMED_REVERT_DOCUMENT})`);
    }
    const single = (name: string, required: boolean): string | undefined => {
      const values = parameters[name];
      if (values === undefined || values.length === 0) {
        if (required) throw invalidParameters(`${name}: required`);
        return undefined;
      }
      if (values.length !== 1) throw invalidParameters(`${name}: expected one value, got ${values.length}`);
      return values[0];
    };
    const known: ReadonlySet<string> = new Set(TIMED_REVERT_PARAMETERS);
    const unknown = Object.keys(parameters).filter((k) => !known.has(k));
    if (unknown.length > 0) throw invalidParameters(`unknown parameter(s) ${unknown.join(', ')}; expected ${[...known].join(', ')}`);
    // As SSM does: every value given for a parameter with an allowedPattern must match it.
    for (const [name, pattern] of Object.entries(TIMED_REVERT_PATTERNS)) {
      for (const value of parameters[name] ?? []) {
        if (!new RegExp(pattern).test(value)) throw invalidParameters(`Parameter "${name}" has value ${JSON.stringify(value)} not matching "${pattern}"`);
      }
    }
    const delayText = single('Delay', true) ?? '';
    let delaySeconds: number;
    try {
      delaySeconds = parseIsoDuration(delayText);
    } catch (error) {
      throw invalidParameters(`Delay: ${(error as Error).message}`);
    }
    const service = single('Service', true) ?? '';
    const api = single('Api', true) ?? '';
    const requestText = single('Request', false) ?? '{}';
    let request: unknown;
    try {
      request = JSON.parse(requestText);
    } catch {
      throw invalidParameters(`Request: ${JSON.stringify(requestText)} is not JSON`);
    }
    if (typeof request !== 'object' || request === null || Array.isArray(request)) throw invalidParameters('Request: expected a JSON object');
    const endpoint = single('Endpoint', false);
    // The sandbox's promise is that nothing leaves the machine: a runbook may only call loopback.
    if (endpoint !== undefined && !isLoopbackUrl(endpoint)) throw invalidParameters(`Endpoint: ${JSON.stringify(endpoint)} is not an http(s) URL on 127.0.0.0/8 or localhost`);
    const call: AwsApiCall = {
      service,
      api,
      region: single('Region', false) ?? region,
      request: request as Record<string, unknown>,
      ...(endpoint === undefined ? {} : { endpoint }),
    };

    const execution: AutomationExecution = {
      id: randomUUID(),
      region,
      documentName,
      parameters,
      status: 'InProgress',
      startTime: Date.now(),
      steps: [
        { name: 'sleep', action: 'aws:sleep', status: 'InProgress', startTime: Date.now() },
        { name: 'revert', action: 'aws:executeScript', status: 'Pending' },
      ],
    };
    this.#executions.set(execution.id, execution);
    this.#options.onChange(execution);
    const timer = setTimeout(() => {
      this.#timers.delete(execution.id);
      void this.#revert(execution, call);
    }, delaySeconds * 1000 * this.#options.timeScale);
    this.#timers.set(execution.id, timer);
    return execution;
  }

  /** @throws AwsServiceError AutomationExecutionNotFoundException */
  get(region: string, id: string): AutomationExecution {
    const execution = this.#executions.get(id);
    if (execution === undefined || execution.region !== region) {
      throw new AwsServiceError('AutomationExecutionNotFoundException', 400, `Automation execution ${id} not found`);
    }
    return execution;
  }

  /** Cancels a running execution (its API call is then never made). */
  stop(region: string, id: string): void {
    const execution = this.get(region, id);
    if (execution.status !== 'InProgress' && execution.status !== 'Pending') {
      throw new AwsServiceError('InvalidAutomationStatusUpdateException', 400, `Automation execution ${id} is ${execution.status}; only a running execution can be stopped`);
    }
    const timer = this.#timers.get(id);
    if (timer !== undefined) clearTimeout(timer);
    this.#timers.delete(id);
    const now = Date.now();
    for (const step of execution.steps) {
      if (step.status === 'InProgress' || step.status === 'Pending') {
        step.status = 'Cancelled';
        step.endTime = now;
      }
    }
    execution.status = 'Cancelled';
    execution.endTime = now;
    this.#options.onChange(execution);
  }

  close(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }

  async #revert(execution: AutomationExecution, call: AwsApiCall): Promise<void> {
    const [sleep, revert] = execution.steps;
    if (sleep === undefined || revert === undefined || execution.status !== 'InProgress') return;
    sleep.status = 'Success';
    sleep.endTime = Date.now();
    revert.status = 'InProgress';
    revert.startTime = Date.now();
    this.#options.onChange(execution);
    try {
      const response = await makeRevertCall(call, this.#options.invoke);
      if (execution.status !== 'InProgress') return;
      revert.status = 'Success';
      revert.outputs = { Response: [JSON.stringify(response ?? {})] };
      execution.status = 'Success';
    } catch (error) {
      if (execution.status !== 'InProgress') return;
      const message = `${call.service}.${call.api} failed: ${(error as Error).name}: ${(error as Error).message}`;
      revert.status = 'Failed';
      revert.failureMessage = message;
      execution.status = 'Failed';
      execution.failureMessage = `Step fails when it is Execution. ${message}`;
    }
    revert.endTime = Date.now();
    execution.endTime = Date.now();
    this.#options.onChange(execution);
  }
}

function isLoopbackUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && (url.hostname === 'localhost' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(url.hostname));
  } catch {
    return false;
  }
}

function invalidParameters(message: string): AwsServiceError {
  return new AwsServiceError('InvalidAutomationExecutionParametersException', 400, `${TIMED_REVERT_DOCUMENT}: ${message}`);
}
