import { expect } from 'chai';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { GetHostedZoneCommand, Route53Client } from '@aws-sdk/client-route-53';
import { authoritativeResolvers, NoDelegationSetError } from '../../src/observers/authoritative-resolvers.ts';

describe('authoritative resolvers from the delegation set', () => {
  // mockClient patches every Route53Client in the process: create it here, restore it after, so
  // other suites (and the sandbox e2e tests) talk to real servers.
  let route53: AwsClientStub<Route53Client>;
  let client: Route53Client;
  before(() => {
    route53 = mockClient(Route53Client);
  });
  after(() => route53.restore());
  beforeEach(() => {
    route53.reset();
    client = new Route53Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  });
  afterEach(() => client.destroy());

  const zone = { Id: '/hostedzone/Z1', Name: 'example.com.', CallerReference: 'r' };

  it('uses the port the sandbox names in its delegation set', async () => {
    route53.on(GetHostedZoneCommand).resolves({
      HostedZone: zone,
      DelegationSet: { CallerReference: 'drdrill-sandbox: authoritative DNS at 127.0.0.1 port 53530 (UDP and TCP)', NameServers: ['127.0.0.1'] },
    });

    expect(await authoritativeResolvers({ route53: client, hostedZoneId: '/hostedzone/Z1' })).to.deep.equal(['127.0.0.1:53530']);
    expect(route53.commandCalls(GetHostedZoneCommand)[0]?.args[0].input).to.deep.equal({ Id: 'Z1' });
  });

  it('resolves Route 53 name server host names once and asks them on port 53', async () => {
    route53.on(GetHostedZoneCommand).resolves({
      HostedZone: zone,
      DelegationSet: { NameServers: ['ns-1.awsdns-01.org.', 'ns-2.awsdns-02.co.uk', 'ns-1.awsdns-01.org'] },
    });
    const asked: string[] = [];
    const lookup = async (name: string): Promise<string> => {
      asked.push(name);
      return name.startsWith('ns-1') ? '127.0.0.41' : '127.0.0.42';
    };

    const resolvers = await authoritativeResolvers({ route53: client, hostedZoneId: 'Z1', lookup });

    expect(resolvers).to.deep.equal(['127.0.0.41:53', '127.0.0.42:53']);
    expect(asked).to.deep.equal(['ns-1.awsdns-01.org', 'ns-2.awsdns-02.co.uk', 'ns-1.awsdns-01.org']);
  });

  it('lets the caller choose the port', async () => {
    route53.on(GetHostedZoneCommand).resolves({ HostedZone: zone, DelegationSet: { NameServers: ['127.0.0.9', '::1'] } });

    expect(await authoritativeResolvers({ route53: client, hostedZoneId: 'Z1', port: 5300 })).to.deep.equal(['127.0.0.9:5300', '[::1]:5300']);
  });

  it('fails clearly for a zone without name servers', async () => {
    route53.on(GetHostedZoneCommand).resolves({ HostedZone: zone, VPCs: [{ VPCRegion: 'us-east-1', VPCId: 'vpc-1' }] });

    let caught: unknown;
    try {
      await authoritativeResolvers({ route53: client, hostedZoneId: 'Z1' });
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(NoDelegationSetError);
    expect((caught as Error).message).to.contain('hosted zone Z1 has no delegation set name servers');
  });
});
