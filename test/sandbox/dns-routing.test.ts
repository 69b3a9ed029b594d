import { expect } from 'chai';
import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  ListHealthChecksCommand,
  ListHostedZonesByNameCommand,
  UpdateHealthCheckCommand,
} from '@aws-sdk/client-route-53';
import type { Change, Route53Client } from '@aws-sdk/client-route-53';
import { checkersVoteHealthy } from '../../src/sandbox/data-plane/health-check-model.ts';
import type { ZoneRecord } from '../../src/sandbox/dns/hosted-zone.ts';
import { eligibleRecordSets, pickWeighted } from '../../src/sandbox/dns/record-routing.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { FAST_TOPOLOGY, addressesOf, pollUntil, rcodeOf, rejectionOf, route53Client, udpQuery, udpQueryFrom } from './sandbox-test-kit.ts';

/** The TTL of a decoded answer (dns-packet's Answer type leaves it out for some record types). */
function ttlOf(answer: unknown): number | undefined {
  return (answer as { ttl?: number } | undefined)?.ttl;
}

const record = (fields: Partial<ZoneRecord> & Pick<ZoneRecord, 'values'>): ZoneRecord => ({ name: 'x.test', type: 'A', ttl: 1, ...fields });

describe('Route 53 routing rules (pure)', () => {
  const healthyUnless = (...down: string[]) => ({ clientRegion: 'us-east-1', isHealthy: (r: ZoneRecord) => !down.includes(r.healthCheckId ?? '') });
  const failover = [
    record({ failover: 'PRIMARY', setIdentifier: 'p', values: ['1.1.1.1'], healthCheckId: 'p' }),
    record({ failover: 'SECONDARY', setIdentifier: 's', values: ['2.2.2.2'], healthCheckId: 's' }),
  ];

  it('failover answers the primary while healthy, the healthy secondary otherwise, and the primary when both are down', () => {
    expect(eligibleRecordSets(failover, healthyUnless()).map((r) => r.values[0])).to.deep.equal(['1.1.1.1']);
    expect(eligibleRecordSets(failover, healthyUnless('p')).map((r) => r.values[0])).to.deep.equal(['2.2.2.2']);
    expect(eligibleRecordSets(failover, healthyUnless('p', 's')).map((r) => r.values[0])).to.deep.equal(['1.1.1.1']);
  });

  it('latency answers the nearest healthy region for the client, and the nearest of all when none is healthy', () => {
    const latency = [
      record({ region: 'us-east-1', setIdentifier: 'e', values: ['1.1.1.1'], healthCheckId: 'e' }),
      record({ region: 'us-west-2', setIdentifier: 'w', values: ['2.2.2.2'], healthCheckId: 'w' }),
    ];
    const from = (clientRegion: string, ...down: string[]) =>
      eligibleRecordSets(latency, { clientRegion, isHealthy: (r) => !down.includes(r.healthCheckId ?? '') }).map((r) => r.values[0]);
    expect(from('us-west-1')).to.deep.equal(['2.2.2.2']);
    expect(from('eu-west-1')).to.deep.equal(['1.1.1.1']);
    expect(from('us-west-1', 'w')).to.deep.equal(['1.1.1.1']);
    expect(from('us-west-1', 'w', 'e')).to.deep.equal(['2.2.2.2']);
  });

  it('weighted picks in proportion to weight among healthy record sets, skipping weight 0', () => {
    const weighted = [
      record({ weight: 3, setIdentifier: 'a', values: ['1.1.1.1'] }),
      record({ weight: 1, setIdentifier: 'b', values: ['2.2.2.2'] }),
      record({ weight: 0, setIdentifier: 'c', values: ['3.3.3.3'] }),
    ];
    const eligible = eligibleRecordSets(weighted, healthyUnless());
    expect(eligible.map((r) => r.setIdentifier)).to.deep.equal(['a', 'b']);
    const picks = Array.from({ length: 8 }, (_, i) => pickWeighted(eligible, i)?.setIdentifier);
    expect(picks.filter((p) => p === 'a')).to.have.length(6);
    expect(picks.filter((p) => p === 'b')).to.have.length(2);
  });

  it('counts a check healthy only when more than 18% of its checkers say so', () => {
    const vote = (healthy: number, total: number) => checkersVoteHealthy(Array.from({ length: total }, (_, i) => i < healthy));
    expect(vote(1, 8)).to.equal(false); // 12.5%
    expect(vote(2, 8)).to.equal(true); // 25%
    expect(vote(0, 3)).to.equal(false);
    expect(vote(1, 3)).to.equal(true); // 33%
    expect(vote(1, 6)).to.equal(false); // 16.7%
  });
});

describe('sandbox DNS routing and Route 53 record changes', () => {
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

  it('answers latency records by the resolver client’s home region (its source address)', async () => {
    expect(addressesOf(await udpQueryFrom(sandbox, 'api-latency.drdrill.test', { from: '127.0.0.11' }))).to.deep.equal(['127.0.0.2']);
    expect(addressesOf(await udpQueryFrom(sandbox, 'api-latency.drdrill.test', { from: '127.0.0.12' }))).to.deep.equal(['127.0.0.3']);
    const events = sandbox.events().filter((e) => e.type === 'dns-answer' && e.name === 'api-latency.drdrill.test');
    expect(events.map((e) => (e.type === 'dns-answer' ? [e.clientRegion, e.addresses] : []))).to.deep.equal([
      ['us-east-1', ['127.0.0.2']],
      ['us-west-2', ['127.0.0.3']],
    ]);
  });

  it('rotates weighted answers 3:1 and follows alias records with the target’s TTL', async () => {
    const answers: string[] = [];
    for (let i = 0; i < 8; i += 1) answers.push(...addressesOf(await udpQuery(sandbox, 'api-weighted.drdrill.test')));
    expect(answers.filter((a) => a === '127.0.0.2')).to.have.length(6);
    expect(answers.filter((a) => a === '127.0.0.3')).to.have.length(2);
    const www = await udpQuery(sandbox, 'www.drdrill.test');
    expect(www.answers?.map((a) => [a.type, a.type === 'A' ? a.data : '', ttlOf(a)])).to.deep.equal([['A', '127.0.0.4', 60]]);
    const service1 = await udpQuery(sandbox, 'service1.drdrill.test');
    expect(addressesOf(service1)).to.deep.equal(['127.0.0.2']);
    expect(ttlOf(service1.answers?.[0])).to.equal(1);
  });

  it('serves TXT at the apex and NODATA with the SOA for a type a name does not have', async () => {
    const txt = await udpQuery(sandbox, 'drdrill.test', 'TXT');
    expect(txt.answers?.map((a) => (a.type === 'TXT' ? [a.data].flat().map((d) => d.toString()) : []))).to.deep.equal([['drdrill embedded sandbox']]);
    const aaaa = await udpQuery(sandbox, 'api.drdrill.test', 'AAAA');
    expect(rcodeOf(aaaa)).to.equal('NOERROR');
    expect(aaaa.answers).to.deep.equal([]);
    expect(aaaa.authorities?.[0]?.type).to.equal('SOA');
  });

  it('ChangeResourceRecordSets creates, upserts and deletes record sets, served at once; GetChange reports the change', async () => {
    const change = (Action: 'CREATE' | 'UPSERT' | 'DELETE', Value: string) =>
      route53.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: 'Z0DRDRILLSANDBOX',
          ChangeBatch: { Changes: [{ Action, ResourceRecordSet: { Name: 'new.drdrill.test', Type: 'A', TTL: 5, ResourceRecords: [{ Value }] } }] },
        }),
      );
    const created = await change('CREATE', '127.0.0.2');
    expect(created.ChangeInfo?.Id).to.match(/^\/change\/C[0-9A-F]+$/);
    expect(created.ChangeInfo?.Status).to.equal('PENDING');
    expect(addressesOf(await udpQuery(sandbox, 'new.drdrill.test'))).to.deep.equal(['127.0.0.2']);
    await change('UPSERT', '127.0.0.3');
    expect(addressesOf(await udpQuery(sandbox, 'new.drdrill.test'))).to.deep.equal(['127.0.0.3']);
    // 10 simulated seconds × 0.02 = 200 ms to propagate.
    const insync = await pollUntil(async () => {
      const { ChangeInfo } = await route53.send(new GetChangeCommand({ Id: created.ChangeInfo?.Id }));
      return ChangeInfo?.Status === 'INSYNC' ? ChangeInfo : undefined;
    }, 2000);
    expect(insync.SubmittedAt).to.be.instanceOf(Date);
    const stale = await rejectionOf(change('DELETE', '127.0.0.2'));
    expect(stale.name).to.equal('InvalidChangeBatch');
    expect(stale.message).to.contain('do not match');
    await change('DELETE', '127.0.0.3');
    expect(rcodeOf(await udpQuery(sandbox, 'new.drdrill.test'))).to.equal('NXDOMAIN');
    expect((await rejectionOf(route53.send(new GetChangeCommand({ Id: 'CNOPE' })))).name).to.equal('NoSuchChange');
  });

  it('ChangeResourceRecordSets rejects what Route 53 rejects, all or nothing, as InvalidChangeBatch', async () => {
    const batch = (Changes: Change[]) =>
      rejectionOf(route53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: 'Z0DRDRILLSANDBOX', ChangeBatch: { Changes } })));
    const duplicate = await batch([{ Action: 'CREATE', ResourceRecordSet: { Name: 'edge.drdrill.test', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '127.0.0.4' }] } }]);
    expect(duplicate.name).to.equal('InvalidChangeBatch');
    expect(duplicate.message).to.contain('already exists');
    const outside = await batch([
      { Action: 'CREATE', ResourceRecordSet: { Name: 'ok.drdrill.test', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '127.0.0.4' }] } },
      { Action: 'CREATE', ResourceRecordSet: { Name: 'x.example.com', Type: 'A', TTL: 60, ResourceRecords: [{ Value: 'not-an-ip' }] } },
    ]);
    expect(outside.name).to.equal('InvalidChangeBatch');
    expect(outside.message).to.contain('not permitted in zone').and.contain('IPv4');
    expect(rcodeOf(await udpQuery(sandbox, 'ok.drdrill.test'))).to.equal('NXDOMAIN');
    const cname = await batch([{ Action: 'CREATE', ResourceRecordSet: { Name: 'api.drdrill.test', Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: 'edge.drdrill.test' }] } }]);
    expect(cname.message).to.contain('CNAME');
    const noCheck = await batch([
      { Action: 'UPSERT', ResourceRecordSet: { Name: 'z.drdrill.test', Type: 'A', TTL: 60, SetIdentifier: 'z', Weight: 1, HealthCheckId: 'hc-nope', ResourceRecords: [{ Value: '127.0.0.2' }] } },
    ]);
    expect(noCheck.name).to.equal('NoSuchHealthCheck');
  });

  it('chases a CNAME created in the zone to its target', async () => {
    await route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: 'Z0DRDRILLSANDBOX',
        ChangeBatch: { Changes: [{ Action: 'CREATE', ResourceRecordSet: { Name: 'alias-of-api.drdrill.test', Type: 'CNAME', TTL: 30, ResourceRecords: [{ Value: 'api.drdrill.test' }] } }] },
      }),
    );
    const reply = await udpQuery(sandbox, 'alias-of-api.drdrill.test');
    expect(reply.answers?.map((a) => a.type)).to.deep.equal(['CNAME', 'A']);
    expect(addressesOf(reply)).to.deep.equal(['127.0.0.2']);
  });

  it('ListHealthChecks pages through every check; ListHostedZonesByName finds the zone', async () => {
    const ids: string[] = [];
    let marker: string | undefined;
    for (let page = 0; page < 10; page += 1) {
      const out = await route53.send(new ListHealthChecksCommand({ MaxItems: 4, ...(marker === undefined ? {} : { Marker: marker }) }));
      ids.push(...(out.HealthChecks ?? []).map((c) => c.Id ?? ''));
      if (out.IsTruncated !== true) break;
      marker = out.NextMarker;
    }
    expect(ids).to.have.length(14);
    expect(ids).to.include.members(['hc-api-us-east-1', 'hc-service1-us-east-1-arc', 'hc-service2-us-west-2-record']);
    const zones = await route53.send(new ListHostedZonesByNameCommand({ DNSName: 'drdrill.test' }));
    expect(zones.HostedZones?.map((z) => [z.Id, z.Name])).to.deep.equal([['/hostedzone/Z0DRDRILLSANDBOX', 'drdrill.test.']]);
    const none = await route53.send(new ListHostedZonesByNameCommand({ DNSName: 'zzz.test' }));
    expect(none.HostedZones).to.deep.equal([]);
    const bad = await rejectionOf(route53.send(new ListHostedZonesByNameCommand({ HostedZoneId: 'Z0DRDRILLSANDBOX' })));
    expect(bad.name).to.equal('InvalidInput');
  });

  it('UpdateHealthCheck validates per type: SearchString only on string-match checks, HealthThreshold only on calculated ones', async () => {
    const search = await rejectionOf(route53.send(new UpdateHealthCheckCommand({ HealthCheckId: 'hc-api-us-east-1', SearchString: 'x' })));
    expect(search.name).to.equal('InvalidInput');
    const threshold = await rejectionOf(route53.send(new UpdateHealthCheckCommand({ HealthCheckId: 'hc-api-us-east-1', HealthThreshold: 1 })));
    expect(threshold.name).to.equal('InvalidInput');
    const interval = await rejectionOf(route53.send(new UpdateHealthCheckCommand({ HealthCheckId: 'hc-api-us-east-1', FailureThreshold: 11 })));
    expect(interval.name).to.equal('InvalidInput');
    const calculated = await route53.send(new UpdateHealthCheckCommand({ HealthCheckId: 'hc-service1-us-west-2-record', HealthThreshold: 1 }));
    expect(calculated.HealthCheck?.HealthCheckConfig).to.deep.include({ Type: 'CALCULATED', HealthThreshold: 1 });
    expect(calculated.HealthCheck?.HealthCheckConfig?.ChildHealthChecks).to.deep.equal(['hc-service1-us-west-2', 'hc-service1-us-west-2-arc']);
  });
});
