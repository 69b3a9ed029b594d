import type { ApprovalChannel, Timeline } from './timeline.ts';

/**
 * The contract between a running drill and the people watching it: the step interpreter asks
 * an Approver at every `approve` step and publishes a LiveRun that the terminal status line and
 * the game-day console read and steer. The drill never depends on either: without a console the
 * run is the same run, and a page that closes changes nothing.
 */

/** An `approve` step's question, put to whoever can answer it. */
export interface ApprovalRequest {
  /** The step's name in the drill. */
  readonly step: string;
  readonly question: string;
  /** Epoch ms when the question times out: the run then aborts and rolls back (exit 3). */
  readonly deadline: number;
  /** Aborts when the run stops or the deadline passes; an answer after that is ignored. */
  readonly signal: AbortSignal;
}

/** Who answered an approve step, how, and what they said. */
export interface ApprovalAnswer {
  readonly approved: boolean;
  /** The person: the operator identity (an ARN, `user@host`) or the name typed in the console. */
  readonly operator: string;
  /** `flag`: approved in advance with `--approve`, recorded as such. */
  readonly via: ApprovalChannel;
  readonly comment?: string;
}

/** Answers approve steps; the CLI builds one from `--approve`, the TTY and the console. */
export interface Approver {
  /**
   * Whether a step could be answered at all (no TTY, no `--approve`, no console: no). Asked in
   * preflight for every approve step, so a drill nobody can approve is refused before anything changes.
   */
  canAnswer(step: string): boolean;
  /** Resolves with the answer; rejects (or never resolves) once `request.signal` aborts. */
  ask(request: ApprovalRequest): Promise<ApprovalAnswer>;
}

/** What the current step waits for and what is observed now, for progress lines and the console. */
export interface StepProgress {
  /** The step's name in the drill. */
  readonly step: string;
  /** Its kind: `inject`, `until`, `hold`, `approve`, `revert`, `note`. */
  readonly kind: string;
  /** What is awaited, in words, e.g. `DNS on us-west-2 from the public resolvers`. */
  readonly awaiting: string;
  /** What is observed now, e.g. `1 of 2 resolvers`. */
  readonly observed: string;
  /** Epoch ms when the step started. */
  readonly startedAt: number;
  /** The step's budget in ms (an until's `within`, a hold's length, an approve's timeout), extensions included. */
  readonly budgetMs?: number;
}

/** A step of the drill as planned, for the console's step list. */
export interface PlannedStep {
  readonly step: string;
  readonly kind: string;
  /** One line saying what it does, e.g. `until DNS serves us-west-2 (all public resolvers) within 2 m`. */
  readonly summary: string;
  /** Its budget in ms as planned (0 for steps that do not wait), before any extension. */
  readonly budgetMs: number;
}

/** A running drill as its watchers see it; handed out once the observers are running. */
export interface LiveRun {
  readonly runId: string;
  readonly drill: string;
  /** The run's Timeline, read live (never written through this). */
  readonly timeline: Timeline;
  readonly steps: readonly PlannedStep[];
  /** The current step's progress, or undefined before the first step and after the last. */
  current(): StepProgress | undefined;
  /** Puts a note on the timeline now (notes beginning `action:` are action items in the report). */
  note(text: string, operator: string): void;
  /**
   * Extends the current hold or until by `ms`, recorded on the timeline with who asked; false when
   * the current step is neither.
   */
  extend(ms: number, operator: string): boolean;
  /** Epoch ms by which the faults in now must be out (the maximum fault duration); undefined with none in. */
  faultDeadline(): number | undefined;
}
