import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { expect } from 'chai';
import { DnsProberOptionsError, startDnsProber as startProber, type DnsProber, type DnsProberOptions } from '../../src/observers/dns-prober.ts';
import { InvalidDnsServerError } from '../../src/net/dns-server-address.ts';
import type { DnsObservation } from '../../src/runner/timeline.ts';
import { startTestDnsServer, type TestDnsServer } from '../net/support/test-dns-server.ts';

const NAME = 'api.drdrill.test';

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until `condition` holds or `limitMs` passes (bounded in time and count). */
async function waitUntil(condition: () => boolean, limitMs: number): Promise<boolean> {
  for (let waited = 0; waited < limitMs; waited += 10) {
    if (condition()) return true;
    await sleep(10);
  }
  return condition();
}

function activeCount(kind: string): number {
  return process.getActiveResourcesInfo().filter((resource) => resource === kind).length;
}

describe('startDnsProber', function () {
  this.timeout(10_000);
  const running: DnsProber[] = [];
  /** Starts a prober that afterEach stops, so a failed assertion cannot leave one ticking. */
  function startDnsProber(options: DnsProberOptions): DnsProber {
    const prober = startProber(options);
    running.push(prober);
    return prober;
  }

  afterEach(async () => {
    await Promise.all(running.splice(0).map((prober) => prober.stop()));
  });
  let first: TestDnsServer;
  let second: TestDnsServer;
  let blackhole: UdpSocket;
  let blackholeAddress: string;

  before(async () => {
    first = await startTestDnsServer();
    second = await startTestDnsServer();
    blackhole = createSocket('udp4');
    blackhole.on('message', () => undefined);
    await new Promise<void>((resolve) => blackhole.bind(0, '127.0.0.1', resolve));
    blackholeAddress = `127.0.0.1:${blackhole.address().port}`;
  });

  beforeEach(() => {
    first.set(NAME, { kind: 'a', addresses: ['127.0.0.2'], ttl: 60 });
    second.set(NAME, { kind: 'a', addresses: ['127.0.0.2'], ttl: 60 });
  });

  after(async () => {
    await first.close();
    await second.close();
    await new Promise<void>((resolve) => blackhole.close(() => resolve()));
  });

  it('records one observation per resolver per interval, stamped with the send time', async () => {
    const observations: DnsObservation[] = [];
    const startedAt = Date.now();
    const prober = startDnsProber({
      resolvers: [first.address, second.address],
      name: NAME,
      intervalMs: 100,
      onObservation: (o) => observations.push(o),
    });
    await sleep(550);
    await prober.stop();

    for (const resolver of [first.address, second.address]) {
      const mine = observations.filter((o) => o.resolver === resolver);
      // Ticks at 0, 100, …, 500 ms: six, give or take one for timer jitter.
      expect(mine.length, resolver).to.be.within(5, 7);
      expect(mine[0]?.at).to.be.within(startedAt, startedAt + 50);
      for (let i = 1; i < mine.length; i++) {
        const gap = (mine[i]?.at ?? 0) - (mine[i - 1]?.at ?? 0);
        expect(gap, `gap ${i} for ${resolver}`).to.be.within(60, 160);
      }
      for (const o of mine) {
        expect(o).to.include({ name: NAME, rcode: 'NOERROR', ttl: 60 });
        expect(o.addresses).to.deep.equal(['127.0.0.2']);
      }
    }
    expect(first.counts.udp + second.counts.udp).to.be.at.least(observations.length);
  });

  it('sees the answer switch within one interval of the change, and never the old answer after it', async () => {
    const observations: DnsObservation[] = [];
    const prober = startDnsProber({
      resolvers: [first.address],
      name: NAME,
      intervalMs: 100,
      onObservation: (o) => observations.push(o),
    });
    try {
      await sleep(230);
      const changedAt = Date.now();
      first.set(NAME, { kind: 'a', addresses: ['127.0.0.3'], ttl: 60 });
      const switched = await waitUntil(() => observations.some((o) => o.addresses[0] === '127.0.0.3'), 2000);
      expect(switched, 'prober saw the new answer').to.equal(true);
      const firstNew = observations.find((o) => o.addresses[0] === '127.0.0.3');
      expect((firstNew?.at ?? Infinity) - changedAt).to.be.at.most(100 + 40);
      const staleAfterChange = observations.filter((o) => o.at > changedAt && o.addresses[0] === '127.0.0.2');
      expect(staleAfterChange).to.deep.equal([]);
      expect(observations.some((o) => o.addresses[0] === '127.0.0.2'), 'saw the old answer before').to.equal(true);
    } finally {
      await prober.stop();
    }
  });

  it('records TIMEOUT for a resolver that never answers without overlapping its queries or delaying the others', async () => {
    const observations: DnsObservation[] = [];
    const queriesBefore = first.counts.udp;
    const prober = startDnsProber({
      resolvers: [blackholeAddress, first.address],
      name: NAME,
      intervalMs: 100,
      timeoutMs: 250,
      onObservation: (o) => observations.push(o),
    });
    await sleep(1020);
    await prober.stop();

    const dead = observations.filter((o) => o.resolver === blackholeAddress);
    const alive = observations.filter((o) => o.resolver === first.address);
    // Queries at 0, 300, 600 ms time out at 250, 550, 850 (ticks in between are skipped).
    expect(dead.length).to.be.within(2, 4);
    for (const o of dead) {
      expect(o.rcode).to.equal('TIMEOUT');
      expect(o.addresses).to.deep.equal([]);
      expect(o).not.to.have.property('ttl');
      expect(o.latencyMs).to.be.within(240, 400);
    }
    for (let i = 1; i < dead.length; i++) {
      expect((dead[i]?.at ?? 0) - (dead[i - 1]?.at ?? 0), 'no query sent while the previous was in flight').to.be.at.least(250);
    }
    expect(alive.length).to.be.within(9, 12);
    expect(first.counts.udp - queriesBefore).to.equal(alive.length);
  });

  it('records ERROR for a resolver port where nothing listens', async () => {
    const closed = createSocket('udp4');
    await new Promise<void>((resolve) => closed.bind(0, '127.0.0.1', resolve));
    const port = closed.address().port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const observations: DnsObservation[] = [];
    const prober = startDnsProber({
      resolvers: [`127.0.0.1:${port}`],
      name: NAME,
      intervalMs: 100,
      timeoutMs: 500,
      onObservation: (o) => observations.push(o),
    });
    await waitUntil(() => observations.length > 0, 2000);
    await prober.stop();
    expect(observations[0]?.rcode).to.be.oneOf(['ERROR', 'TIMEOUT']);
    expect(observations[0]?.rcode, 'loopback reports port unreachable at once').to.equal('ERROR');
  });

  it('stops promptly on stop() with a query in flight, records nothing afterwards and leaves no timers or sockets', async () => {
    // Let the harness arm its own timers first, so the baseline counts them.
    await sleep(1);
    const timersBefore = activeCount('Timeout');
    const udpBefore = activeCount('UDPWrap');
    const observations: DnsObservation[] = [];
    const prober = startDnsProber({
      resolvers: [blackholeAddress, first.address],
      name: NAME,
      intervalMs: 50,
      timeoutMs: 5000,
      onObservation: (o) => observations.push(o),
    });
    await sleep(120);
    expect(activeCount('UDPWrap'), 'a query to the dead resolver is in flight').to.be.greaterThan(udpBefore);
    const stopStarted = Date.now();
    await prober.stop();
    expect(Date.now() - stopStarted).to.be.below(500);
    // libuv releases a closed handle on the next loop turn.
    await sleep(5);
    expect(activeCount('UDPWrap'), 'the cancelled query socket is closed').to.equal(udpBefore);
    const countAtStop = observations.length;
    expect(countAtStop).to.be.at.least(2);
    expect(observations.every((o) => o.resolver === first.address), 'the cancelled query is not recorded').to.equal(true);
    await sleep(150);
    expect(observations.length).to.equal(countAtStop);
    expect(activeCount('Timeout'), process.getActiveResourcesInfo().join()).to.equal(timersBefore);
    expect(activeCount('UDPWrap')).to.equal(udpBefore);
    await prober.stop();
  });

  it('stops when its signal aborts, and does not start when the signal is already aborted', async () => {
    const observations: DnsObservation[] = [];
    const controller = new AbortController();
    startDnsProber({ resolvers: [first.address], name: NAME, intervalMs: 50, onObservation: (o) => observations.push(o), signal: controller.signal });
    await sleep(120);
    controller.abort();
    await sleep(20);
    const countAtAbort = observations.length;
    expect(countAtAbort).to.be.within(2, 4);
    await sleep(150);
    expect(observations.length).to.equal(countAtAbort);

    const never: DnsObservation[] = [];
    const prober = startDnsProber({
      resolvers: [first.address],
      name: NAME,
      intervalMs: 50,
      onObservation: (o) => never.push(o),
      signal: AbortSignal.abort(),
    });
    await sleep(100);
    await prober.stop();
    expect(never).to.deep.equal([]);
  });

  it('rejects a non-positive interval, an empty resolver list and a malformed resolver', () => {
    const onObservation = (): void => undefined;
    expect(() => startDnsProber({ resolvers: [first.address], name: NAME, intervalMs: 0, onObservation })).to.throw(
      DnsProberOptionsError,
      /intervalMs.*got 0/,
    );
    expect(() => startDnsProber({ resolvers: [], name: NAME, intervalMs: 100, onObservation })).to.throw(
      DnsProberOptionsError,
      /at least one resolver/,
    );
    expect(() => startDnsProber({ resolvers: ['dns.example:53'], name: NAME, intervalMs: 100, onObservation })).to.throw(
      InvalidDnsServerError,
    );
  });
});
