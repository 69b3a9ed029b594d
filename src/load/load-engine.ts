import type { ClientCohort } from './client-cohort.ts';
import type { LoadRequest } from './load-request.ts';
import type { Sample } from './sample.ts';

/** What to load, resolved from the drill and the environment. */
export interface LoadPlan {
  /** Full URL, e.g. `http://api.drdrill.test:41234/`. The host is resolved per new connection. */
  readonly url: string;
  /** Requests per second, offered whatever the endpoint does (open model). */
  readonly rate: number;
  /** How long to offer load; the engine stops by itself after this. */
  readonly durationMs: number;
  /** Hard cap on requests sent, a second bound besides time (per target when `targets` is given). */
  readonly maxRequests: number;
  /** Per-request timeout; a request that takes longer is a sample with error `ETIMEDOUT`. */
  readonly timeoutMs: number;
  /** DNS server (`host:port`) to resolve the URL's host through; system resolver when absent. */
  readonly resolver?: string;
  /** Response header naming the region that answered. */
  readonly regionHeader: string;
  /** Logical target name written into every sample. */
  readonly target: string;
  /** Method, headers and body of every request to `url` (default a plain GET). */
  readonly request?: LoadRequest;
  /** Keep connections alive across requests (shows clients that stick to a dead region). Default false. */
  readonly keepAlive?: boolean;
  /**
   * Ramping arrival rate: after starting at `rate`, each stage moves the rate linearly to its
   * `target` over its `durationMs` (like k6's ramping-arrival-rate). When present, the load lasts
   * the sum of the stages (still capped by `durationMs` and `maxRequests`).
   */
  readonly ramp?: readonly RampStage[];
  /**
   * Several services loaded at once, each with its own URL (and optionally its own rate, ramp and
   * region header). When present, `url`/`target` describe the first one and the engine loads all.
   */
  readonly targets?: readonly LoadTarget[];
  /**
   * `ignore` (default): resolve afresh for every new connection, so failover shows at once.
   * `honour`: reuse an answer for its TTL, like a caching stub resolver would.
   */
  readonly dnsTtl?: 'honour' | 'ignore';
  /**
   * Several client populations at once, each sending its `share` (percent) of every target's rate
   * with its own DNS and connection behaviour, its samples tagged with its name. When present,
   * `keepAlive` and `dnsTtl` are the cohorts' business and ignored.
   */
  readonly clients?: readonly ClientCohort[];
  /** Directory for the engine's raw evidence (k6: compressed NDJSON output and summary). */
  readonly runDir?: string;
  /**
   * k6-style thresholds taken from the drill, e.g. `{ http_req_failed: ['rate<0.05'] }`. The k6
   * engine passes them to k6 (exit 99 when crossed); the built-in engine ignores them.
   */
  readonly thresholds?: Readonly<Record<string, readonly string[]>>;
  /**
   * k6 processes to split the load between (execution segments), default 1; their samples are
   * delivered as one stream. The built-in engine ignores it.
   */
  readonly k6Instances?: number;
}

/** One stage of a ramping arrival rate. */
export interface RampStage {
  /** Requests per second at the end of the stage. */
  readonly target: number;
  readonly durationMs: number;
}

/** One loaded service when a plan has several. Absent fields fall back to the plan's. */
export interface LoadTarget {
  /** Logical target name written into its samples. */
  readonly name: string;
  readonly url: string;
  readonly rate?: number;
  readonly ramp?: readonly RampStage[];
  readonly regionHeader?: string;
  /** Method, headers and body of this target's requests (default a plain GET; not the plan's `request`). */
  readonly request?: LoadRequest;
}

/** A load engine offers load for a plan and emits one sample per request. */
export interface LoadEngine {
  readonly name: string;
  /**
   * Runs until the plan's duration has passed (or `signal` aborts), calling `onSample` once per
   * request as each completes. Resolves once every request sent has completed or timed out.
   */
  run(plan: LoadPlan, onSample: (sample: Sample) => void, signal: AbortSignal): Promise<LoadSummary>;
}

export interface LoadSummary {
  readonly engine: string;
  readonly sent: number;
  readonly completed: number;
  /** Largest lag between a request's scheduled start and when it was actually sent (ms). */
  readonly maxSchedulingLagMs: number;
  /** 99th percentile of that lag (ms), when the engine measures it. */
  readonly schedulingLagP99Ms?: number;
  /** Requests the engine could not start on time and skipped (k6 `dropped_iterations`). */
  readonly dropped?: number;
  /**
   * How the load ended: `completed` (ran its course), `thresholds-crossed` (k6 exit 99: the samples
   * are complete, the drill's thresholds were not met), `aborted` (the signal stopped it).
   */
  readonly outcome?: 'completed' | 'thresholds-crossed' | 'aborted';
  /** Files of raw evidence the engine wrote (absolute paths). */
  readonly evidence?: readonly string[];
  /** Anything a person should know about how the load ran (engine version, skipped lines, …). */
  readonly notes?: readonly string[];
}
