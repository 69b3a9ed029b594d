import type { Verdict } from '../assertions/verdict.ts';
import { formatDuration } from '../drill/duration.ts';
import type { StepClock } from '../steps/step-context.ts';
import type { Step } from '../steps/step-registry.ts';
import { stepKindOf } from '../steps/step-registry.ts';
import type { LiveRun, PlannedStep, StepProgress } from './live-run.ts';
import type { RunScope } from './run-scope.ts';

/**
 * The most a run's holds and untils may be extended by, all together. The load, the locks and
 * the fault's deadline leave room for this much and no more.
 */
export const EXTENSION_ALLOWANCE_MS = 5 * 60_000;

interface Current {
  readonly step: Step;
  readonly startedAt: number;
  budgetMs: number | undefined;
  awaiting: string;
  observed: string;
}

/**
 * The drill's steps while they run, as the terminal and the console see them (the LiveRun), and
 * the interpreter's record of the current step: its clock, its progress, the verdicts of untils.
 */
export class LiveSteps implements LiveRun {
  readonly runId: string;
  readonly drill: string;
  readonly steps: readonly PlannedStep[];
  /** The until verdicts so far, judged with the drill's assertions. */
  readonly verdicts: Verdict[] = [];
  readonly #scope: RunScope;
  #current: Current | undefined;
  #extendedMs = 0;
  /** Epoch ms by which the faults in must be out (the maximum fault duration), if any are in. */
  #faultDeadline: () => number | undefined = () => undefined;

  constructor(scope: RunScope, readonly plan: readonly Step[]) {
    this.#scope = scope;
    this.runId = scope.runId;
    this.drill = scope.drill.name;
    this.steps = plan.map((step) => ({ step: step.name, kind: step.step, summary: stepKindOf(step).summary(step), budgetMs: stepKindOf(step).budgetMs(step) }));
  }

  get timeline(): LiveRun['timeline'] {
    return this.#scope.timeline;
  }

  current(): StepProgress | undefined {
    const current = this.#current;
    if (current === undefined) return undefined;
    return {
      step: current.step.name,
      kind: current.step.step,
      awaiting: current.awaiting,
      observed: current.observed,
      startedAt: current.startedAt,
      ...(current.budgetMs === undefined ? {} : { budgetMs: current.budgetMs }),
    };
  }

  note(text: string, operator: string): void {
    const step = this.#current?.step.name;
    this.#scope.timeline.notes.push({ at: Date.now(), operator, text, ...(step === undefined ? {} : { step }) });
    this.#scope.log(`note            ${text} (${operator})`);
  }

  /**
   * Refused (false) unless the current step is a hold or an until, and the extension keeps the
   * run inside the faults' maximum duration and the run's allowance for extensions.
   */
  extend(ms: number, operator: string): boolean {
    const current = this.#current;
    if (current === undefined || current.budgetMs === undefined || (current.step.step !== 'hold' && current.step.step !== 'until')) return false;
    if (!Number.isFinite(ms) || ms <= 0 || this.#extendedMs + ms > EXTENSION_ALLOWANCE_MS) return false;
    const deadline = this.#faultDeadline();
    if (deadline !== undefined && current.startedAt + current.budgetMs + ms > deadline) return false;
    current.budgetMs += ms;
    this.#extendedMs += ms;
    this.note(`extended step ${current.step.name} by ${formatDuration(ms)}`, operator);
    return true;
  }

  faultDeadline(): number | undefined {
    return this.#faultDeadline();
  }

  /** The interpreter: tells extensions where the faults' deadline is. */
  watchFaultDeadline(deadline: () => number | undefined): void {
    this.#faultDeadline = deadline;
  }

  /** The interpreter: a step starts, with its budget; returns its clock. */
  begin(step: Step, budgetMs: number | undefined): StepClock {
    const current: Current = { step, startedAt: Date.now(), budgetMs, awaiting: '', observed: '' };
    this.#current = current;
    return {
      startedAt: current.startedAt,
      get budgetMs() {
        return current.budgetMs;
      },
      endsAt: () => current.startedAt + (current.budgetMs ?? 0),
    };
  }

  /** The interpreter: what the current step waits for and sees now. */
  progress(awaiting: string, observed: string): void {
    if (this.#current === undefined) return;
    this.#current.awaiting = awaiting;
    this.#current.observed = observed;
  }

  /** The interpreter: no step is running. */
  end(): void {
    this.#current = undefined;
  }
}
