import { expect } from 'chai';
import type { DecodedPacket } from 'dns-packet';
import { GetHealthCheckCommand, UpdateHealthCheckCommand } from '@aws-sdk/client-route-53';
import type { Sandbox, SandboxEvent } from '../../src/sandbox/sandbox-handle.ts';
import { InvalidSandboxOptionsError, startSandbox } from '../../src/sandbox/start-sandbox.ts';
import type { SandboxTopology } from '../../src/sandbox/topology/topology.ts';
import { addressesOf, pollUntil, route53Client, udpQueryFrom } from './sandbox-test-kit.ts';

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-1'] as const;
type Region = (typeof REGIONS)[number];
const SERVED: Readonly<Record<Region, string>> = { 'us-east-1': '127.0.0.41', 'eu-west-1': '127.0.0.42', 'ap-southeast-1': '127.0.0.43' };
/** One resolver client (vantage point) per region. */
const CLIENT: Readonly<Record<Region, string>> = { 'us-east-1': '127.0.0.51', 'eu-west-1': '127.0.0.52', 'ap-southeast-1': '127.0.0.53' };
const LATENCY = 'api.latency.test';
const WEIGHTED = 'aa.latency.test';
const FAILOVER = 'fo.latency.test';

const TOPOLOGY: SandboxTopology = {
  accountId: '111122223333',
  timeScale: 0.02,
  hostedZone: { id: 'Z0LATENCYTEST', name: 'latency.test' },
  regions: REGIONS.map((name) => ({ name, address: SERVED[name] })),
  resolverClients: REGIONS.map((region) => ({ address: CLIENT[region], region })),
  services: [
    { name: 'api', recordName: LATENCY, ttl: 1, regions: REGIONS, routing: 'latency', healthPath: '/health', deployments: REGIONS.map((region) => ({ region, requestInterval: 10 })) },
    { name: 'aa', recordName: WEIGHTED, ttl: 1, regions: REGIONS, routing: 'weighted', healthPath: '/health', deployments: REGIONS.map((region) => ({ region, requestInterval: 10 })) },
    { name: 'fo', recordName: FAILOVER, ttl: 1, regions: ['eu-west-1', 'us-east-1'], healthPath: '/health' },
  ],
};

/** The CLIENT_SUBNET option of a reply, if any. */
function subnetOption(reply: DecodedPacket): { family?: number; sourcePrefixLength?: number; scopePrefixLength?: number; ip?: string } | undefined {
  for (const record of reply.additionals ?? []) {
    if (record.type !== 'OPT') continue;
    const option = record.options.find((o) => o.code === 8);
    if (option !== undefined) return option as { family?: number; sourcePrefixLength?: number; scopePrefixLength?: number; ip?: string };
  }
  return undefined;
}

async function setInverted(sandbox: Sandbox, id: string, inverted: boolean): Promise<number> {
  const route53 = route53Client(sandbox);
  const { HealthCheck } = await route53.send(new GetHealthCheckCommand({ HealthCheckId: id }));
  const at = Date.now();
  await route53.send(new UpdateHealthCheckCommand({ HealthCheckId: id, HealthCheckVersion: HealthCheck?.HealthCheckVersion, Inverted: inverted }));
  return at;
}

function latencyEvents(sandbox: Sandbox, since: number): Extract<SandboxEvent, { type: 'dns-answer' }>[] {
  return sandbox.events().filter((e): e is Extract<SandboxEvent, { type: 'dns-answer' }> => e.type === 'dns-answer' && e.name === LATENCY && e.at >= since);
}

describe('latency and weighted records across three regions', function () {
  this.timeout(20_000);
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await startSandbox({ topology: TOPOLOGY });
  });
  after(async () => {
    await sandbox.close();
  });

  it('answers each resolver client with its own region, by source address', async () => {
    for (const region of REGIONS) {
      expect(addressesOf(await udpQueryFrom(sandbox, LATENCY, { from: CLIENT[region] })), region).to.deep.equal([SERVED[region]]);
    }
  });

  it('answers by EDNS Client Subnet when a resolver client is inside it, echoing family, source prefix and address with the source prefix as scope', async () => {
    for (const region of REGIONS) {
      const reply = await udpQueryFrom(sandbox, LATENCY, { subnet: { ip: CLIENT[region], prefix: 32 } });
      expect(addressesOf(reply), region).to.deep.equal([SERVED[region]]);
      expect(subnetOption(reply)).to.deep.include({ family: 1, sourcePrefixLength: 32, scopePrefixLength: 32, ip: CLIENT[region] });
    }
    // The subnet wins over the source address (a resolver forwarding for a client elsewhere).
    const forwarded = await udpQueryFrom(sandbox, LATENCY, { from: CLIENT['us-east-1'], subnet: { ip: CLIENT['ap-southeast-1'], prefix: 32 } });
    expect(addressesOf(forwarded)).to.deep.equal([SERVED['ap-southeast-1']]);
  });

  it('places a query by its source address when no resolver client is inside its subnet or the subnet is /0, and scopes an answer that does not depend on the client to 0', async () => {
    const elsewhere = await udpQueryFrom(sandbox, LATENCY, { from: CLIENT['eu-west-1'], subnet: { ip: '127.0.9.0', prefix: 24 } });
    expect(addressesOf(elsewhere)).to.deep.equal([SERVED['eu-west-1']]);
    // A zero source prefix (the client opted out, RFC 7871 §7.1.2) places nothing either.
    const optedOut = await udpQueryFrom(sandbox, LATENCY, { from: CLIENT['ap-southeast-1'], subnet: { ip: '0.0.0.0', prefix: 0 } });
    expect(addressesOf(optedOut)).to.deep.equal([SERVED['ap-southeast-1']]);
    expect(subnetOption(optedOut)).to.deep.include({ sourcePrefixLength: 0, scopePrefixLength: 0 });
    const failover = await udpQueryFrom(sandbox, FAILOVER, { subnet: { ip: CLIENT['ap-southeast-1'], prefix: 32 } });
    expect(addressesOf(failover)).to.deep.equal([SERVED['eu-west-1']]);
    expect(subnetOption(failover)?.scopePrefixLength).to.equal(0);
  });

  it('moves only the clients an unhealthy region served, to their next nearest region, and brings them back when it heals', async () => {
    const start = await setInverted(sandbox, 'hc-api-eu-west-1', true);
    // Ground truth: the sandbox records the eu-west-1 clients' answer changing, and only theirs.
    const moved = await pollUntil(async () => latencyEvents(sandbox, start).find((e) => e.clientRegion === 'eu-west-1'), 5000);
    expect(moved.addresses).to.deep.equal([SERVED['us-east-1']]);
    expect(addressesOf(await udpQueryFrom(sandbox, LATENCY, { from: CLIENT['eu-west-1'] }))).to.deep.equal([SERVED['us-east-1']]);
    expect(addressesOf(await udpQueryFrom(sandbox, LATENCY, { subnet: { ip: CLIENT['eu-west-1'], prefix: 32 } }))).to.deep.equal([SERVED['us-east-1']]);
    expect(addressesOf(await udpQueryFrom(sandbox, LATENCY, { from: CLIENT['ap-southeast-1'] }))).to.deep.equal([SERVED['ap-southeast-1']]);
    expect(addressesOf(await udpQueryFrom(sandbox, LATENCY, { from: CLIENT['us-east-1'] }))).to.deep.equal([SERVED['us-east-1']]);

    const healedAt = await setInverted(sandbox, 'hc-api-eu-west-1', false);
    const back = await pollUntil(async () => latencyEvents(sandbox, healedAt).find((e) => e.clientRegion === 'eu-west-1'), 5000);
    expect(back.addresses).to.deep.equal([SERVED['eu-west-1']]);
    const changedRegions = latencyEvents(sandbox, start).map((e) => e.clientRegion);
    expect(changedRegions).to.deep.equal(['eu-west-1', 'eu-west-1']);
  });

  it('shares a weighted service equally across its regions by default, skipping an unhealthy one', async () => {
    const share = async (queries: number): Promise<Record<string, number>> => {
      const counts: Record<string, number> = {};
      for (let i = 0; i < queries; i += 1) {
        const [address = 'none'] = addressesOf(await udpQueryFrom(sandbox, WEIGHTED));
        counts[address] = (counts[address] ?? 0) + 1;
      }
      return counts;
    };
    expect(await share(9)).to.deep.equal({ [SERVED['us-east-1']]: 3, [SERVED['eu-west-1']]: 3, [SERVED['ap-southeast-1']]: 3 });
    const at = await setInverted(sandbox, 'hc-aa-ap-southeast-1', true);
    await pollUntil(async () => sandbox.events().find((e) => e.type === 'health-check-status' && e.healthCheckId === 'hc-aa-ap-southeast-1' && !e.healthy && e.at >= at), 5000);
    expect(await share(8)).to.deep.equal({ [SERVED['us-east-1']]: 4, [SERVED['eu-west-1']]: 4 });
    await setInverted(sandbox, 'hc-aa-ap-southeast-1', false);
  });

  it('refuses a latency service with one region, and a region the latency model does not know', async () => {
    const one = await startSandbox({ topology: { ...TOPOLOGY, services: [{ ...TOPOLOGY.services[0]!, regions: ['us-east-1'] }] } }).then(() => undefined, (e: unknown) => e);
    expect(one).to.be.instanceOf(InvalidSandboxOptionsError);
    expect((one as Error).message).to.contain('topology.services[0].regions').and.contain('at least 2');
    const unknown = await startSandbox({ topology: { ...TOPOLOGY, regions: [...TOPOLOGY.regions, { name: 'mars-north-1', address: '127.0.0.44' }] } }).then(() => undefined, (e: unknown) => e);
    expect((unknown as Error).message).to.contain('topology.regions[3].name').and.contain('"mars-north-1"').and.contain('latency model');
  });
});
