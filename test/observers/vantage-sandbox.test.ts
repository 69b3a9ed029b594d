import { expect } from 'chai';
import { UpdateHealthCheckCommand, type Route53Client } from '@aws-sdk/client-route-53';
import { dnsConvergenceOptions, evaluateDnsConvergence } from '../../src/assertions/dns-convergence.ts';
import { SampleStore } from '../../src/load/sample-store.ts';
import { startDnsProber } from '../../src/observers/dns-prober.ts';
import { startRegionIdentifier } from '../../src/observers/region-identifier.ts';
import type { DnsObservation } from '../../src/runner/timeline.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { FAST_TOPOLOGY, PRIMARY_ADDRESS, SECONDARY_ADDRESS, SECONDARY_CHECK, route53Client } from '../sandbox/sandbox-test-kit.ts';
import { sleep, waitUntil } from '../support/wait.ts';

const LATENCY_RECORD = 'api-latency.drdrill.test';
const PROBE_MS = 50;

describe('vantage points on the sandbox (latency record, clients told apart by source address)', function () {
  this.timeout(30_000);
  let sandbox: Sandbox;
  let route53: Route53Client;

  before(async () => {
    sandbox = await startSandbox({ topology: FAST_TOPOLOGY });
    route53 = route53Client(sandbox);
  });
  after(async () => {
    route53.destroy();
    await sandbox.close();
  });

  it('moves only the clients whose nearest region failed, and brings them back, within one probe of the sandbox switching', async () => {
    const resolver = `${sandbox.description.dns.host}:${sandbox.description.dns.port}`;
    const identifier = startRegionIdentifier({
      resolver,
      regions: { 'us-east-1': { addresses: [PRIMARY_ADDRESS] }, 'us-west-2': { addresses: [SECONDARY_ADDRESS] } },
    });
    const observations: DnsObservation[] = [];
    const prober = startDnsProber({
      resolvers: [resolver],
      names: [{ service: 'api', name: LATENCY_RECORD }],
      // The topology's resolver clients: 127.0.0.11 is placed in us-east-1, 127.0.0.12 in us-west-2.
      vantagePoints: [
        { name: 'clients-us-east-1', sourceAddress: '127.0.0.11' },
        { name: 'clients-us-west-2', sourceAddress: '127.0.0.12' },
      ],
      intervalMs: PROBE_MS,
      identify: identifier.identifyFresh,
      onObservation: (observation) => observations.push(observation),
    });
    const setInverted = (Inverted: boolean) => route53.send(new UpdateHealthCheckCommand({ HealthCheckId: SECONDARY_CHECK, Inverted }));
    const westOn = (region: string, after: number) => () =>
      observations.some((o) => o.vantage === 'clients-us-west-2' && o.at >= after && o.regions?.length === 1 && o.regions[0] === region);
    let injectAt = 0;
    let revertAt = 0;
    try {
      expect(await waitUntil(() => observations.length >= 4, 2000)).to.equal(true);
      injectAt = Date.now();
      await setInverted(true);
      expect(await waitUntil(westOn('us-east-1', injectAt), 10_000), 'us-west-2 clients moved').to.equal(true);
      await sleep(4 * PROBE_MS);
      revertAt = Date.now();
      await setInverted(false);
      expect(await waitUntil(westOn('us-west-2', revertAt), 10_000), 'us-west-2 clients came back').to.equal(true);
      await sleep(4 * PROBE_MS);
    } finally {
      await setInverted(false);
      await prober.stop();
      await identifier.stop();
    }

    // Clients in us-east-1 never left it.
    const east = observations.filter((o) => o.vantage === 'clients-us-east-1');
    expect(east.length).to.be.at.least(10);
    for (const o of east) expect(o).to.deep.include({ addresses: [PRIMARY_ADDRESS], regions: ['us-east-1'], unidentified: [] });

    // Ground truth: when the sandbox changed its answer for the us-west-2 clients.
    const switches = sandbox
      .events()
      .filter((e) => e.type === 'dns-answer' && e.name === LATENCY_RECORD && e.clientRegion === 'us-west-2' && e.at >= injectAt);
    const movedAt = switches.find((e) => e.type === 'dns-answer' && e.addresses.includes(PRIMARY_ADDRESS))?.at;
    const backAt = switches.find((e) => e.type === 'dns-answer' && e.at >= revertAt && e.addresses.includes(SECONDARY_ADDRESS))?.at;
    expect(movedAt, 'sandbox moved the us-west-2 clients').to.be.a('number');
    expect(backAt, 'sandbox brought them back').to.be.a('number');

    // The verdict reads the vantage point as a resolver set; its time is the sandbox's within one probe.
    const timeline = {
      startedAt: observations[0]?.at ?? 0,
      endedAt: Date.now(),
      phases: [],
      faults: [
        { kind: 'inject' as const, at: injectAt, injector: 'health-check-toggle', target: SECONDARY_CHECK, requestIds: [] },
        { kind: 'rollback' as const, at: revertAt, injector: 'health-check-toggle', target: SECONDARY_CHECK, requestIds: [] },
      ],
      dns: observations,
      health: [],
      steps: [],
      approvals: [],
      notes: [],
      samples: new SampleStore(16),
      regionsByAddress: {},
    };
    const context = { primaryRegion: 'us-east-1', secondaryRegion: 'us-west-2', probeIntervalMs: PROBE_MS };
    const west = evaluateDnsConvergence(timeline, dnsConvergenceOptions.parse({ assertion: 'dns-convergence', to: 'primary', within: '10s', resolvers: ['clients-us-west-2'] }), context);
    expect(west.status, west.observed).to.equal('passed');
    const measuredMs = Number(west.details?.[resolver]);
    const truthMs = (movedAt ?? 0) - injectAt;
    // A probe is sent at most one interval after the switch (+ timer jitter); one sent just before it
    // and answered just after can read a few ms early.
    expect(measuredMs - truthMs, `measured ${measuredMs} ms, sandbox switched after ${truthMs} ms`).to.be.within(-25, PROBE_MS + 25);
  });
});
