import type { ApprovalEvent, NoteEvent } from '../runner/timeline.ts';
import type { ServiceTraffic } from './live-traffic.ts';

/**
 * Everything the console page shows, sent whole on every change: a page that opens (or reopens)
 * late needs nothing but the latest one. Every text in it came from the drill or the people in
 * the room, so the page only ever writes it as text.
 */
export interface ConsoleState {
  /** `waiting`: the command runs but no drill has its observers up yet; `ended`: the last drill is over. */
  readonly status: 'waiting' | 'running' | 'ended';
  readonly drill?: string;
  readonly runId?: string;
  /** The environment's regions in order (the first is the primary), so colours stay the report's. */
  readonly regions: readonly string[];
  readonly steps: readonly ConsoleStep[];
  /** The approve step waiting for an answer here, if one is. */
  readonly approval?: { readonly step: string; readonly question: string; readonly deadline: number };
  readonly traffic: readonly ServiceTraffic[];
  readonly dns: readonly ResolverSetAnswers[];
  readonly health: readonly HealthStatus[];
  readonly faults: readonly FaultState[];
  /** Epoch ms by which the faults in must be out, when any are. */
  readonly faultDeadline?: number;
  readonly approvals: readonly ApprovalEvent[];
  readonly notes: readonly NoteEvent[];
  /** Once a drill is over: how it ended and where its reports are. */
  readonly ended?: { readonly drill: string; readonly outcome: string; readonly exitCode: number; readonly reason?: string; readonly reports?: string };
}

export interface ConsoleStep {
  readonly step: string;
  readonly kind: string;
  readonly summary: string;
  readonly state: 'pending' | 'running' | 'passed' | 'failed' | 'aborted';
  readonly startedAt?: number;
  readonly endedAt?: number;
  /** The budget, extensions included once it ran. */
  readonly budgetMs: number;
  /** While running: what it waits for and what it sees; once ended: what it saw last. */
  readonly awaiting?: string;
  readonly observed?: string;
}

/** The latest answer each resolver of one set gave (a vantage point, or the resolvers listed), and since when (epoch ms). */
export interface ResolverSetAnswers {
  readonly set: string;
  readonly answers: readonly { readonly resolver: string; readonly service?: string; readonly answer: string; readonly since: number }[];
}

export interface HealthStatus {
  readonly healthCheckId: string;
  readonly healthy: boolean;
  /** Epoch ms of the first reading of this status in a row. */
  readonly since: number;
  readonly detail?: string;
}

export interface FaultState {
  readonly fault: string;
  readonly injector: string;
  readonly target: string;
  readonly state: 'in' | 'verified' | 'out' | 'rollback-failed';
  readonly injectedAt?: number;
  readonly revertedAt?: number;
}
