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
}

/** One status reading of a health check (from a poller or the sandbox). */
export interface HealthObservation {
  readonly at: number;
  readonly healthCheckId: string;
  readonly healthy: boolean;
  readonly detail?: string;
}

/** Everything observed during one drill run; assertions read only this. */
export interface Timeline {
  readonly startedAt: number;
  endedAt: number;
  readonly phases: PhaseMark[];
  readonly faults: FaultEvent[];
  readonly dns: DnsObservation[];
  readonly health: HealthObservation[];
  readonly samples: SampleStore;
  /**
   * Region name for each address the drill knows about (from the environment), so that DNS
   * answers can be read as "primary" or "secondary".
   */
  readonly regionsByAddress: Readonly<Record<string, string>>;
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
