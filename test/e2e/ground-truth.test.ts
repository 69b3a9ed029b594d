import { expect } from 'chai';
import { DeleteFunctionConcurrencyCommand, LambdaClient, PutFunctionConcurrencyCommand } from '@aws-sdk/client-lambda';
import { Route53Client } from '@aws-sdk/client-route-53';
import type { AssertionContext } from '../../src/assertions/assertion-context.ts';
import { dnsConvergenceOptions, evaluateDnsConvergence } from '../../src/assertions/dns-convergence.ts';
import { measureDetection } from '../../src/assertions/health-detection.ts';
import { SampleStore } from '../../src/load/sample-store.ts';
import { authoritativeResolvers } from '../../src/observers/authoritative-resolvers.ts';
import { startDnsProber } from '../../src/observers/dns-prober.ts';
import { startHealthCheckPoller } from '../../src/observers/health-check-poller.ts';
import type { Timeline } from '../../src/runner/timeline.ts';
import type { Sandbox, SandboxEvent } from '../../src/sandbox/sandbox-handle.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { DEFAULT_TOPOLOGY } from '../../src/sandbox/topology/topology.ts';

/**
 * Ground truth: over 20 sandbox runs with randomised RequestInterval, FailureThreshold, TTL and
 * time scale, the convergence and time to detect that the assertion code measures from the
 * Timeline (DNS prober + health-check poller) agree with the sandbox's own event log within one
 * probe interval. Driven without the CLI: throttle the primary with the real Lambda SDK client.
 */

const SEEDS = [3, 7, 11, 19, 23, 29, 31, 42, 47, 53, 61, 67, 71, 79, 83, 89, 97, 101, 107, 113] as const;
/** DNS probe interval: the resolution of convergence. */
const PROBE_MS = 20;
/**
 * Health-check poll interval: the resolution of time to detect. Fast enough never to miss a
 * check round (≥ 100 ms here), slow enough that SDK calls do not crowd the event loop the
 * in-process sandbox DNS shares with the prober.
 */
const POLL_MS = 40;
/**
 * Timer lateness on a busy 2-core machine: a probe due at t may go out at t + a few ms, which
 * stretches that one sampling gap past the nominal interval (same slack as the demo e2e test).
 */
const SCHEDULING_SLACK_MS = 25;
const SERVICE = 'api';
const RECORD = 'api.drdrill.test';
const FUNCTION = 'api-handler';
const credentials = { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' };

interface RunParams {
  readonly seed: number;
  readonly interval: 10 | 30;
  readonly threshold: number;
  readonly ttl: number;
  readonly timeScale: number;
}

interface RunResult extends RunParams {
  /** ms after the injection. */
  readonly truthConvergence: number;
  readonly measuredConvergence: number;
  readonly truthDetect: number;
  readonly measuredDetect: number;
  readonly withinExpectedWindow: boolean | undefined;
  readonly answeredTtls: readonly number[];
  /** ms after the injection: the last probe still answering the primary, sent before the truth. */
  readonly lastBeforeSwitch: number;
}

/** mulberry32: tiny, seedable, good enough to pick parameters reproducibly. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function paramsFor(seed: number): RunParams {
  const next = random(seed);
  const interval = next() < 0.5 ? 10 : 30;
  const threshold = 1 + Math.floor(next() * 10);
  const ttl = 1 + Math.floor(next() * 300);
  // 30 s × 10 × 0.01 = 3 s worst case; 10 s intervals may run at 0.02 (2 s worst case).
  const timeScale = interval === 30 ? 0.01 : next() < 0.5 ? 0.01 : 0.02;
  return { seed, interval, threshold, ttl, timeScale };
}

function topologyFor(params: RunParams) {
  return {
    ...DEFAULT_TOPOLOGY,
    timeScale: params.timeScale,
    services: DEFAULT_TOPOLOGY.services.map((service) =>
      service.name !== SERVICE
        ? service
        : {
            ...service,
            ttl: params.ttl,
            deployments: service.deployments.map((d) => ({ ...d, requestInterval: params.interval, failureThreshold: params.threshold })),
          },
    ),
  };
}

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

type DnsAnswerEvent = Extract<SandboxEvent, { type: 'dns-answer' }>;
type HealthEvent = Extract<SandboxEvent, { type: 'health-check-status' }>;

async function drillOnce(params: RunParams): Promise<RunResult> {
  const topology = topologyFor(params);
  const service = topology.services.find((s) => s.name === SERVICE);
  const primary = service?.deployments.find((d) => d.region === service.primaryRegion);
  const secondary = service?.deployments.find((d) => d.region === service.secondaryRegion);
  if (service === undefined || primary === undefined || secondary === undefined) throw new Error('the default topology lost its api service');
  const secondaryAddress = topology.regions.find((r) => r.name === service.secondaryRegion)?.address ?? '';

  const sandbox: Sandbox = await startSandbox({ topology });
  const endpoint = sandbox.description.controlPlaneUrl;
  const route53 = new Route53Client({ region: 'us-east-1', endpoint, credentials, maxAttempts: 1 });
  const lambda = new LambdaClient({ region: service.primaryRegion, endpoint, credentials, maxAttempts: 1 });
  const timeline: Timeline = {
    startedAt: Date.now(),
    endedAt: 0,
    phases: [{ phase: 'baseline', at: Date.now() }],
    faults: [],
    dns: [],
    health: [],
    steps: [],
    approvals: [],
    notes: [],
    samples: new SampleStore(16),
    regionsByAddress: Object.fromEntries(topology.regions.map((r) => [r.address, r.name])),
  };
  const stops: (() => Promise<void>)[] = [];
  try {
    const sandboxDns = `${sandbox.description.dns.host}:${sandbox.description.dns.port}`;
    const authoritative = await authoritativeResolvers({ route53, hostedZoneId: topology.hostedZone.id });
    // In the sandbox the zone's name server is the sandbox DNS itself: one resolver, asked once.
    expect(authoritative).to.deep.equal([sandboxDns]);
    const prober = startDnsProber({
      resolvers: [...new Set([sandboxDns, ...authoritative])],
      name: RECORD,
      intervalMs: PROBE_MS,
      timeoutMs: 500,
      onObservation: (o) => timeline.dns.push(o),
    });
    stops.push(() => prober.stop());
    const poller = startHealthCheckPoller({
      route53,
      // Only the primary's flip is timed; polling the secondary too would only add load.
      healthCheckIds: [primary.healthCheckId],
      intervalMs: POLL_MS,
      timeScale: params.timeScale,
      onObservation: (o) => timeline.health.push(o),
      onError: (error) => {
        throw error;
      },
    });
    stops.push(() => poller.stop());

    // Baseline: the poller has seen the primary check healthy and DNS answers.
    const baselineWait = params.interval * params.timeScale * 1000 * 3 + 2000;
    await waitFor(
      () => timeline.health.some((o) => o.checkerRegion === undefined && o.healthCheckId === primary.healthCheckId && o.healthy) && timeline.dns.length > 0,
      baselineWait,
      'the primary health check to be seen healthy',
    );

    timeline.phases.push({ phase: 'fault', at: Date.now() });
    const put = await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: FUNCTION, ReservedConcurrentExecutions: 0 }));
    const injectedAt = Date.now();
    timeline.faults.push({
      kind: 'inject',
      at: injectedAt,
      injector: 'lambda-throttle',
      target: `lambda:${service.primaryRegion}:${FUNCTION}`,
      requestIds: [put.$metadata.requestId ?? ''],
    });

    const expectedMs = params.interval * params.timeScale * 1000 * params.threshold;
    await waitFor(
      () => timeline.dns.some((o) => o.at >= injectedAt && o.addresses.join() === secondaryAddress),
      expectedMs + 3000,
      'the prober to see the secondary',
    );
    // A little more so the sustained run and the detection poll are on record.
    await new Promise((resolve) => setTimeout(resolve, 3 * Math.max(PROBE_MS, POLL_MS)));
    for (const stop of stops.splice(0)) await stop();
    timeline.endedAt = Date.now();
    await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: FUNCTION }));

    const events = sandbox.events();
    const truthSwitch = events.find(
      (e): e is DnsAnswerEvent =>
        e.type === 'dns-answer' && e.name === RECORD && e.clientRegion === undefined && e.at >= injectedAt && e.addresses.join() === secondaryAddress,
    );
    const truthHealth = events.find(
      (e): e is HealthEvent => e.type === 'health-check-status' && e.healthCheckId === primary.healthCheckId && !e.healthy && e.at >= injectedAt,
    );
    if (truthSwitch === undefined || truthHealth === undefined) throw new Error(`seed ${params.seed}: the sandbox never failed over`);

    const context: AssertionContext = {
      primaryRegion: service.primaryRegion,
      secondaryRegion: service.secondaryRegion,
      probeIntervalMs: PROBE_MS,
      healthPollIntervalMs: POLL_MS,
      healthCheckIds: { primary: primary.healthCheckId, secondary: secondary.healthCheckId },
      healthCheck: { requestIntervalMs: params.interval * params.timeScale * 1000, failureThreshold: params.threshold },
      recordTtlSeconds: params.ttl,
    };
    const verdict = evaluateDnsConvergence(timeline, dnsConvergenceOptions.parse({ assertion: 'dns-convergence', within: '1m' }), context);
    expect(verdict.status, verdict.observed).to.equal('passed');
    const measuredConvergence = verdict.details?.[sandboxDns];
    const detection = measureDetection(timeline, { healthCheckId: primary.healthCheckId, healthy: false, from: injectedAt, until: Number.POSITIVE_INFINITY });
    if (typeof measuredConvergence !== 'number' || detection.ms === null) throw new Error(`seed ${params.seed}: nothing measured`);
    const withinExpected = verdict.details?.withinExpectedWindow;

    return {
      ...params,
      truthConvergence: truthSwitch.at - injectedAt,
      measuredConvergence,
      truthDetect: truthHealth.at - injectedAt,
      measuredDetect: detection.ms,
      withinExpectedWindow: typeof withinExpected === 'boolean' ? withinExpected : undefined,
      answeredTtls: [...new Set(timeline.dns.flatMap((o) => (o.ttl === undefined ? [] : [o.ttl])))],
      lastBeforeSwitch:
        Math.max(...timeline.dns.filter((o) => o.at < injectedAt + measuredConvergence && o.addresses.join() !== secondaryAddress).map((o) => o.at)) - injectedAt,
    };
  } finally {
    for (const stop of stops.splice(0)) await stop();
    route53.destroy();
    lambda.destroy();
    await sandbox.close();
  }
}

describe('measurements against the sandbox ground truth (20 randomised runs)', function () {
  this.timeout(20_000);
  const results: RunResult[] = [];

  after(() => {
    if (results.length === 0) return;
    const pad = (value: string | number, width: number) => String(value).padStart(width);
    const lines = [
      `${pad('seed', 4)} ${pad('intv', 4)} ${pad('thr', 3)} ${pad('ttl', 4)} ${pad('scale', 5)} | ${pad('conv truth', 10)} ${pad('measured', 8)} ${pad('Δ', 4)} ${pad('gap', 4)} | ${pad('detect truth', 12)} ${pad('measured', 8)} ${pad('Δ', 4)}`,
      ...results.map(
        (r) =>
          `${pad(r.seed, 4)} ${pad(`${r.interval}s`, 4)} ${pad(r.threshold, 3)} ${pad(r.ttl, 4)} ${pad(r.timeScale, 5)} | ${pad(r.truthConvergence, 10)} ${pad(r.measuredConvergence, 8)} ${pad(r.measuredConvergence - r.truthConvergence, 4)} ${pad(r.measuredConvergence - r.lastBeforeSwitch, 4)} | ${pad(r.truthDetect, 12)} ${pad(r.measuredDetect, 8)} ${pad(r.measuredDetect - r.truthDetect, 4)}`,
      ),
      `max |Δ| convergence ${Math.max(...results.map((r) => Math.abs(r.measuredConvergence - r.truthConvergence)))} ms (probe interval ${PROBE_MS} ms, ` +
        `largest sampling gap at the switch ${Math.max(...results.map((r) => r.measuredConvergence - r.lastBeforeSwitch))} ms); ` +
        `max |Δ| time to detect ${Math.max(...results.map((r) => Math.abs(r.measuredDetect - r.truthDetect)))} ms (poll interval ${POLL_MS} ms); ` +
        `${results.length} runs, times in ms after the injection`,
    ];
    console.log(lines.map((line) => `      ${line}`).join('\n'));
  });

  for (const seed of SEEDS) {
    const params = paramsFor(seed);
    it(`seed ${seed}: interval ${params.interval} s × threshold ${params.threshold}, TTL ${params.ttl} s, scale ${params.timeScale}: measured within one probe interval of the truth`, async () => {
      const result = await drillOnce(params);
      results.push(result);

      // The measurement is the first probe after the switch, so it brackets the truth with the
      // probe before it: (lastBeforeSwitch, measured]. A query sent just before the switch but
      // answered after it reads the new answer, hence the few ms of query latency allowed below.
      expect(result.truthConvergence, 'truth after the last probe that saw the primary').to.be.at.least(result.lastBeforeSwitch);
      expect(result.measuredConvergence - result.truthConvergence, 'convergence: measured − truth (ms)').to.be.within(-5, PROBE_MS + SCHEDULING_SLACK_MS);
      // …and never later than the prober's actual sampling gap at that moment.
      expect(result.measuredConvergence - result.truthConvergence).to.be.at.most(result.measuredConvergence - result.lastBeforeSwitch);
      expect(Math.abs(result.measuredDetect - result.truthDetect), 'time to detect: measured − truth (ms)').to.be.at.most(POLL_MS);
      expect(result.withinExpectedWindow, 'convergence inside interval × threshold + TTL').to.equal(true);
      expect(result.answeredTtls, 'TTL carried by the answers').to.deep.equal([params.ttl]);
    });
  }
});
