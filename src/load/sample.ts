/**
 * One request as a load engine saw it. Engines emit these; the SampleStore keeps them in
 * columns so an hour of load stays small.
 */
export interface Sample {
  /** Epoch milliseconds when the request was scheduled to start (open model: not when it got a socket). */
  readonly start: number;
  /** Milliseconds from scheduled start to the end of the response (or the error). */
  readonly latencyMs: number;
  /** HTTP status; 0 when no response arrived (see `error`). */
  readonly status: number;
  /** Transport error code (`ECONNREFUSED`, `ETIMEDOUT`, `ENOTFOUND`, …) when status is 0. */
  readonly error?: string;
  /** Region that answered (from the response), when known. */
  readonly region?: string;
  /** Address the request connected to, when known. */
  readonly address?: string;
  /** Logical target (service) name, for drills that load several services. */
  readonly target?: string;
  /** Client cohort (`load.clients`) that sent it, when the load has several. */
  readonly cohort?: string;
}

/** A request counts as an error when no response arrived or the status is 5xx/4xx. */
export function isErrorSample(sample: Pick<Sample, 'status'>): boolean {
  return sample.status === 0 || sample.status >= 400;
}

/** A Sample being filled in field by field (engines and stores build them this way). */
export type MutableSample = { -readonly [K in keyof Sample]: Sample[K] };
