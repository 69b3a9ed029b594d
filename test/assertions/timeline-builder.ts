import type { AssertionContext } from '../../src/assertions/assertion-context.ts';
import { SampleStore } from '../../src/load/sample-store.ts';
import type { Sample } from '../../src/load/sample.ts';
import type { DnsObservation, FaultEvent, HealthObservation, PhaseName, Timeline } from '../../src/runner/timeline.ts';

/** Epoch ms every synthetic timeline starts at; builder times are offsets from here. */
export const T0 = 1_700_000_000_000;
export const PRIMARY = 'us-east-1';
export const SECONDARY = 'us-west-2';
export const PRIMARY_ADDRESS = '127.0.0.10';
export const SECONDARY_ADDRESS = '127.0.0.20';
export const TERTIARY = 'eu-west-2';
export const TERTIARY_ADDRESS = '127.0.0.30';
export const RESOLVER_A = '127.0.0.1:5353';
export const RESOLVER_B = '127.0.0.1:5354';
export const RESOLVER_C = '127.0.0.1:5355';
export const PROBE_MS = 250;
export const PRIMARY_CHECK = 'hc-primary';
export const SECONDARY_CHECK = 'hc-secondary';
export const HEALTH_POLL_MS = 500;

export const CONTEXT: AssertionContext = {
  primaryRegion: PRIMARY,
  secondaryRegion: SECONDARY,
  probeIntervalMs: PROBE_MS,
};

/** What a synthetic resolver says: a region, several addresses, or an rcode with no addresses. */
export type Answer = 'primary' | 'secondary' | 'tertiary' | 'both' | 'unknown' | 'TIMEOUT' | 'NXDOMAIN' | 'SERVFAIL';

/** A synthetic request; times are offsets from T0. */
export interface SampleSpec {
  readonly start: number;
  readonly latency?: number;
  readonly status?: number;
  readonly region?: string;
  readonly error?: string;
  /** The service (load target) the request went to. */
  readonly target?: string;
}

/** Builds Timelines with times given as offsets (ms) from T0. */
export class TimelineBuilder {
  readonly #phases: { phase: PhaseName; at: number }[] = [];
  readonly #faults: FaultEvent[] = [];
  readonly #dns: DnsObservation[] = [];
  readonly #samples: Sample[] = [];
  readonly #health: HealthObservation[] = [];

  /** Standard phase layout: baseline 0, fault 10 s, recovery 20 s, failback 30 s, settle 35 s. */
  standardPhases(): this {
    return this.phase('baseline', 0).phase('fault', 10_000).phase('recovery', 20_000).phase('failback', 30_000).phase('settle', 35_000);
  }

  phase(phase: PhaseName, at: number): this {
    this.#phases.push({ phase, at: T0 + at });
    return this;
  }

  fault(kind: FaultEvent['kind'], at: number, name?: string, startedAt?: number, injector = 'lambda-throttle'): this {
    this.#faults.push({
      kind,
      at: T0 + at,
      ...(startedAt === undefined ? {} : { startedAt: T0 + startedAt }),
      ...(name === undefined ? {} : { fault: name }),
      injector,
      target: 'lambda:us-east-1:api',
      requestIds: ['req-1'],
    });
    return this;
  }

  inject(at: number): this {
    return this.fault('inject', at);
  }

  /** `startedAt`: when the undo call was sent, if before `at` (when it returned). */
  rollback(at: number, startedAt?: number): this {
    return this.fault('rollback', at, undefined, startedAt);
  }

  dns(resolver: string, at: number, answer: Answer, service?: { readonly service: string; readonly name: string }): this {
    const addresses = ADDRESSES[answer];
    const rcode = addresses.length > 0 ? 'NOERROR' : answer;
    this.#dns.push({
      at: T0 + at,
      resolver,
      name: service?.name ?? 'api.drdrill.test',
      ...(service === undefined ? {} : { service: service.service }),
      addresses,
      ...(addresses.length > 0 ? { ttl: 1 } : {}),
      rcode,
      latencyMs: 2,
    });
    return this;
  }

  /** One probe every PROBE_MS in [from, to), answering `answerAt(offset)`. */
  probes(resolver: string, from: number, to: number, answerAt: (at: number) => Answer, service?: { readonly service: string; readonly name: string }): this {
    for (let at = from; at < to; at += PROBE_MS) this.dns(resolver, at, answerAt(at), service);
    return this;
  }

  /**
   * The overall status of a health check as a poller reports it: seen at poll time `at`, flipped
   * at `checkedAt` (offsets from T0; checkedAt defaults to `at`).
   */
  health(healthCheckId: string, at: number, healthy: boolean, checkedAt = at): this {
    this.#health.push({ at: T0 + at, healthCheckId, healthy, checkedAt: T0 + checkedAt, healthyCheckers: healthy ? 8 : 0, reportingCheckers: 8 });
    return this;
  }

  /** One checker region's result (these must not be read as the overall status). */
  checkerResult(healthCheckId: string, at: number, healthy: boolean, checkerRegion = 'us-east-1'): this {
    this.#health.push({ at: T0 + at, healthCheckId, healthy, checkerRegion, checkedAt: T0 + at });
    return this;
  }

  sample(spec: SampleSpec): this {
    const status = spec.status ?? 200;
    const sample: Sample = {
      start: T0 + spec.start,
      latencyMs: spec.latency ?? 20,
      status,
      ...(spec.error === undefined ? {} : { error: spec.error }),
      ...(spec.target === undefined ? {} : { target: spec.target }),
      ...(spec.region === undefined ? (status === 0 ? {} : { region: PRIMARY }) : { region: spec.region }),
    };
    this.#samples.push(sample);
    return this;
  }

  /** One request every `every` ms in [from, to), described by `at => spec`. */
  samples(from: number, to: number, every: number, specAt: (at: number) => Omit<SampleSpec, 'start'>): this {
    for (let at = from; at < to; at += every) this.sample({ start: at, ...specAt(at) });
    return this;
  }

  /**
   * Ends the run at `endedAt` (offset). Samples go into the store in completion order
   * (start + latency), as a load engine would push them.
   */
  build(endedAt: number, regionsByAddress: Readonly<Record<string, string>> = { [PRIMARY_ADDRESS]: PRIMARY, [SECONDARY_ADDRESS]: SECONDARY }): Timeline {
    const store = new SampleStore(16);
    const ordered = [...this.#samples].sort((a, b) => a.start + a.latencyMs - (b.start + b.latencyMs));
    for (const sample of ordered) store.push(sample);
    return {
      startedAt: T0,
      endedAt: T0 + endedAt,
      phases: [...this.#phases],
      faults: [...this.#faults],
      dns: [...this.#dns],
      health: [...this.#health],
      steps: [],
      approvals: [],
      notes: [],
      samples: store,
      regionsByAddress,
    };
  }
}

const ADDRESSES: Readonly<Record<Answer, readonly string[]>> = {
  primary: [PRIMARY_ADDRESS],
  secondary: [SECONDARY_ADDRESS],
  both: [PRIMARY_ADDRESS, SECONDARY_ADDRESS],
  tertiary: [TERTIARY_ADDRESS],
  unknown: ['127.0.0.99'],
  TIMEOUT: [],
  NXDOMAIN: [],
  SERVFAIL: [],
};

/** `from ≤ at < to`, for answer/sample functions. */
export function between(at: number, from: number, to: number): boolean {
  return at >= from && at < to;
}
