import { expect } from 'chai';
import { startDnsProber, type DnsProber } from '../../src/observers/dns-prober.ts';
import { identifiabilityProblems } from '../../src/observers/region-identifiability.ts';
import { RegionIdentityConflictError } from '../../src/observers/address-map.ts';
import { RegionIdentifierOptionsError, startRegionIdentifier, type RegionIdentifier, type RegionIdentifierOptions } from '../../src/observers/region-identifier.ts';
import { regionOfEndpointName } from '../../src/observers/regional-endpoint-name.ts';
import type { AddressMapping, DnsObservation } from '../../src/runner/timeline.ts';
import { startTestDnsServer, type TestDnsServer } from '../net/support/test-dns-server.ts';
import { sleep, waitUntil } from '../support/wait.ts';

const RECORD = 'api.shop.drdrill.test';
const EU_WEST_1 = 'd-euw1abc.execute-api.eu-west-1.amazonaws.com';
const EU_CENTRAL_1 = 'd-euc1def.execute-api.eu-central-1.amazonaws.com';


describe('regionOfEndpointName', () => {
  it('reads the region from API Gateway and load balancer host names, and nothing from other names', () => {
    expect(regionOfEndpointName('d-abc123.execute-api.us-east-1.amazonaws.com')).to.equal('us-east-1');
    expect(regionOfEndpointName('A1B2C3.Execute-API.EU-WEST-1.amazonaws.com.')).to.equal('eu-west-1');
    expect(regionOfEndpointName('my-alb-1234567890.us-west-2.elb.amazonaws.com')).to.equal('us-west-2');
    expect(regionOfEndpointName('dualstack.my-alb-1.eu-central-1.elb.amazonaws.com')).to.equal('eu-central-1');
    expect(regionOfEndpointName('internal-my-alb-1.ap-south-1.elb.amazonaws.com')).to.equal('ap-south-1');
    expect(regionOfEndpointName('my-nlb-1a2b3c.elb.eu-west-2.amazonaws.com')).to.equal('eu-west-2');
    expect(regionOfEndpointName('abc.execute-api.cn-north-1.amazonaws.com.cn')).to.equal('cn-north-1');
    expect(regionOfEndpointName('api.example.com')).to.equal(undefined);
    expect(regionOfEndpointName('d111111abcdef8.cloudfront.net')).to.equal(undefined);
    expect(regionOfEndpointName('execute-api.us-east-1.amazonaws.example.com')).to.equal(undefined);
  });
});

describe('startRegionIdentifier', function () {
  this.timeout(10_000);
  let dns: TestDnsServer;
  const running: RegionIdentifier[] = [];
  const probers: DnsProber[] = [];
  function start(options: Omit<RegionIdentifierOptions, 'resolver'> & { resolver?: string }): RegionIdentifier {
    const identifier = startRegionIdentifier({ resolver: dns.address, ...options });
    running.push(identifier);
    return identifier;
  }

  before(async () => {
    dns = await startTestDnsServer({ host: '127.0.0.53' });
  });
  beforeEach(() => {
    dns.set(EU_WEST_1, { kind: 'a', addresses: ['127.0.0.12'] });
    dns.set(EU_CENTRAL_1, { kind: 'a', addresses: ['127.0.0.11'] });
  });
  afterEach(async () => {
    await Promise.all([...running.splice(0).map((each) => each.stop()), ...probers.splice(0).map((each) => each.stop())]);
  });
  after(async () => {
    await dns.close();
  });

  it('identifies an answer by the AWS pattern in its CNAME chain, with no configuration and whatever its addresses', async () => {
    const identifier = start({ regions: {} });
    await identifier.ready;
    expect(identifier.identify(['192.0.2.7'], ['api-eu.shop.example', EU_WEST_1])).to.deep.equal({ regions: ['eu-west-1'], unidentified: [] });
    expect(identifier.identify(['192.0.2.8'], ['my-alb-1.eu-central-1.elb.amazonaws.com'])).to.deep.equal({ regions: ['eu-central-1'], unidentified: [] });
    expect(identifier.identify(['192.0.2.9'], ['origin.shop.example'])).to.deep.equal({ regions: [], unidentified: ['192.0.2.9'] });
  });

  it('identifies a CNAME to a configured regional endpoint by exact name, where no AWS pattern applies', async () => {
    const identifier = start({ regions: { 'eu-west-2': { regionalEndpoints: ['EU-WEST-2.origin.sandbox.test.'] } } });
    dns.set('eu-west-2.origin.sandbox.test', { kind: 'a', addresses: ['127.0.0.13'] });
    await identifier.ready;
    expect(identifier.identify(['192.0.2.1'], ['eu-west-2.origin.sandbox.test'])).to.deep.equal({ regions: ['eu-west-2'], unidentified: [] });
  });

  it('identifies alias A answers by the addresses each regional endpoint name resolved to at start', async () => {
    const mappings: AddressMapping[] = [];
    const identifier = start({
      regions: { 'eu-central-1': { regionalEndpoints: [EU_CENTRAL_1] }, 'eu-west-1': { regionalEndpoints: [EU_WEST_1] } },
      onMapping: (mapping) => mappings.push(mapping),
    });
    await identifier.ready;
    expect(mappings.map(({ region, name, addresses }) => ({ region, name, addresses }))).to.have.deep.members([
      { region: 'eu-central-1', name: EU_CENTRAL_1, addresses: ['127.0.0.11'] },
      { region: 'eu-west-1', name: EU_WEST_1, addresses: ['127.0.0.12'] },
    ]);
    expect(identifier.identify(['127.0.0.12'])).to.deep.equal({ regions: ['eu-west-1'], unidentified: [] });
    expect(identifier.identify(['127.0.0.11', '127.0.0.99'])).to.deep.equal({ regions: ['eu-central-1'], unidentified: ['127.0.0.99'] });
  });

  it('lets static addresses override what the endpoint names resolve to', async () => {
    const identifier = start({
      regions: { 'eu-west-1': { regionalEndpoints: [EU_WEST_1] }, 'eu-south-1': { addresses: ['127.0.0.12'] } },
    });
    await identifier.ready;
    expect(identifier.identify(['127.0.0.12'])).to.deep.equal({ regions: ['eu-south-1'], unidentified: [] });
  });

  it('follows an address change mid-run: the mapping event appears and later observations carry the new region', async () => {
    // Ground truth: the alias record answers whatever the eu-west-1 endpoint resolves to.
    dns.set(RECORD, { kind: 'a', addresses: ['127.0.0.12'] });
    const mappings: AddressMapping[] = [];
    const deliveredAt: number[] = [];
    const observations: DnsObservation[] = [];
    const identifier = start({
      regions: { 'eu-central-1': { regionalEndpoints: [EU_CENTRAL_1] }, 'eu-west-1': { regionalEndpoints: [EU_WEST_1] } },
      intervalMs: 100,
      onMapping: (mapping) => {
        mappings.push(mapping);
        deliveredAt.push(Date.now());
      },
    });
    await identifier.ready;
    const prober = startDnsProber({
      resolvers: [dns.address],
      name: RECORD,
      intervalMs: 50,
      identify: identifier.identify,
      onObservation: (observation) => observations.push(observation),
    });
    probers.push(prober);
    expect(await waitUntil(() => observations.length >= 3, 2000)).to.equal(true);

    const movedAt = Date.now();
    dns.set(EU_WEST_1, { kind: 'a', addresses: ['127.0.0.22'] });
    dns.set(RECORD, { kind: 'a', addresses: ['127.0.0.22'] });
    expect(await waitUntil(() => mappings.some((mapping) => mapping.addresses.includes('127.0.0.22')), 2000)).to.equal(true);
    const eventIndex = mappings.findIndex((mapping) => mapping.addresses.includes('127.0.0.22'));
    const event = mappings[eventIndex];
    const appliedAt = deliveredAt[eventIndex] ?? Infinity;
    const seenAfter = observations.length;
    expect(await waitUntil(() => observations.length >= seenAfter + 3, 2000)).to.equal(true);
    await prober.stop();

    expect(event).to.include({ region: 'eu-west-1', name: EU_WEST_1 });
    expect(event?.addresses).to.deep.equal(['127.0.0.22']);
    // The change came from the first resolution of the name sent after the move, not a later one.
    expect(event?.at ?? 0).to.be.at.least(movedAt);
    const resolvedBetween = dns.queries.filter((query, index) => query.name === EU_WEST_1 && (dns.receivedAt[index] ?? 0) >= movedAt && (dns.receivedAt[index] ?? 0) < (event?.at ?? 0));
    expect(resolvedBetween).to.deep.equal([]);
    expect(mappings.filter((mapping) => mapping.name === EU_WEST_1)).to.have.length(2);
    for (const observation of observations.filter((o) => o.at < movedAt)) {
      expect(observation).to.deep.include({ addresses: ['127.0.0.12'], regions: ['eu-west-1'], unidentified: [] });
    }
    const afterEvent = observations.filter((o) => o.at > appliedAt);
    expect(afterEvent.length).to.be.at.least(2);
    for (const observation of afterEvent) {
      expect(observation).to.deep.include({ addresses: ['127.0.0.22'], regions: ['eu-west-1'], unidentified: [] });
    }
    // Between the move and the map catching up, the new address is honestly unidentified.
    for (const observation of observations.filter((o) => o.at >= movedAt && o.at < (event?.at ?? 0))) {
      if (observation.addresses.includes('127.0.0.22')) expect(observation.unidentified).to.deep.equal(['127.0.0.22']);
    }
    // The old address no longer counts for eu-west-1.
    expect(identifier.identify(['127.0.0.12'])).to.deep.equal({ regions: [], unidentified: ['127.0.0.12'] });
  });

  it('with identifyFresh, reads a moved address as its region at once, re-resolving at most once per quarter interval', async () => {
    dns.set(RECORD, { kind: 'a', addresses: ['127.0.0.12'] });
    const mappings: AddressMapping[] = [];
    // A scheduled resolution every 2 s: without the refresh, the move would read as unknown for up to 2 s.
    const identifier = start({ regions: { 'eu-west-1': { regionalEndpoints: [EU_WEST_1] } }, intervalMs: 2000, onMapping: (m) => mappings.push(m) });
    await identifier.ready;
    const observations: DnsObservation[] = [];
    const prober = startDnsProber({
      resolvers: [dns.address],
      name: RECORD,
      intervalMs: 25,
      identify: identifier.identifyFresh,
      onObservation: (observation) => observations.push(observation),
    });
    probers.push(prober);
    await sleep(100);
    const movedAt = Date.now();
    const resolutionsBefore = dns.queries.filter((query) => query.name === EU_WEST_1).length;
    dns.set(EU_WEST_1, { kind: 'a', addresses: ['127.0.0.22'] });
    dns.set(RECORD, { kind: 'a', addresses: ['127.0.0.22'] });
    await sleep(300);
    await prober.stop();

    const afterMove = observations.filter((o) => o.at >= movedAt);
    expect(afterMove.length).to.be.at.least(5);
    for (const observation of afterMove) expect(observation).to.deep.include({ regions: ['eu-west-1'], unidentified: [] });
    expect(mappings.at(-1)).to.deep.include({ region: 'eu-west-1', addresses: ['127.0.0.22'] });
    // One refresh did it: the scheduled grid (every 2 s) did not tick in these 300 ms.
    expect(dns.queries.filter((query) => query.name === EU_WEST_1).length - resolutionsBefore).to.equal(1);
  });

  it('with identifyFresh, an address no region claims stays unidentified and costs at most one refresh per quarter interval', async () => {
    const identifier = start({ regions: { 'eu-west-1': { regionalEndpoints: [EU_WEST_1] } }, intervalMs: 400 });
    await identifier.ready;
    const before = dns.queries.filter((query) => query.name === EU_WEST_1).length;
    const startedAt = Date.now();
    const results = [];
    for (let call = 0; call < 20; call++) {
      results.push(await identifier.identifyFresh(['192.0.2.50']));
      await sleep(10);
    }
    const elapsed = Date.now() - startedAt;
    for (const result of results) expect(result).to.deep.equal({ regions: [], unidentified: ['192.0.2.50'] });
    const resolutions = dns.queries.filter((query) => query.name === EU_WEST_1).length - before;
    // Refreshes at most every 100 ms, plus the scheduled grid every 400 ms.
    expect(resolutions).to.be.at.most(Math.floor(elapsed / 100) + 1 + Math.floor(elapsed / 400) + 1);
    expect(resolutions).to.be.at.least(1);
  });

  it('keeps the last addresses when a resolution times out, rather than forgetting the region', async () => {
    const mappings: AddressMapping[] = [];
    const identifier = start({ regions: { 'eu-west-1': { regionalEndpoints: [EU_WEST_1] } }, intervalMs: 50, timeoutMs: 50, onMapping: (m) => mappings.push(m) });
    await identifier.ready;
    dns.silent = true;
    try {
      await sleep(200);
      expect(identifier.identify(['127.0.0.12'])).to.deep.equal({ regions: ['eu-west-1'], unidentified: [] });
      expect(mappings).to.have.length(1);
    } finally {
      dns.silent = false;
    }
  });

  it('rejects a regional endpoint or a static address listed for two regions, and a bad interval', () => {
    expect(() => start({ regions: { 'eu-west-1': { regionalEndpoints: [EU_WEST_1] }, 'eu-west-2': { regionalEndpoints: [EU_WEST_1.toUpperCase()] } } })).to.throw(
      RegionIdentityConflictError,
      /listed for both eu-west-1 and eu-west-2/,
    );
    expect(() => start({ regions: { 'eu-west-1': { addresses: ['10.0.0.1'] }, 'eu-west-2': { addresses: ['10.0.0.1'] } } })).to.throw(
      RegionIdentityConflictError,
      /10\.0\.0\.1 is listed for both/,
    );
    expect(() => start({ regions: {}, intervalMs: 0 })).to.throw(RegionIdentifierOptionsError, /intervalMs.*got 0/);
  });
});

describe('identifiabilityProblems', function () {
  this.timeout(10_000);
  let dns: TestDnsServer;
  before(async () => {
    dns = await startTestDnsServer({ host: '127.0.0.53' });
    dns.set(EU_WEST_1, { kind: 'a', addresses: ['127.0.0.12'] });
  });
  after(async () => {
    await dns.close();
  });

  it('accepts regions with static addresses, a resolvable endpoint name, or a CNAME seen naming them', async () => {
    const problems = await identifiabilityProblems({
      path: 'services.api',
      resolver: dns.address,
      regions: { 'eu-west-1': { regionalEndpoints: [EU_WEST_1] }, 'eu-south-1': { addresses: ['127.0.0.14'] }, 'eu-west-2': {} },
      observedCnames: [['api.shop.example', 'd-x.execute-api.eu-west-2.amazonaws.com']],
    });
    expect(problems).to.deep.equal([]);
  });

  it('names the field to add for a region that cannot be identified', async () => {
    const problems = await identifiabilityProblems({
      path: 'services.api',
      resolver: dns.address,
      regions: { 'eu-west-1': { regionalEndpoints: [EU_WEST_1] } },
      expected: ['eu-west-1', 'us-west-2'],
    });
    expect(problems).to.have.length(1);
    expect(problems[0]).to.match(/^services\.api\.regionalEndpoints\.us-west-2: region us-west-2 cannot be identified in DNS answers: it has no static addresses and no regional endpoint name; add .*d-abc123\.execute-api\.us-west-2\.amazonaws\.com/);
  });

  it('says which endpoint name did not resolve, and where static addresses would go instead', async () => {
    const problems = await identifiabilityProblems({
      path: 'services.api',
      resolver: dns.address,
      regions: { 'eu-central-1': { regionalEndpoints: [EU_CENTRAL_1] } },
    });
    expect(problems).to.deep.equal([
      `services.api.regionalEndpoints.eu-central-1: region eu-central-1 cannot be identified in DNS answers: ${EU_CENTRAL_1} (NXDOMAIN) did not resolve through ${dns.address}; ` +
        'add a regional endpoint name that resolves, or static addresses at services.api.addresses.eu-central-1',
    ]);
  });

  it('rejects an endpoint name whose pattern names another region, before resolving anything', async () => {
    const before = dns.queries.length;
    const problems = await identifiabilityProblems({
      path: 'services.api',
      resolver: dns.address,
      regions: { 'eu-central-1': { regionalEndpoints: [EU_WEST_1] } },
    });
    expect(problems).to.deep.equal([`services.api.regionalEndpoints.eu-central-1[0]: "${EU_WEST_1}" is a regional endpoint of eu-west-1, not of eu-central-1`]);
    expect(dns.queries.length).to.equal(before);
  });
});
