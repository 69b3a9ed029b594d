import type { Sample } from './sample.ts';

/** What to load, resolved from the drill and the environment. */
export interface LoadPlan {
  /** Full URL, e.g. `http://api.drdrill.test:41234/`. The host is resolved per new connection. */
  readonly url: string;
  /** Requests per second, offered whatever the endpoint does (open model). */
  readonly rate: number;
  /** How long to offer load; the engine stops by itself after this. */
  readonly durationMs: number;
  /** Hard cap on requests sent, a second bound besides time. */
  readonly maxRequests: number;
  /** Per-request timeout; a request that takes longer is a sample with error `ETIMEDOUT`. */
  readonly timeoutMs: number;
  /** DNS server (`host:port`) to resolve the URL's host through; system resolver when absent. */
  readonly resolver?: string;
  /** Response header naming the region that answered. */
  readonly regionHeader: string;
  /** Logical target name written into every sample. */
  readonly target: string;
  /** Keep connections alive across requests (shows clients that stick to a dead region). Default false. */
  readonly keepAlive?: boolean;
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
}
