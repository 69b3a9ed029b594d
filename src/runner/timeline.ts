import type { SampleStore } from '../load/sample-store.ts';

/** The five phases of a drill, in the order they run. */
export const PHASES = ['baseline', 'fault', 'recovery', 'failback', 'settle'] as const;
export type PhaseName = (typeof PHASES)[number];

/** When a phase started; a phase ends where the next one starts (or at `Timeline.endedAt`). */
export interface PhaseMark {
  readonly phase: PhaseName;
  /** Epoch milliseconds. */
  readonly at: number;
}

/** An injector acted: a fault went in, became observable, or was rolled back. */
export interface FaultEvent {
  readonly kind: 'inject' | 'verified' | 'rollback' | 'rollback-failed';
  /** Epoch milliseconds when the call returned (or the condition was seen). */
  readonly at: number;
  /**
   * For `inject` and `rollback`: when the mutating call was sent. A system that follows the call
   * at once (an alarm-bound or inverted health check read by DNS) may change from this moment,
   * before `at`.
   */
  readonly startedAt?: number;
  /** The fault's name in the drill (`faults[].name`, or `<injector>-<position>`). */
  readonly fault?: string;
  readonly injector: string;
  /** Human-readable target, e.g. `lambda:us-east-1:api-handler`. */
  readonly target: string;
  /** AWS request ids of the mutating calls, for the evidence trail. */
  readonly requestIds: readonly string[];
  readonly detail?: string;
}

/** One answer (or failure to answer) from one DNS resolver. */
export interface DnsObservation {
  /** Epoch milliseconds when the query was sent. */
  readonly at: number;
  /** `host:port` of the resolver asked. */
  readonly resolver: string;
  readonly name: string;
  /** A-record addresses, sorted; empty on NXDOMAIN / NODATA / error. */
  readonly addresses: readonly string[];
  /** TTL of the answer in seconds (minimum over the answer set), when there was one. */
  readonly ttl?: number;
  /** DNS rcode name (`NOERROR`, `NXDOMAIN`, …) or `TIMEOUT` / `ERROR` when no answer came. */
  readonly rcode: string;
  readonly latencyMs: number;
  /** The CNAME chain the answer followed (lower-case, no trailing dot), when it had one. */
  readonly cnames?: readonly string[];
  /**
   * Regions the answer was identified as at observation time (from the CNAME chain or the address
   * map current then). Absent in records that predate identification: read regions through
   * `answerRegions`, never this field directly.
   */
  readonly regions?: readonly string[];
  /** Addresses of the answer that mapped to no region at observation time. */
  readonly unidentified?: readonly string[];
  /** The vantage point the query was sent from (a simulated client region or an ECS location). */
  readonly vantage?: string;
  /** The drill service whose record was queried, when the drill probes several. */
  readonly service?: string;
}

/**
 * What a region's regional endpoint name resolved to, whenever that changed (and once at start):
 * the address → region map the identifier used from `at` on.
 */
export interface AddressMapping {
  /** Epoch ms when the resolution that showed the change was sent. */
  readonly at: number;
  readonly region: string;
  /** The regional endpoint name resolved, e.g. `d-abc123.execute-api.eu-west-1.amazonaws.com`. */
  readonly name: string;
  /** Its addresses from then on, sorted; empty when it stopped resolving. */
  readonly addresses: readonly string[];
}

/**
 * One status reading of a health check (from a poller or the sandbox). With `checkerRegion` it is
 * one checker's result; without, it is the status of the check as a whole (what routing uses).
 */
export interface HealthObservation {
  /** Epoch milliseconds when the reading was taken (the poll), like `DnsObservation.at`. */
  readonly at: number;
  readonly healthCheckId: string;
  /** This checker's result (after Inverted), or the check's overall status. */
  readonly healthy: boolean;
  readonly detail?: string;
  /** The Route 53 checker region that reported this result; absent for the overall status. */
  readonly checkerRegion?: string;
  /**
   * Epoch ms when the check ran (StatusReport.CheckedTime). For an overall status: when the result
   * that tipped the check into this status was checked, the best estimate of when Route 53 flipped.
   */
  readonly checkedAt?: number;
  /** Overall status only: checkers whose status (after FailureThreshold) was healthy. */
  readonly healthyCheckers?: number;
  /** Overall status only: checkers that had reported at least once. */
  readonly reportingCheckers?: number;
}

/** A step of the drill started or ended (a `phases` drill runs as steps too). */
export interface StepEvent {
  readonly kind: 'started' | 'ended';
  /** Epoch milliseconds. */
  readonly at: number;
  /** The step's name in the drill (`steps[].name`, or `<kind>-<position>`). */
  readonly step: string;
  /** The step kind: `inject`, `until`, `hold`, `approve`, `revert`, `note`. */
  readonly type: string;
  /** On `ended`: how it went. `failed` is an until that did not come true within its budget. */
  readonly status?: 'passed' | 'failed' | 'aborted';
  /** On `ended`: what was observed last (an until's condition), in words. */
  readonly observed?: string;
}

/** How an approve step was answered; `flag`: in advance, with `--approve`. */
export type ApprovalChannel = 'terminal' | 'flag' | 'console';

/** A person answered an approve step (or `--approve` did, in advance). */
export interface ApprovalEvent {
  /** Epoch ms when the answer came. */
  readonly at: number;
  /** Epoch ms when the question was asked. */
  readonly askedAt: number;
  readonly step: string;
  readonly question: string;
  readonly approved: boolean;
  readonly operator: string;
  readonly via: ApprovalChannel;
  readonly comment?: string;
}

/** Something a person wrote down during the run (console or terminal); `action:` notes are action items. */
export interface NoteEvent {
  readonly at: number;
  readonly operator: string;
  readonly text: string;
  /** The step that was current when the note was written. */
  readonly step?: string;
}

/** Everything observed during one drill run; assertions read only this. */
export interface Timeline {
  readonly startedAt: number;
  endedAt: number;
  readonly phases: PhaseMark[];
  readonly faults: FaultEvent[];
  readonly dns: DnsObservation[];
  readonly health: HealthObservation[];
  /** Steps started and ended, approvals and notes, in order. */
  readonly steps: StepEvent[];
  readonly approvals: ApprovalEvent[];
  readonly notes: NoteEvent[];
  readonly samples: SampleStore;
  /**
   * Region name for each address the drill knows about (from the environment), so that DNS
   * answers can be read as "primary" or "secondary".
   */
  readonly regionsByAddress: Readonly<Record<string, string>>;
  /** Changes of the address → region map found by resolving regional endpoint names, in order. */
  readonly addressMappings?: AddressMapping[];
}

/** The [from, to) window of a phase, or undefined if the phase never started. */
export function phaseWindow(timeline: Timeline, phase: PhaseName): { from: number; to: number } | undefined {
  const index = timeline.phases.findIndex((mark) => mark.phase === phase);
  if (index === -1) return undefined;
  const mark = timeline.phases[index];
  if (mark === undefined) return undefined;
  const next = timeline.phases[index + 1];
  return { from: mark.at, to: next?.at ?? timeline.endedAt };
}
