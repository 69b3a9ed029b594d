import { randomBytes } from 'node:crypto';
import { AwsServiceError } from '../aws-errors.ts';
import { parseIsoDuration } from './iso-duration.ts';

/** FIS actions the sandbox applies to its functions. */
export const SUPPORTED_FIS_ACTIONS: readonly string[] = [
  'aws:lambda:invocation-http-integration-response',
  'aws:lambda:invocation-error',
  'aws:lambda:invocation-add-delay',
];

export interface FisTarget {
  readonly resourceType: string;
  readonly resourceArns: readonly string[];
  readonly selectionMode: string;
}

export interface FisAction {
  readonly actionId: string;
  readonly description: string;
  readonly parameters: Readonly<Record<string, string>>;
  /** Action target key (`Functions`) → template target name. */
  readonly targets: Readonly<Record<string, string>>;
}

export interface FisTemplate {
  readonly id: string;
  readonly region: string;
  readonly description: string;
  readonly roleArn: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly targets: Readonly<Record<string, FisTarget>>;
  readonly actions: Readonly<Record<string, FisAction>>;
  /** `aws:cloudwatch:alarm` with the alarm ARN, or `none`. */
  readonly stopConditions: readonly { readonly source: string; readonly value?: string }[];
  readonly createdAt: number;
}

export type ExperimentStatus = 'pending' | 'initiating' | 'running' | 'completed' | 'stopping' | 'stopped' | 'failed';

export interface ExperimentActionState {
  readonly name: string;
  readonly action: FisAction;
  status: 'pending' | 'initiating' | 'running' | 'completed' | 'cancelled' | 'stopping' | 'stopped' | 'failed';
  reason: string;
  startTime?: number;
  endTime?: number;
}

export interface Experiment {
  readonly id: string;
  readonly region: string;
  readonly template: FisTemplate;
  readonly tags: Readonly<Record<string, string>>;
  status: ExperimentStatus;
  reason: string;
  readonly createdAt: number;
  startTime?: number;
  endTime?: number;
  readonly actions: ExperimentActionState[];
}

/** An action in a running experiment, applied to one function. */
export interface ActiveFisAction {
  readonly experimentId: string;
  readonly actionName: string;
  readonly actionId: string;
  readonly parameters: Readonly<Record<string, string>>;
}

export interface FisEngineOptions {
  readonly timeScale: number;
  /** True when the alarm (by ARN) is in ALARM. */
  readonly alarmFiring: (arn: string) => boolean;
  /** Called after every status change, so the sandbox can record it and re-evaluate faults. */
  readonly onChange: (experiment: Experiment) => void;
}

// FIS takes a moment to initiate; short, so drills are not slowed, but never the same tick.
const INITIATE_MS = 50;

/**
 * AWS FIS for the sandbox: templates, experiments with their lifecycle, actions ended by their
 * duration (scaled), stop conditions on CloudWatch alarms, and StopExperiment.
 */
export class FisEngine {
  readonly #templates = new Map<string, FisTemplate>();
  readonly #experiments = new Map<string, Experiment>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #options: FisEngineOptions;

  constructor(options: FisEngineOptions) {
    this.#options = options;
  }

  addTemplate(template: FisTemplate): void {
    this.#templates.set(key(template.region, template.id), template);
  }

  templates(region: string): readonly FisTemplate[] {
    return [...this.#templates.values()].filter((t) => t.region === region);
  }

  /** @throws AwsServiceError ResourceNotFoundException */
  template(region: string, id: string): FisTemplate {
    const found = this.#templates.get(key(region, id));
    if (found === undefined) throw new AwsServiceError('ResourceNotFoundException', 404, `Experiment template not found: ${id}`);
    return found;
  }

  /** @throws AwsServiceError ResourceNotFoundException */
  experiment(region: string, id: string): Experiment {
    const found = this.#experiments.get(key(region, id));
    if (found === undefined) throw new AwsServiceError('ResourceNotFoundException', 404, `Experiment not found: ${id}`);
    return found;
  }

  /**
   * Starts an experiment from a template: initiating at once, running shortly after, each action
   * running for its `duration` (× timeScale), completed when every action has ended.
   *
   * @throws AwsServiceError ResourceNotFoundException for an unknown template, ValidationException
   *   for an action the sandbox cannot run or a bad duration.
   */
  start(region: string, templateId: string, tags: Readonly<Record<string, string>>): Experiment {
    const template = this.template(region, templateId);
    for (const [name, action] of Object.entries(template.actions)) {
      if (!SUPPORTED_FIS_ACTIONS.includes(action.actionId)) {
        throw new AwsServiceError('ValidationException', 400, `actions.${name}.actionId: "${action.actionId}" is not supported by the drdrill sandbox (${SUPPORTED_FIS_ACTIONS.join(', ')})`);
      }
      this.#durationMs(name, action);
    }
    const experiment: Experiment = {
      id: `EXP${randomBytes(8).toString('hex')}`,
      region,
      template,
      tags,
      status: 'initiating',
      reason: 'Experiment is initiating.',
      createdAt: Date.now(),
      actions: Object.entries(template.actions).map(([name, action]) => ({ name, action, status: 'pending', reason: 'Initial state' })),
    };
    this.#experiments.set(key(region, experiment.id), experiment);
    this.#options.onChange(experiment);
    this.#after(INITIATE_MS, () => this.#run(experiment));
    return experiment;
  }

  /** StopExperiment: running actions stop and the experiment ends `stopped`. */
  stop(region: string, id: string): Experiment {
    const experiment = this.experiment(region, id);
    if (experiment.status === 'initiating' || experiment.status === 'running' || experiment.status === 'pending') {
      this.#end(experiment, 'stopped', 'Experiment stopped by user.');
    }
    return experiment;
  }

  /** Stops running experiments whose stop condition is this alarm (called when an alarm fires). */
  alarmFired(alarmArn: string): void {
    for (const experiment of this.#experiments.values()) {
      const active = experiment.status === 'running' || experiment.status === 'initiating';
      if (active && experiment.template.stopConditions.some((c) => c.value === alarmArn)) {
        this.#end(experiment, 'stopped', `Stop condition triggered: ${alarmArn} is in ALARM.`);
      }
    }
  }

  /** Actions running now that target the function `arn`. */
  activeActionsFor(functionArn: string): readonly ActiveFisAction[] {
    const out: ActiveFisAction[] = [];
    for (const experiment of this.#experiments.values()) {
      if (experiment.status !== 'running') continue;
      for (const state of experiment.actions) {
        if (state.status !== 'running') continue;
        const targetNames = Object.values(state.action.targets);
        const hits = targetNames.some((t) => experiment.template.targets[t]?.resourceArns.includes(functionArn) ?? false);
        if (hits) out.push({ experimentId: experiment.id, actionName: state.name, actionId: state.action.actionId, parameters: state.action.parameters });
      }
    }
    return out;
  }

  /** Cancels every timer (sandbox shutdown). */
  close(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  #run(experiment: Experiment): void {
    if (experiment.status !== 'initiating') return;
    const firing = experiment.template.stopConditions.find((c) => c.source === 'aws:cloudwatch:alarm' && c.value !== undefined && this.#options.alarmFiring(c.value));
    if (firing !== undefined) {
      this.#end(experiment, 'failed', `Stop condition ${firing.value ?? ''} is in ALARM; the experiment did not start.`);
      return;
    }
    const now = Date.now();
    experiment.status = 'running';
    experiment.reason = 'Experiment is running.';
    experiment.startTime = now;
    for (const state of experiment.actions) {
      state.status = 'running';
      state.reason = 'Action is running.';
      state.startTime = now;
      this.#after(this.#durationMs(state.name, state.action), () => {
        if (state.status !== 'running') return;
        state.status = 'completed';
        state.reason = 'Action was completed.';
        state.endTime = Date.now();
        if (experiment.actions.every((a) => a.status === 'completed')) {
          this.#end(experiment, 'completed', 'Experiment completed.');
        } else {
          this.#options.onChange(experiment);
        }
      });
    }
    this.#options.onChange(experiment);
  }

  #end(experiment: Experiment, status: 'completed' | 'stopped' | 'failed', reason: string): void {
    const now = Date.now();
    for (const state of experiment.actions) {
      if (state.status === 'running' || state.status === 'pending' || state.status === 'initiating') {
        state.status = status === 'completed' ? 'completed' : status === 'failed' ? 'cancelled' : 'stopped';
        state.reason = status === 'stopped' ? 'Action was stopped.' : state.reason;
        state.endTime = now;
      }
    }
    experiment.status = status;
    experiment.reason = reason;
    experiment.endTime = now;
    this.#options.onChange(experiment);
  }

  #durationMs(name: string, action: FisAction): number {
    const text = action.parameters.duration;
    if (text === undefined) throw new AwsServiceError('ValidationException', 400, `actions.${name}.parameters.duration: required (ISO 8601, e.g. PT2M)`);
    try {
      return parseIsoDuration(text) * 1000 * this.#options.timeScale;
    } catch (error) {
      throw new AwsServiceError('ValidationException', 400, `actions.${name}.parameters.duration: ${(error as Error).message}`);
    }
  }

  #after(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      run();
    }, ms);
    this.#timers.add(timer);
  }
}

function key(region: string, id: string): string {
  return `${region}\u0000${id}`;
}
