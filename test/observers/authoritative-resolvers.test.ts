import { expect } from 'chai';
import { useMockedRoute53 } from '../support/mocked-route53.ts';
import { GetHostedZoneCommand } from '@aws-sdk/client-route-53';
import { authoritativeResolvers, NoDelegationSetError } from '../../src/observers/authoritative-resolvers.ts';

describe('authoritative resolvers from the delegation set', () => {
  const route53 = useMockedRoute53();

  const zone = { Id: '/hostedzone/Z1', Name: 'example.com.', CallerReference: 'r' };

  it('uses the port the sandbox names in its delegation set', async () => {
    route53.stub.on(GetHostedZoneCommand).resolves({
      HostedZone: zone,
      DelegationSet: { CallerReference: 'drdrill-sandbox: authoritative DNS at 127.0.0.1 port 53530 (UDP and TCP)', NameServers: ['127.0.0.1'] },
    });

    expect(await authoritativeResolvers({ route53: route53.client, hostedZoneId: '/hostedzone/Z1' })).to.deep.equal(['127.0.0.1:53530']);
    expect(route53.stub.commandCalls(GetHostedZoneCommand)[0]?.args[0].input).to.deep.equal({ Id: 'Z1' });
  });

  it('resolves Route 53 name server host names once and asks them on port 53', async () => {
    route53.stub.on(GetHostedZoneCommand).resolves({
      HostedZone: zone,
      DelegationSet: { NameServers: ['ns-1.awsdns-01.org.', 'ns-2.awsdns-02.co.uk', 'ns-1.awsdns-01.org'] },
    });
    const asked: string[] = [];
    const lookup = async (name: string): Promise<string> => {
      asked.push(name);
      return name.startsWith('ns-1') ? '127.0.0.41' : '127.0.0.42';
    };

    const resolvers = await authoritativeResolvers({ route53: route53.client, hostedZoneId: 'Z1', lookup });

    expect(resolvers).to.deep.equal(['127.0.0.41:53', '127.0.0.42:53']);
    expect(asked).to.deep.equal(['ns-1.awsdns-01.org', 'ns-2.awsdns-02.co.uk', 'ns-1.awsdns-01.org']);
  });

  it('lets the caller choose the port', async () => {
    route53.stub.on(GetHostedZoneCommand).resolves({ HostedZone: zone, DelegationSet: { NameServers: ['127.0.0.9', '::1'] } });

    expect(await authoritativeResolvers({ route53: route53.client, hostedZoneId: 'Z1', port: 5300 })).to.deep.equal(['127.0.0.9:5300', '[::1]:5300']);
  });

  it('fails clearly for a zone without name servers', async () => {
    route53.stub.on(GetHostedZoneCommand).resolves({ HostedZone: zone, VPCs: [{ VPCRegion: 'us-east-1', VPCId: 'vpc-1' }] });

    let caught: unknown;
    try {
      await authoritativeResolvers({ route53: route53.client, hostedZoneId: 'Z1' });
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(NoDelegationSetError);
    expect((caught as Error).message).to.contain('hosted zone Z1 has no delegation set name servers');
  });
});
