import { expect } from 'chai';
import { Resolver } from 'node:dns/promises';
import { GetDomainNameCommand, ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import { InvalidRegionMoveError } from '../../src/sandbox/data-plane/region-mover.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { FAST_TOPOLOGY, httpGet, sdkClient } from './sandbox-test-kit.ts';

const MOVED_TO = '127.0.0.61';

function resolver(sandbox: Sandbox): Resolver {
  const r = new Resolver({ timeout: 1000, tries: 1 });
  r.setServers([`${sandbox.description.dns.host}:${sandbox.description.dns.port}`]);
  return r;
}

function deploymentOf(sandbox: Sandbox, service: string, region: string) {
  const found = sandbox.description.resources.services.find((s) => s.name === service)?.deployments.find((d) => d.region === region);
  if (found === undefined) throw new Error(`no ${service} deployment in ${region}`);
  return found;
}

describe('moving a region to another address mid-run', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await startSandbox({ topology: FAST_TOPOLOGY });
  });
  after(async () => {
    await sandbox.close();
  });

  it('answers A queries for each region\'s API Gateway names (the regional domain the SDK reports, and execute-api) with the region\'s address', async () => {
    const dns = resolver(sandbox);
    const east = deploymentOf(sandbox, 'service1', 'us-east-1');
    const { ApiGatewayDomainName: regionalDomainName } = (await sdkClient(ApiGatewayV2Client, sandbox, 'us-east-1').send(new GetDomainNameCommand({ DomainName: east.customDomain }))).DomainNameConfigurations?.[0] ?? {};
    expect(regionalDomainName).to.equal(east.regionalDomainName);
    expect(await dns.resolve4(east.regionalDomainName)).to.deep.equal(['127.0.0.2']);
    expect(await dns.resolve4(east.executeApiHost)).to.deep.equal(['127.0.0.2']);
    expect(await dns.resolve4(deploymentOf(sandbox, 'service1', 'us-west-2').regionalDomainName)).to.deep.equal(['127.0.0.3']);
    // Anything else outside the zone is still refused.
    const refused = await dns.resolve4('example.com').then(() => undefined, (e: NodeJS.ErrnoException) => e.code);
    expect(refused).to.equal('EREFUSED');
  });

  it('moves the endpoint, its names and the alias answers to the new address; plain records stay; the old address keeps answering', async () => {
    const dns = resolver(sandbox);
    const east = deploymentOf(sandbox, 'service1', 'us-east-1');
    const before = Date.now();
    await sandbox.moveRegion('us-east-1', MOVED_TO);

    const moved = sandbox.events().find((e) => e.type === 'region-address' && e.at >= before);
    expect(moved).to.deep.include({ region: 'us-east-1', address: MOVED_TO, previous: '127.0.0.2' });
    const aliasAnswer = sandbox.events().find((e) => e.type === 'dns-answer' && e.name === 'service1.drdrill.test' && e.at >= before);
    expect(aliasAnswer).to.deep.include({ addresses: [MOVED_TO] });

    expect(await dns.resolve4(east.regionalDomainName)).to.deep.equal([MOVED_TO]);
    expect(await dns.resolve4(east.executeApiHost)).to.deep.equal([MOVED_TO]);
    expect(await dns.resolve4('service1.drdrill.test')).to.deep.equal([MOVED_TO]);
    // A plain A record holds the address it was written with, as on Route 53.
    expect(await dns.resolve4('api.drdrill.test')).to.deep.equal(['127.0.0.2']);
    expect(await dns.resolve4(deploymentOf(sandbox, 'service1', 'us-west-2').regionalDomainName)).to.deep.equal(['127.0.0.3']);

    const port = sandbox.description.httpPort;
    for (const address of [MOVED_TO, '127.0.0.2']) {
      const reply = await httpGet(`http://${address}:${port}/health`, 'service1.drdrill.test');
      expect(reply.status, address).to.equal(200);
      expect(reply.headers['x-drdrill-region'], address).to.equal('us-east-1');
    }
  });

  it('moves a region through POST /_sandbox/move-region too (a sandbox in another process), and answers a bad request 400', async () => {
    const url = new URL('/_sandbox/move-region', sandbox.description.controlPlaneUrl);
    const post = (body: string) => fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(2000) });
    const moved = await post(JSON.stringify({ region: 'us-west-2', address: '127.0.0.63' }));
    expect(moved.status).to.equal(200);
    expect(await resolver(sandbox).resolve4(deploymentOf(sandbox, 'service1', 'us-west-2').regionalDomainName)).to.deep.equal(['127.0.0.63']);
    const reply = await httpGet(`http://127.0.0.63:${sandbox.description.httpPort}/health`, 'service1.drdrill.test');
    expect(reply.headers['x-drdrill-region']).to.equal('us-west-2');

    const malformed = await post('{"region": 1}');
    expect(malformed.status).to.equal(400);
    expect(((await malformed.json()) as { message: string }).message).to.contain('"region"');
    const refused = await post(JSON.stringify({ region: 'us-west-2', address: '8.8.8.8' }));
    expect(refused.status).to.equal(400);
    expect(((await refused.json()) as { message: string }).message).to.contain('127.0.0.0/8');
    expect((await fetch(url, { signal: AbortSignal.timeout(2000) })).status).to.equal(405);
  });

  it('refuses a region it does not have, an address outside loopback, and another region\'s address', async () => {
    const bad = async (region: string, address: string): Promise<unknown> => sandbox.moveRegion(region, address).then(() => undefined, (e: unknown) => e);
    const unknown = await bad('eu-west-9', '127.0.0.62');
    expect(unknown).to.be.instanceOf(InvalidRegionMoveError);
    expect((unknown as Error).message).to.contain('"eu-west-9"').and.contain('us-east-1, us-west-2');
    expect(((await bad('us-west-2', '10.0.0.1')) as Error).message).to.contain('"10.0.0.1"').and.contain('127.0.0.0/8');
    expect(((await bad('us-west-2', MOVED_TO)) as Error).message).to.contain('us-east-1');
    expect(((await bad('us-west-2', '127.0.0.4')) as Error).message).to.contain('edge');
  });
});
