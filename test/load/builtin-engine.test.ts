import { expect } from 'chai';
import { builtinEngine, createBuiltinEngine } from '../../src/load/builtin-engine.ts';
import type { LoadPlan } from '../../src/load/load-engine.ts';
import { LoadPlanError } from '../../src/load/load-plan-check.ts';
import type { Sample } from '../../src/load/sample.ts';
import { startTestDnsServer, type TestDnsServer } from '../net/support/test-dns-server.ts';
import { REGION_HEADER, startRegionServers, type RegionServers } from './support/region-servers.ts';

const NAME = 'api.drdrill.test';
const EAST = '127.0.0.1';
const WEST = '127.0.0.2';

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('builtinEngine', function () {
  this.timeout(15_000);
  let dns: TestDnsServer;
  let regions: RegionServers;

  before(async () => {
    dns = await startTestDnsServer();
    regions = await startRegionServers([
      { address: EAST, region: 'us-east-1' },
      { address: WEST, region: 'us-west-2' },
    ]);
  });

  beforeEach(() => {
    dns.set(NAME, { kind: 'a', addresses: [EAST], ttl: 1 });
    for (const server of regions.servers) {
      server.mode = 'ok';
      server.requests.length = 0;
      server.connections = 0;
    }
  });

  after(async () => {
    await regions.close();
    await dns.close();
  });

  function plan(overrides: Partial<LoadPlan> = {}): LoadPlan {
    return {
      url: `http://${NAME}:${regions.port}/orders?x=1`,
      rate: 50,
      durationMs: 200,
      maxRequests: 1000,
      timeoutMs: 1000,
      resolver: dns.address,
      regionHeader: REGION_HEADER,
      target: 'api',
      ...overrides,
    };
  }

  async function run(loadPlan: LoadPlan, signal = new AbortController().signal) {
    const samples: Sample[] = [];
    const summary = await builtinEngine.run(loadPlan, (sample) => samples.push(sample), signal);
    return { summary, samples };
  }

  it('emits one sample per request with status, region, address, target and scheduled start times', async () => {
    const { summary, samples } = await run(plan({ rate: 50, durationMs: 200 }));
    expect(summary).to.include({ engine: 'builtin', sent: 10, completed: 10 });
    expect(samples).to.have.length(10);
    const byStart = [...samples].sort((a, b) => a.start - b.start);
    byStart.forEach((sample, i) => {
      expect(sample).to.include({ status: 200, region: 'us-east-1', address: EAST, target: 'api' });
      expect(sample).not.to.have.property('error');
      expect(sample.start - (byStart[0]?.start ?? 0)).to.be.closeTo(i * 20, 1e-6);
      expect(sample.latencyMs).to.be.within(0, 1000);
    });
    const east = regions.byAddress(EAST);
    expect(east.requests).to.have.length(10);
    expect(east.requests[0]?.host, 'Host header names the URL host and port').to.equal(`${NAME}:${regions.port}`);
    expect(summary.maxSchedulingLagMs).to.be.at.least(0);
  });

  it('records error statuses as samples with that status', async () => {
    regions.byAddress(EAST).mode = { status: 500 };
    const { samples } = await run(plan({ rate: 50, durationMs: 100 }));
    expect(samples).to.have.length(5);
    for (const sample of samples) expect(sample).to.include({ status: 500, region: 'us-east-1', address: EAST });
  });

  it('keeps offering the planned rate while the endpoint never answers, timing every request out', async () => {
    const east = regions.byAddress(EAST);
    east.mode = 'stall';
    const startedAt = Date.now();
    const { summary, samples } = await run(plan({ rate: 100, durationMs: 1000, timeoutMs: 300 }));

    // Ground truth from the server: ~100 requests arrived, spread over the whole second.
    expect(east.requests.length).to.be.within(90, 110);
    expect(summary.sent).to.be.within(90, 110);
    const firstHalf = east.requests.filter((r) => r.at - startedAt < 500).length;
    expect(firstHalf, 'arrivals in the first half second').to.be.within(40, 60);
    expect(summary.completed).to.equal(summary.sent);
    expect(samples).to.have.length(summary.sent);
    for (const sample of samples) {
      expect(sample).to.include({ status: 0, error: 'ETIMEDOUT', address: EAST });
      expect(sample.latencyMs).to.be.within(295, 500);
    }
    await sleep(50);
    expect(east.openSockets.size, 'timed-out connections are closed').to.equal(0);
  });

  it('moves traffic to the new address as soon as the DNS answer changes when keepAlive is off', async () => {
    const dnsBefore = dns.counts.udp;
    const change = sleep(300).then(() => {
      const at = Date.now();
      dns.set(NAME, { kind: 'a', addresses: [WEST], ttl: 1 });
      return at;
    });
    const { summary, samples } = await run(plan({ rate: 100, durationMs: 600 }));
    const changedAt = await change;

    const before = samples.filter((s) => s.start < changedAt - 15);
    const after = samples.filter((s) => s.start > changedAt + 15);
    expect(before.length).to.be.at.least(20);
    expect(after.length).to.be.at.least(20);
    expect(before.every((s) => s.address === EAST && s.region === 'us-east-1')).to.equal(true);
    expect(after.every((s) => s.address === WEST && s.region === 'us-west-2'), 'no request after the change went to the old address').to.equal(true);
    expect(regions.byAddress(EAST).connections + regions.byAddress(WEST).connections, 'a new connection per request').to.equal(summary.sent);
    expect(dns.counts.udp - dnsBefore, 'one fresh DNS query per connection').to.equal(summary.sent);
  });

  it('keeps using the first address over a kept-alive connection after the DNS answer changes', async () => {
    const change = sleep(150).then(() => dns.set(NAME, { kind: 'a', addresses: [WEST], ttl: 1 }));
    const { summary, samples } = await run(plan({ rate: 50, durationMs: 500, keepAlive: true }));
    await change;
    expect(summary.sent).to.equal(25);
    expect(samples.every((s) => s.address === EAST && s.region === 'us-east-1' && s.status === 200)).to.equal(true);
    expect(regions.byAddress(WEST).requests).to.have.length(0);
    expect(regions.byAddress(EAST).connections, 'requests share connections').to.be.below(5);
    await sleep(20);
    expect(regions.byAddress(EAST).openSockets.size, 'idle kept-alive sockets are closed at the end').to.equal(0);
  });

  it('stops by itself once the duration has passed, leaving no timer behind', async () => {
    await sleep(1);
    const timersBefore = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const startedAt = Date.now();
    const { summary, samples } = await run(plan({ rate: 200, durationMs: 300, maxRequests: 10_000 }));
    expect(summary.sent).to.equal(60);
    expect(samples).to.have.length(60);
    expect(Date.now() - startedAt, 'did not stop early').to.be.at.least(290);
    const starts = samples.map((s) => s.start);
    expect(Math.max(...starts) - Math.min(...starts)).to.be.closeTo(295, 1e-6);
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).to.equal(timersBefore);
  });

  it('stops by itself after maxRequests even when the duration is long', async () => {
    const startedAt = Date.now();
    const { summary, samples } = await run(plan({ rate: 200, durationMs: 60_000, maxRequests: 25 }));
    expect(summary).to.include({ sent: 25, completed: 25 });
    expect(samples).to.have.length(25);
    expect(Date.now() - startedAt).to.be.below(5000);
  });

  it('stops promptly on abort, destroying requests in flight without recording them', async () => {
    const east = regions.byAddress(EAST);
    east.mode = 'stall';
    const controller = new AbortController();
    const startedAt = Date.now();
    setTimeout(() => controller.abort(), 300);
    const { summary, samples } = await run(plan({ rate: 100, durationMs: 10_000, timeoutMs: 10_000 }), controller.signal);
    expect(Date.now() - startedAt).to.be.below(1500);
    expect(summary.sent).to.be.within(25, 40);
    expect(summary.completed).to.equal(0);
    expect(samples).to.have.length(0);
    await sleep(50);
    expect(east.openSockets.size, 'connections of aborted requests are closed').to.equal(0);
  });

  it('returns at once, sending nothing, when the signal is already aborted', async () => {
    const { summary } = await run(plan(), AbortSignal.abort());
    expect(summary).to.include({ sent: 0, completed: 0 });
    expect(regions.byAddress(EAST).requests).to.have.length(0);
  });

  it('reports ENOTFOUND for an NXDOMAIN and EDNS_SERVFAIL for a failing resolver', async () => {
    dns.set(NAME, { kind: 'rcode', rcode: 'NXDOMAIN' });
    const missing = await run(plan({ rate: 50, durationMs: 60 }));
    expect(missing.samples).to.have.length(3);
    for (const sample of missing.samples) {
      expect(sample).to.include({ status: 0, error: 'ENOTFOUND' });
      expect(sample).not.to.have.property('address');
    }
    dns.set(NAME, { kind: 'rcode', rcode: 'SERVFAIL' });
    const failing = await run(plan({ rate: 50, durationMs: 60 }));
    expect(failing.samples.map((s) => s.error)).to.deep.equal(['EDNS_SERVFAIL', 'EDNS_SERVFAIL', 'EDNS_SERVFAIL']);
  });

  it('reports EDNS_TIMEOUT when the resolver does not answer within the DNS budget', async () => {
    dns.silent = true;
    try {
      const engine = createBuiltinEngine({ dnsTimeoutMs: 100 });
      const samples: Sample[] = [];
      await engine.run(plan({ rate: 50, durationMs: 60, timeoutMs: 1000 }), (s) => samples.push(s), new AbortController().signal);
      expect(samples.map((s) => s.error)).to.deep.equal(['EDNS_TIMEOUT', 'EDNS_TIMEOUT', 'EDNS_TIMEOUT']);
      for (const sample of samples) expect(sample.latencyMs).to.be.within(95, 900);
    } finally {
      dns.silent = false;
    }
  });

  it('reports ECONNREFUSED with the address it tried when nothing listens there', async () => {
    dns.set(NAME, { kind: 'a', addresses: ['127.0.0.3'] });
    const { samples } = await run(plan({ rate: 50, durationMs: 60 }));
    expect(samples).to.have.length(3);
    for (const sample of samples) expect(sample).to.include({ status: 0, error: 'ECONNREFUSED', address: '127.0.0.3' });
  });

  it('connects to an IP-literal host directly without asking the resolver', async () => {
    const dnsBefore = dns.counts.udp;
    const { samples } = await run(plan({ url: `http://${WEST}:${regions.port}/`, rate: 50, durationMs: 60 }));
    expect(samples.map((s) => s.address)).to.deep.equal([WEST, WEST, WEST]);
    expect(dns.counts.udp).to.equal(dnsBefore);
  });

  it('rejects a plan with a bad field, naming it, before sending anything', async () => {
    const error = await builtinEngine.run(plan({ rate: 0 }), () => undefined, new AbortController().signal).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).to.be.instanceOf(LoadPlanError).with.property('field', 'rate');
    const badResolver = await createBuiltinEngine()
      .run(plan({ resolver: 'dns.local' }), () => undefined, new AbortController().signal)
      .then(
        () => undefined,
        (reason: unknown) => reason,
      );
    expect(badResolver).to.be.instanceOf(LoadPlanError).with.property('field', 'resolver');
    expect(regions.byAddress(EAST).requests).to.have.length(0);
  });

  it('rejects the run when onSample throws, and stops sending', async () => {
    const error = await builtinEngine
      .run(
        plan({ rate: 100, durationMs: 2000 }),
        () => {
          throw new Error('sink full');
        },
        new AbortController().signal,
      )
      .then(
        () => undefined,
        (reason: unknown) => reason,
      );
    expect(error).to.be.instanceOf(Error).with.property('message', 'sink full');
    const sentSoFar = regions.byAddress(EAST).requests.length;
    expect(sentSoFar).to.be.below(10);
    await sleep(100);
    expect(regions.byAddress(EAST).requests.length).to.equal(sentSoFar);
  });

  it('keeps arrivals evenly spaced when the endpoint stalls mid-run (no coordinated omission)', async () => {
    const east = regions.byAddress(EAST);
    const startedAt = Date.now();
    setTimeout(() => {
      east.mode = 'stall';
    }, 400);
    const { summary, samples } = await run(plan({ rate: 100, durationMs: 800, timeoutMs: 300 }));
    // Ground truth from the server: as many arrivals per 200 ms window after the stall as before.
    const windows = [0, 1, 2, 3].map((w) => east.requests.filter((r) => r.at - startedAt >= w * 200 && r.at - startedAt < (w + 1) * 200).length);
    for (const count of windows) expect(count, `arrivals per 200 ms window: ${windows.join(', ')}`).to.be.within(15, 25);
    expect(summary.sent).to.equal(80);
    const ok = samples.filter((s) => s.status === 200).length;
    const timedOut = samples.filter((s) => s.error === 'ETIMEDOUT').length;
    expect(ok + timedOut).to.equal(80);
    expect(timedOut).to.be.within(30, 50);
    expect(summary.schedulingLagP99Ms).to.be.a('number').and.to.be.at.least(0);
  });

  it('follows a ramping arrival rate: a ramp 0→200/s over 1 s sends a quarter of its requests in the first half', async () => {
    const east = regions.byAddress(EAST);
    const startedAt = Date.now();
    const { summary } = await run(plan({ rate: 0, durationMs: 5000, ramp: [{ target: 200, durationMs: 1000 }] }));
    expect(summary.sent).to.equal(100);
    const firstHalf = east.requests.filter((r) => r.at - startedAt < 500).length;
    expect(firstHalf).to.be.within(18, 32);
    expect(east.requests).to.have.length(100);
  });

  it('loads several targets at once, each at its own rate and with its own name', async () => {
    const { summary, samples } = await run(
      plan({
        durationMs: 400,
        rate: 50,
        targets: [
          { name: 'api', url: `http://${NAME}:${regions.port}/` },
          { name: 'orders', url: `http://${WEST}:${regions.port}/orders`, rate: 25 },
        ],
      }),
    );
    expect(summary).to.include({ sent: 30, completed: 30 });
    expect(samples.filter((s) => s.target === 'api' && s.region === 'us-east-1')).to.have.length(20);
    expect(samples.filter((s) => s.target === 'orders' && s.region === 'us-west-2')).to.have.length(10);
    expect(regions.byAddress(WEST).requests).to.have.length(10);
  });

  it('reuses a DNS answer for its TTL when asked to honour it, and asks per connection otherwise', async () => {
    const ignoreBefore = dns.counts.udp;
    await run(plan({ rate: 50, durationMs: 400 }));
    expect(dns.counts.udp - ignoreBefore, 'ignore: one query per connection').to.equal(20);

    dns.set(NAME, { kind: 'a', addresses: [EAST], ttl: 1 });
    const honourBefore = dns.counts.udp;
    const change = sleep(300).then(() => dns.set(NAME, { kind: 'a', addresses: [WEST], ttl: 1 }));
    const { samples } = await run(plan({ rate: 50, durationMs: 1500, dnsTtl: 'honour' }));
    await change;
    const queries = dns.counts.udp - honourBefore;
    expect(queries, 'honour: one query per TTL (1 s)').to.be.within(2, 3);
    const firstSecond = samples.filter((s) => s.start - (samples[0]?.start ?? 0) < 900);
    expect(firstSecond.every((s) => s.address === EAST), 'the cached answer is used until it expires').to.equal(true);
    expect(samples.filter((s) => s.address === WEST).length, 'the new answer is used after expiry').to.be.at.least(10);
  });

  it('gives each client cohort its share of the rate, its own DNS cache and its tag', async () => {
    dns.set(NAME, { kind: 'a', addresses: [EAST], ttl: 1 });
    const change = sleep(300).then(() => dns.set(NAME, { kind: 'a', addresses: [WEST], ttl: 1 }));
    const { samples } = await run(
      plan({
        rate: 60,
        durationMs: 1200,
        clients: [
          { name: 'fresh', model: 'fresh', share: 50 },
          { name: 'jvm', model: 'jvm', share: 25, dnsCacheMs: 800 },
          { name: 'jvm-forever', model: 'jvm-forever', share: 25, dnsCacheMs: Number.POSITIVE_INFINITY },
        ],
      }),
    );
    await change;
    const of = (cohort: string) => samples.filter((s) => s.cohort === cohort);
    const t0 = samples.reduce((min, s) => Math.min(min, s.start), Number.POSITIVE_INFINITY);
    expect([of('fresh').length, of('jvm').length, of('jvm-forever').length]).to.deep.equal([36, 18, 18]);
    // fresh moves as soon as DNS does; jvm when its 800 ms cache runs out; jvm-forever never.
    expect(of('fresh').filter((s) => s.start - t0 > 400).every((s) => s.address === WEST), 'fresh after the change').to.equal(true);
    expect(of('jvm').filter((s) => s.start - t0 < 750).every((s) => s.address === EAST), 'jvm inside its cache').to.equal(true);
    expect(of('jvm').filter((s) => s.start - t0 > 900).every((s) => s.address === WEST), 'jvm after its cache expired').to.equal(true);
    expect(of('jvm-forever').every((s) => s.address === EAST), 'jvm-forever').to.equal(true);
  });

  it('rejects a bad ramp or target list, naming the field', async () => {
    const badRamp = await rejection(builtinEngine.run(plan({ ramp: [{ target: 10, durationMs: 0 }] }), () => undefined, new AbortController().signal));
    expect(badRamp).to.be.instanceOf(LoadPlanError).with.property('field', 'ramp[0].durationMs');
    const badTarget = await rejection(
      builtinEngine.run(plan({ targets: [{ name: 'a', url: 'ftp://x' }] }), () => undefined, new AbortController().signal),
    );
    expect(badTarget).to.be.instanceOf(LoadPlanError).with.property('field', 'targets[0].url');
  });
});

function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
}
