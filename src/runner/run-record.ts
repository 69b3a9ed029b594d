import type { Verdict } from '../assertions/verdict.ts';
import type { DnsObservation, FaultEvent, HealthObservation, PhaseMark } from './timeline.ts';

/** How a run ended; maps one to one onto the CLI exit codes in DESIGN.md. */
export type RunOutcome = 'passed' | 'failed' | 'aborted' | 'rollback-failed';

export const EXIT_CODES: Readonly<Record<RunOutcome | 'bad-input', number>> = {
  passed: 0,
  failed: 1,
  'bad-input': 2,
  aborted: 3,
  'rollback-failed': 4,
};

/** Requests bucketed by time, so reports can chart a run without the raw samples. */
export interface SeriesPoint {
  /** Bucket start, epoch ms. */
  readonly t: number;
  readonly requests: number;
  readonly errors: number;
  /** 95th percentile latency in the bucket (ms), null when the bucket is empty. */
  readonly p95: number | null;
  /** Requests answered per region in the bucket. */
  readonly byRegion: Readonly<Record<string, number>>;
}

/**
 * Everything a finished run leaves behind, written as run.json. Reporters read only this,
 * never live state, so `drdrill report` can re-render a run from its directory.
 */
export interface RunRecord {
  readonly schemaVersion: 1;
  readonly runId: string;
  readonly tool: { readonly name: 'drdrill'; readonly version: string };
  readonly drill: {
    readonly name: string;
    readonly description: string;
    readonly file: string;
    /** The validated drill definition (durations in ms). */
    readonly definition: unknown;
  };
  readonly environment: {
    readonly name: string;
    readonly kind: 'sandbox' | 'aws';
    readonly accountId: string;
    readonly regions: { readonly primary: string; readonly secondary: string };
  };
  readonly engine: string;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly outcome: RunOutcome;
  readonly exitCode: number;
  /** Why the run was aborted or a rollback failed, when it was. */
  readonly reason?: string;
  readonly phases: readonly PhaseMark[];
  readonly faults: readonly FaultEvent[];
  readonly dns: readonly DnsObservation[];
  readonly health: readonly HealthObservation[];
  readonly regionsByAddress: Readonly<Record<string, string>>;
  readonly series: { readonly bucketMs: number; readonly points: readonly SeriesPoint[] };
  readonly totals: { readonly requests: number; readonly errors: number };
  readonly verdicts: readonly Verdict[];
}
