import type { Figure } from '../../src/assertions/figure.ts';
import { measureHeadlineFigures } from '../../src/assertions/headline-figures.ts';
import type { Verdict } from '../../src/assertions/verdict.ts';
import { SampleStore } from '../../src/load/sample-store.ts';
import { isErrorSample } from '../../src/load/sample.ts';
import { runTotals } from '../../src/reporters/run-totals.ts';
import { buildRunSeries, buildSeries } from '../../src/reporters/series.ts';
import type { RunRecord } from '../../src/runner/run-record.ts';
import type { DnsObservation, FaultEvent, HealthObservation, PhaseMark, Timeline } from '../../src/runner/timeline.ts';

/** 2025-03-14T09:00:00.000Z, the synthetic run's start. */
export const FIXTURE_START = Date.UTC(2025, 2, 14, 9, 0, 0);
export const FIXTURE_DURATION_MS = 45_000;
export const PRIMARY_ADDRESS = '127.0.0.2';
export const SECONDARY_ADDRESS = '127.0.0.3';
export const RESOLVERS = ['127.0.0.1:5353', '127.0.0.1:5354'] as const;

const at = (offsetMs: number): number => FIXTURE_START + offsetMs;

/**
 * A failover drill as it would really unfold, at 20 req/s for 45 s: the primary's Lambda is
 * throttled at +10.15 s (500s, then a few timeouts), DNS moves to us-west-2 at about +16.5 s,
 * the fault is rolled back at +30.1 s and traffic fails back at about +32 s.
 */
export function buildFixtureSamples(): SampleStore {
  const samples = new SampleStore(64);
  for (let i = 0; i < FIXTURE_DURATION_MS / 50; i++) {
    const offset = i * 50;
    const start = at(offset);
    const target = i % 10 === 0 ? 'api, "v2"' : 'api';
    if (offset < 10_200 || offset >= 33_000) {
      samples.push({ start, latencyMs: 20 + (i % 10), status: 200, region: 'us-east-1', address: PRIMARY_ADDRESS, target });
    } else if (offset >= 16_000 && offset < 16_500) {
      samples.push({ start, latencyMs: 2000, status: 0, error: 'ETIMEDOUT', address: PRIMARY_ADDRESS, target });
    } else if (offset < 17_000) {
      samples.push({ start, latencyMs: 35, status: 500, address: PRIMARY_ADDRESS, target });
    } else {
      samples.push({ start, latencyMs: 80 + (i % 7), status: 200, region: 'us-west-2', address: SECONDARY_ADDRESS, target });
    }
  }
  return samples;
}

const PHASES: readonly PhaseMark[] = [
  { phase: 'baseline', at: at(0) },
  { phase: 'fault', at: at(10_000) },
  { phase: 'recovery', at: at(12_000) },
  { phase: 'failback', at: at(30_000) },
  { phase: 'settle', at: at(35_000) },
];

const FAULTS: readonly FaultEvent[] = [
  {
    kind: 'inject',
    at: at(10_150),
    injector: 'lambda-throttle',
    target: 'lambda:us-east-1:api-handler',
    requestIds: ['3f1c2a9e-0001'],
    detail: 'reserved concurrency 100 → 0',
  },
  { kind: 'verified', at: at(11_000), injector: 'lambda-throttle', target: 'lambda:us-east-1:api-handler', requestIds: [] },
  {
    kind: 'rollback',
    at: at(30_100),
    injector: 'lambda-throttle',
    target: 'lambda:us-east-1:api-handler',
    requestIds: ['3f1c2a9e-0002'],
    detail: 'reserved concurrency 0 → 100',
  },
];

function dnsObservations(): DnsObservation[] {
  const observations: DnsObservation[] = [];
  const switchAt = { [RESOLVERS[0]]: [16_500, 32_000], [RESOLVERS[1]]: [17_500, 33_000] };
  for (const resolver of RESOLVERS) {
    const [failover = 0, failback = 0] = switchAt[resolver];
    for (let offset = 0; offset < FIXTURE_DURATION_MS; offset += 1000) {
      const base = { at: at(offset), resolver, name: 'api.drdrill.test', latencyMs: 1.2 };
      if (resolver === RESOLVERS[1] && offset === 20_000) {
        observations.push({ ...base, addresses: [], rcode: 'TIMEOUT', latencyMs: 500 });
        continue;
      }
      const address = offset >= failover && offset < failback ? SECONDARY_ADDRESS : PRIMARY_ADDRESS;
      observations.push({ ...base, addresses: [address], ttl: 5, rcode: 'NOERROR' });
    }
  }
  return observations;
}

function healthObservations(): HealthObservation[] {
  const observations: HealthObservation[] = [];
  for (let offset = 0; offset < FIXTURE_DURATION_MS; offset += 2000) {
    const primaryHealthy = offset < 14_000 || offset >= 31_500;
    observations.push(
      {
        at: at(offset),
        healthCheckId: 'hc-primary',
        healthy: primaryHealthy,
        detail: primaryHealthy ? 'Success: HTTP Status Code 200, OK' : 'Failure: HTTP Status Code 500, Internal Server Error',
      },
      { at: at(offset), healthCheckId: 'hc-secondary', healthy: true },
    );
  }
  return observations;
}

export const FIXTURE_VERDICTS: readonly Verdict[] = [
  {
    assertion: 'dns-convergence',
    name: 'DNS converges on us-west-2',
    status: 'passed',
    observed: 'converged in 7.35 s (±1 s)',
    expected: '≤ 10 s',
    window: { from: at(10_150), to: at(17_500) },
    resolutionMs: 1000,
    details: { [RESOLVERS[0]]: '6.35 s', [RESOLVERS[1]]: '7.35 s' },
  },
  {
    assertion: 'error-budget',
    name: 'error budget holds during the fault',
    status: 'failed',
    observed: '13.5 % errors (136 of 1000)',
    expected: '≤ 5 %',
    window: { from: at(10_000), to: at(30_000) },
  },
  {
    assertion: 'failback',
    name: 'traffic fails back to us-east-1',
    status: 'errored',
    observed: 'no DNS answer from 127.0.0.1:5354 for 4 s after rollback',
    expected: 'failback within 10 s',
  },
];

/**
 * A complete, realistic RunRecord for the synthetic run (series and totals computed from
 * `samples`), with any top-level field overridden.
 */
export function buildFixtureRunRecord(overrides: Partial<RunRecord> = {}, samples = buildFixtureSamples()): RunRecord {
  let errors = 0;
  for (let i = 0; i < samples.length; i++) if (isErrorSample({ status: samples.statusAt(i) })) errors++;
  return {
    schemaVersion: 1,
    runId: '20250314T090000Z-7f3a',
    tool: { name: 'drdrill', version: '0.1.0' },
    drill: {
      name: 'primary-lambda-throttle',
      description: 'Throttle the primary Lambda and expect Route 53 to fail over to us-west-2.',
      file: 'drills/sandbox/primary-lambda-throttle.drill.ts',
      definition: {
        name: 'primary-lambda-throttle',
        faults: [{ injector: 'lambda-throttle', target: { functionName: 'api-handler', region: 'us-east-1' } }],
      },
    },
    environment: {
      name: 'sandbox',
      kind: 'sandbox',
      accountId: '000000000000',
      regions: ['us-east-1', 'us-west-2'],
    },
    engine: 'builtin',
    startedAt: FIXTURE_START,
    endedAt: at(FIXTURE_DURATION_MS),
    outcome: 'failed',
    exitCode: 1,
    phases: PHASES,
    faults: FAULTS,
    dns: dnsObservations(),
    health: healthObservations(),
    regionsByAddress: { [PRIMARY_ADDRESS]: 'us-east-1', [SECONDARY_ADDRESS]: 'us-west-2' },
    series: { bucketMs: 1000, points: buildSeries(samples, FIXTURE_START, at(FIXTURE_DURATION_MS), 1000) },
    totals: { requests: samples.length, errors },
    verdicts: FIXTURE_VERDICTS,
    figures: fixtureFigures(samples),
    ...overrides,
  };
}

/** The headline figures the runner would store for the synthetic run, measured by the same code. */
function fixtureFigures(samples: SampleStore): Figure[] {
  return measureHeadlineFigures(buildFixtureTimeline(samples), [], FIXTURE_CONTEXT);
}

export const FIXTURE_CONTEXT = { primaryRegion: 'us-east-1', secondaryRegion: 'us-west-2', probeIntervalMs: 1000 } as const;

/** The synthetic run as the Timeline the runner would have built. */
export function buildFixtureTimeline(samples = buildFixtureSamples()): Timeline {
  return {
    startedAt: FIXTURE_START,
    endedAt: at(FIXTURE_DURATION_MS),
    phases: [...PHASES],
    faults: [...FAULTS],
    dns: dnsObservations(),
    health: healthObservations(),
    steps: [],
    approvals: [],
    notes: [],
    samples,
    regionsByAddress: { [PRIMARY_ADDRESS]: 'us-east-1', [SECONDARY_ADDRESS]: 'us-west-2' },
  };
}

/** Requests of `orders` in the two-service run: 10 req/s, every 25th a 503, all served by the primary. */
export const ORDERS_EVERY_NTH_ERROR = 25;

/**
 * The synthetic run loading two services: `api` fails over as in the one-service run (every
 * request of it, target `api`), `orders` stays on us-east-1 throughout at half the rate.
 */
export function buildTwoServiceSamples(): SampleStore {
  const samples = new SampleStore(64);
  for (const sample of buildFixtureSamples()) samples.push({ ...sample, target: 'api' });
  for (let i = 0; i < FIXTURE_DURATION_MS / 100; i++) {
    const status = i % ORDERS_EVERY_NTH_ERROR === 0 ? 503 : 200;
    samples.push({ start: at(i * 100 + 25), latencyMs: 30, status, region: 'us-east-1', address: PRIMARY_ADDRESS, target: 'orders' });
  }
  return samples;
}

/** The two-service run as the runner's assertion context describes it: both services observed, api the drill's own. */
export const TWO_SERVICE_CONTEXT = {
  ...FIXTURE_CONTEXT,
  defaultService: 'api',
  services: {
    api: { regions: ['us-east-1', 'us-west-2'], recordName: 'api.drdrill.test', healthCheckIds: {} },
    orders: { regions: ['us-east-1', 'us-west-2'], recordName: 'orders.drdrill.test', healthCheckIds: {} },
  },
} as const;

/** The two-service run's record: series, totals and figures built the way the runner builds them. */
export function buildTwoServiceRunRecord(samples = buildTwoServiceSamples()): RunRecord {
  return buildFixtureRunRecord(
    {
      series: buildRunSeries(samples, FIXTURE_START, at(FIXTURE_DURATION_MS), 1000),
      totals: runTotals(samples),
      figures: measureHeadlineFigures(buildFixtureTimeline(samples), [], TWO_SERVICE_CONTEXT),
    },
    samples,
  );
}
