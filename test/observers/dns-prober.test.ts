import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { expect } from 'chai';
import { DnsProberOptionsError, startDnsProber as startProber, type DnsProber, type DnsProberOptions } from '../../src/observers/dns-prober.ts';
import { InvalidDnsServerError } from '../../src/net/dns-server-address.ts';
import { vantagePointProblems } from '../../src/observers/vantage-point-problems.ts';
import type { DnsObservation } from '../../src/runner/timeline.ts';
import { startTestDnsServer, type TestDnsServer } from '../net/support/test-dns-server.ts';
import { sleep, waitUntil } from '../support/wait.ts';

const NAME = 'api.drdrill.test';


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

describe('startDnsProber with names × vantage points × resolvers', function () {
  this.timeout(10_000);
  const SERVICE1 = 'service1.shop.drdrill.test';
  const SERVICE2 = 'service2.shop.drdrill.test';
  let resolverA: TestDnsServer;
  let resolverB: TestDnsServer;

  /** Ground truth: a latency record answers by client (source address or ECS) and by name. */
  function truth(name: string, source: string, clientSubnet: string | undefined): string {
    const client = clientSubnet === '198.51.100.0/24' ? 'west' : source === '127.0.0.11' ? 'central' : 'other';
    return `127.0.${name === SERVICE1 ? 1 : 2}.${client === 'central' ? 11 : client === 'west' ? 12 : 99}`;
  }

  before(async () => {
    resolverA = await startTestDnsServer({ host: '127.0.0.53' });
    resolverB = await startTestDnsServer({ host: '127.0.0.54' });
    for (const server of [resolverA, resolverB]) {
      server.answerBy = (query) => ({ kind: 'a', addresses: [truth(query.name, query.source, query.clientSubnet)], ttl: 60 });
    }
  });
  after(async () => {
    await resolverA.close();
    await resolverB.close();
  });

  it('keeps 8 independent grids for 2 names × 2 vantage points × 2 resolvers, each answered as its vantage point sees it', async () => {
    // One grid is starved: resolver B drops the ECS vantage point's queries for service1.
    resolverB.answerBy = (query) =>
      query.clientSubnet !== undefined && query.name === SERVICE1 ? { kind: 'drop' } : { kind: 'a', addresses: [truth(query.name, query.source, query.clientSubnet)], ttl: 60 };
    const observations: DnsObservation[] = [];
    const intervalMs = 100;
    const startedAt = Date.now();
    const prober = startProber({
      resolvers: [resolverA.address, resolverB.address],
      names: [
        { service: 'service1', name: SERVICE1 },
        { service: 'service2', name: SERVICE2 },
      ],
      vantagePoints: [
        { name: 'eu-central-1', sourceAddress: '127.0.0.11' },
        { name: 'eu-west-1', clientSubnet: '198.51.100.0/24' },
      ],
      intervalMs,
      timeoutMs: 350,
      onObservation: (o) => observations.push(o),
    });
    try {
      await sleep(1050);
    } finally {
      await prober.stop();
    }

    const grids = new Map<string, DnsObservation[]>();
    for (const o of observations) {
      const key = `${o.vantage} ${o.resolver} ${o.name}`;
      grids.set(key, [...(grids.get(key) ?? []), o]);
    }
    expect(grids.size).to.equal(8);
    const starved = `eu-west-1 ${resolverB.address} ${SERVICE1}`;
    for (const [key, grid] of grids) {
      const first = grid[0];
      expect(first, key).not.to.equal(undefined);
      for (const o of grid) {
        expect(o.service, key).to.equal(o.name === SERVICE1 ? 'service1' : 'service2');
        // Every send time sits on this grid's own ticks: start + k·interval.
        const offset = (o.at - startedAt) % intervalMs;
        expect(Math.min(offset, intervalMs - offset), `${key} tick`).to.be.below(intervalMs / 2);
      }
      if (key === starved) {
        // Each query times out after 350 ms and its grid skips the ticks meanwhile: 3 or 4 queries.
        expect(grid.map((o) => o.rcode)).to.satisfy((rcodes: string[]) => rcodes.every((rcode) => rcode === 'TIMEOUT'));
        expect(grid.length, key).to.be.within(2, 4);
        continue;
      }
      // Ticks at 0, 100, …, 1000 ms: eleven, give or take for timer jitter; the starved grid costs them nothing.
      expect(grid.length, key).to.be.within(9, 12);
      const vantage = first?.vantage === 'eu-central-1' ? { source: '127.0.0.11' } : { source: '127.0.0.1', clientSubnet: '198.51.100.0/24' };
      for (const o of grid) {
        expect(o.rcode, key).to.equal('NOERROR');
        expect(o.addresses, key).to.deep.equal([truth(o.name, vantage.source, vantage.clientSubnet)]);
      }
    }
    // The servers saw exactly what each vantage point was told to send.
    const sent = [...resolverA.queries, ...resolverB.queries];
    expect(new Set(sent.map((q) => `${q.source} ${q.clientSubnet ?? '-'}`))).to.deep.equal(new Set(['127.0.0.11 -', '127.0.0.1 198.51.100.0/24']));
  });

  it('rejects duplicate vantage point names, a vantage point with no resolver and a source address of the wrong family', () => {
    const onObservation = (): void => undefined;
    expect(() =>
      startProber({ resolvers: [resolverA.address], name: SERVICE1, vantagePoints: [{ name: 'a' }, { name: 'a' }], onObservation }),
    ).to.throw(DnsProberOptionsError, /unique, got "a" twice/);
    expect(() => startProber({ resolvers: [], name: SERVICE1, vantagePoints: [{ name: 'a' }], onObservation })).to.throw(
      DnsProberOptionsError,
      /vantage point "a" names none of its own/,
    );
    expect(() =>
      startProber({ resolvers: [resolverA.address], name: SERVICE1, vantagePoints: [{ name: 'a', sourceAddress: '::1' }], onObservation }),
    ).to.throw(DnsProberOptionsError, /sourceAddress ::1 cannot reach the IPv4 resolver/);
    expect(() => startProber({ resolvers: [resolverA.address], onObservation })).to.throw(DnsProberOptionsError, /needs a name/);
    expect(() => startProber({ resolvers: [resolverA.address], name: SERVICE1, names: [{ name: SERVICE2 }], onObservation })).to.throw(DnsProberOptionsError, /not both/);
  });
});

describe('vantagePointProblems', () => {
  it('accepts loopback source addresses and vantage points without one', async () => {
    expect(await vantagePointProblems([{ name: 'a', sourceAddress: '127.0.0.11' }, { name: 'b', clientSubnet: '198.51.100.0/24' }])).to.deep.equal([]);
  });

  it('names the field of a source address this machine cannot send from', async () => {
    expect(await vantagePointProblems([{ name: 'a', sourceAddress: '127.0.0.11' }, { name: 'b', sourceAddress: '192.0.2.1' }], 'environment.vantagePoints')).to.deep.equal([
      'environment.vantagePoints[1].sourceAddress: 192.0.2.1 is not an address this machine can send from (EADDRNOTAVAIL); expected a local address, such as 127.0.0.11 on loopback',
    ]);
  });
});
