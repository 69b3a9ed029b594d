import type { AssertionContext } from '../assertions/assertion-context.ts';
import type { Figure } from '../assertions/figure.ts';
import type { Verdict } from '../assertions/verdict.ts';
import type { EvidenceSignature } from '../evidence/evidence-signer.ts';
import type { LoadSummary } from '../load/load-engine.ts';
import type { AddressMapping, ApprovalEvent, DnsObservation, FaultEvent, HealthObservation, NoteEvent, PhaseMark, StepEvent } from './timeline.ts';

/** How a run ended; maps one to one onto the CLI exit codes in DESIGN.md. */
export type RunOutcome = 'passed' | 'failed' | 'aborted' | 'rollback-failed';

export const EXIT_CODES: Readonly<Record<RunOutcome | 'bad-input', number>> = {
  passed: 0,
  failed: 1,
  'bad-input': 2,
  aborted: 3,
  'rollback-failed': 4,
};

/** One load result file `drdrill ingest` merged into the run. */
export interface IngestedFile {
  /** The file's name as given (its path when it was ingested). */
  readonly file: string;
  /** SHA-256 of its bytes as read (compressed, when it was): the same file is never merged twice. */
  readonly sha256: string;
  /** Samples it held. */
  readonly samples: number;
  /** Epoch ms when it was merged. */
  readonly at: number;
  /** Its copy in the run directory, part of the signed bundle. */
  readonly kept: string;
}

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

/** The run's traffic in buckets: all of it, and per service when the drill loaded several. */
export interface RunSeries {
  readonly bucketMs: number;
  readonly points: readonly SeriesPoint[];
  /** The same buckets for each loaded service's requests alone; absent when one service was loaded. */
  readonly byService?: Readonly<Record<string, readonly SeriesPoint[]>>;
}

/** Requests and errors of one loaded service (its error rate is the `<service>:errorRate.run` figure). */
export interface ServiceTotals {
  readonly requests: number;
  readonly errors: number;
}

export interface RunTotals {
  readonly requests: number;
  readonly errors: number;
  /** Per loaded service (samples' `target`), when the drill loaded several. */
  readonly byService?: Readonly<Record<string, ServiceTotals>>;
}

/** One AWS control-plane call made during a run (recorded by `recordCalls`), for the audit trail. */
export interface ControlPlaneCallRecord {
  /** SDK client name without the `Client` suffix, e.g. `Lambda`, `Route53`. */
  readonly service: string;
  /** Operation name, e.g. `PutFunctionConcurrency`. */
  readonly operation: string;
  readonly region: string;
  /** `x-amzn-RequestId` (or the S3-style id) AWS returned; absent when no response came. */
  readonly requestId?: string;
  /** Epoch ms when the SDK call started and when it returned or threw (retries included). */
  readonly startedAt: number;
  readonly endedAt: number;
  readonly httpStatus?: number;
  /** SDK attempts, retries included. */
  readonly attempts?: number;
  /** AWS error code (e.g. `ThrottlingException`) when the call failed. */
  readonly errorCode?: string;
}

/** Who ran the drill, as STS GetCallerIdentity reported it. */
export interface OperatorIdentity {
  readonly arn: string;
  readonly account: string;
  readonly userId: string;
}

/** One observed setting of a target, e.g. a function's reserved concurrency, at a point in time. */
export interface StateSnapshotItem {
  readonly target: string;
  readonly field: string;
  /** The value as read live (stringified), `unset` when the setting was absent. */
  readonly value: string;
}

/** Live state of every target a drill touches, read before injecting or after rolling back. */
export interface StateSnapshot {
  readonly at: number;
  readonly items: readonly StateSnapshotItem[];
}

/** Audit facts about a run beyond what was observed: who, from which code, which calls changed what. */
export interface RunEvidence {
  /** `git rev-parse HEAD` of the working tree the drill ran from (`+dirty` when it had changes). */
  readonly gitRevision?: string;
  /** The caller identity, or why it could not be read. */
  readonly operator?: OperatorIdentity | { readonly error: string };
  readonly calls?: readonly ControlPlaneCallRecord[];
  readonly snapshots?: { readonly before?: StateSnapshot; readonly after?: StateSnapshot };
  /** Who signs the bundle's attestation (set when the bundle is written), or why nobody does. */
  readonly signature?: EvidenceSignature;
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
    /** Every region of the environment, in order (the first is the primary). */
    readonly regions: readonly string[];
    /** Each observed service's routing shape and region chain. */
    readonly services?: Readonly<Record<string, { readonly routing: string; readonly regions: readonly string[] }>>;
  };
  readonly engine: string;
  /** How the load went: why this engine, and what it reported (sent, dropped, lag, k6 outcome). */
  readonly load?: {
    readonly note?: string;
    readonly summary?: LoadSummary;
    /** Load result files merged in after the run (`drdrill ingest`: k6-operator runners' NDJSON), in order. */
    readonly ingested?: readonly IngestedFile[];
  };
  readonly startedAt: number;
  readonly endedAt: number;
  readonly outcome: RunOutcome;
  readonly exitCode: number;
  /** Why the run was aborted or a rollback failed, when it was. */
  readonly reason?: string;
  /**
   * When the run was told to stop (signal, stop condition, maximum fault duration, declined
   * approval) or the drill threw, if it did: what its verdicts were judged "not evaluated" against.
   */
  readonly abortedAt?: number;
  readonly phases: readonly PhaseMark[];
  readonly faults: readonly FaultEvent[];
  /** Steps started and ended; absent in records written before drills ran as steps. */
  readonly steps?: readonly StepEvent[];
  /** Who approved what, and when (absent in older records). */
  readonly approvals?: readonly ApprovalEvent[];
  /** Notes written during the run (absent in older records). */
  readonly notes?: readonly NoteEvent[];
  readonly dns: readonly DnsObservation[];
  readonly health: readonly HealthObservation[];
  readonly regionsByAddress: Readonly<Record<string, string>>;
  /** The identifier's address → region map changes (regional endpoint names resolved during the run). */
  readonly addressMappings?: readonly AddressMapping[];
  readonly series: RunSeries;
  readonly totals: RunTotals;
  /** Verdicts as evaluated; their figures live in `figures`, not here. */
  readonly verdicts: readonly Verdict[];
  /**
   * The headline figures, each computed once (`measureHeadlineFigures`) and stored only here:
   * every output prints them from this list. Absent in records written before it existed.
   */
  readonly figures?: readonly Figure[];
  /**
   * What the assertions were judged with besides the Timeline (regions, health-check rules, probe
   * intervals, cohorts), so they can be judged again from the run directory (`drdrill ingest`).
   * Absent in records written before it existed.
   */
  readonly context?: AssertionContext;
  /** The machine the drill ran on (os.hostname()), when the runner recorded it. */
  readonly hostname?: string;
  /** Operator, code revision, control-plane calls and state snapshots, when the runner recorded them. */
  readonly evidence?: RunEvidence;
}
