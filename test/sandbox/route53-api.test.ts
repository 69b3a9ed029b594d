import { expect } from 'chai';
import {
  GetHealthCheckCommand,
  GetHealthCheckStatusCommand,
  GetHostedZoneCommand,
  ListResourceRecordSetsCommand,
  UpdateHealthCheckCommand,
} from '@aws-sdk/client-route-53';
import type { RRType, ResourceRecordSet, Route53Client } from '@aws-sdk/client-route-53';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import { FAST_TOPOLOGY, PRIMARY_CHECK, SECONDARY_CHECK, pollUntil, rejectionOf, route53Client } from './sandbox-test-kit.ts';

/** Every record set of the default zone, in ListResourceRecordSets order. */
const ALL_RECORDS = [
  'drdrill.test.|NS|',
  'drdrill.test.|SOA|',
  'drdrill.test.|TXT|',
  'api.drdrill.test.|A|api-primary',
  'api.drdrill.test.|A|api-secondary',
  'api-latency.drdrill.test.|A|api-latency-us-east-1',
  'api-latency.drdrill.test.|A|api-latency-us-west-2',
  'api-weighted.drdrill.test.|A|api-weighted-us-east-1',
  'api-weighted.drdrill.test.|A|api-weighted-us-west-2',
  'edge.drdrill.test.|A|',
  'ns.drdrill.test.|A|',
  'service1.drdrill.test.|A|service1-primary',
  'service1.drdrill.test.|A|service1-secondary',
  'service2.drdrill.test.|A|service2-primary',
  'service2.drdrill.test.|A|service2-secondary',
  'www.drdrill.test.|A|',
];

describe('sandbox Route 53 API (through the real SDK)', () => {
  let sandbox: Sandbox;
  let route53: Route53Client;

  beforeEach(async () => {
    sandbox = await startSandbox({ topology: FAST_TOPOLOGY });
    route53 = route53Client(sandbox);
  });
  afterEach(async () => {
    route53.destroy();
    await sandbox.close();
  });

  describe('health checks', () => {
    it('GetHealthCheck describes the primary check as an HTTP probe of the primary region', async () => {
      const { HealthCheck } = await route53.send(new GetHealthCheckCommand({ HealthCheckId: PRIMARY_CHECK }));
      expect(HealthCheck?.Id).to.equal(PRIMARY_CHECK);
      expect(HealthCheck?.HealthCheckVersion).to.equal(1);
      expect(HealthCheck?.HealthCheckConfig).to.include({
        Type: 'HTTP',
        IPAddress: '127.0.0.2',
        Port: sandbox.description.httpPort,
        ResourcePath: '/health',
        FullyQualifiedDomainName: 'api.drdrill.test',
        RequestInterval: 10,
        FailureThreshold: 3,
        Inverted: false,
        Disabled: false,
      });
      expect(HealthCheck?.HealthCheckConfig?.Regions).to.have.length(8);
    });

    it('GetHealthCheck of an unknown id raises NoSuchHealthCheck with status 404', async () => {
      const error = await rejectionOf(route53.send(new GetHealthCheckCommand({ HealthCheckId: 'hc-nope' })));
      expect(error.name).to.equal('NoSuchHealthCheck');
      expect(error.message).to.contain('hc-nope');
      expect(error.$metadata?.httpStatusCode).to.equal(404);
    });

    it('UpdateHealthCheck with the current version applies the change, bumps the version and records it', async () => {
      const { HealthCheck } = await route53.send(
        new UpdateHealthCheckCommand({ HealthCheckId: SECONDARY_CHECK, HealthCheckVersion: 1, FailureThreshold: 5, Inverted: true }),
      );
      expect(HealthCheck?.HealthCheckVersion).to.equal(2);
      expect(HealthCheck?.HealthCheckConfig?.FailureThreshold).to.equal(5);
      expect(HealthCheck?.HealthCheckConfig?.Inverted).to.equal(true);
      const again = await route53.send(new GetHealthCheckCommand({ HealthCheckId: SECONDARY_CHECK }));
      expect(again.HealthCheck?.HealthCheckConfig?.FailureThreshold).to.equal(5);
      const configEvents = sandbox.events().filter((e) => e.type === 'health-check-config');
      expect(configEvents).to.have.length(1);
      expect(configEvents[0]).to.include({ healthCheckId: SECONDARY_CHECK, inverted: true, disabled: false, version: 2 });
      const call = sandbox.calls().at(-2);
      expect(call).to.include({ service: 'route53', operation: 'UpdateHealthCheck', mutating: true, status: 200 });
    });

    it('UpdateHealthCheck with a stale version raises HealthCheckVersionMismatch (409) and changes nothing', async () => {
      await route53.send(new UpdateHealthCheckCommand({ HealthCheckId: PRIMARY_CHECK, HealthCheckVersion: 1, Disabled: false }));
      const error = await rejectionOf(
        route53.send(new UpdateHealthCheckCommand({ HealthCheckId: PRIMARY_CHECK, HealthCheckVersion: 1, Inverted: true })),
      );
      expect(error.name).to.equal('HealthCheckVersionMismatch');
      expect(error.$metadata?.httpStatusCode).to.equal(409);
      const { HealthCheck } = await route53.send(new GetHealthCheckCommand({ HealthCheckId: PRIMARY_CHECK }));
      expect(HealthCheck?.HealthCheckVersion).to.equal(2);
      expect(HealthCheck?.HealthCheckConfig?.Inverted).to.equal(false);
      expect(sandbox.calls().at(-2)).to.include({ errorCode: 'HealthCheckVersionMismatch', status: 409, mutating: true });
    });

    it('UpdateHealthCheck rejects a FailureThreshold outside 1–10 with InvalidInput (400)', async () => {
      for (const threshold of [0, 11]) {
        const error = await rejectionOf(
          route53.send(new UpdateHealthCheckCommand({ HealthCheckId: PRIMARY_CHECK, FailureThreshold: threshold })),
        );
        expect(error.name).to.equal('InvalidInput');
        expect(error.message).to.contain('FailureThreshold');
        expect(error.$metadata?.httpStatusCode).to.equal(400);
      }
      const { HealthCheck } = await route53.send(new GetHealthCheckCommand({ HealthCheckId: PRIMARY_CHECK }));
      expect(HealthCheck?.HealthCheckVersion).to.equal(1);
    });

    it('UpdateHealthCheck refuses to point a check outside loopback', async () => {
      const error = await rejectionOf(
        route53.send(new UpdateHealthCheckCommand({ HealthCheckId: PRIMARY_CHECK, IPAddress: '192.0.2.10' })),
      );
      expect(error.name).to.equal('InvalidInput');
      expect(error.message).to.contain('127.0.0.0/8');
    });

    it('UpdateHealthCheck of an unknown id raises NoSuchHealthCheck', async () => {
      const error = await rejectionOf(route53.send(new UpdateHealthCheckCommand({ HealthCheckId: 'hc-nope', Inverted: true })));
      expect(error.name).to.equal('NoSuchHealthCheck');
    });

    it('GetHealthCheckStatus reports one successful observation per checker region once probing starts', async () => {
      const observations = await pollUntil(async () => {
        const { HealthCheckObservations } = await route53.send(new GetHealthCheckStatusCommand({ HealthCheckId: PRIMARY_CHECK }));
        return HealthCheckObservations !== undefined && HealthCheckObservations.length === 8 ? HealthCheckObservations : undefined;
      }, 2000);
      expect(observations.map((o) => o.Region)).to.have.members([
        'us-east-1', 'us-west-1', 'us-west-2', 'eu-west-1', 'ap-southeast-1', 'ap-northeast-1', 'sa-east-1', 'ap-southeast-2',
      ]);
      for (const observation of observations) {
        expect(observation.StatusReport?.Status).to.equal('Success: HTTP Status Code 200, OK');
        expect(observation.StatusReport?.CheckedTime).to.be.instanceOf(Date);
        expect(Math.abs(Date.now() - (observation.StatusReport?.CheckedTime?.getTime() ?? 0))).to.be.below(5000);
        expect(observation.IPAddress).to.match(/^127\./);
      }
    });

    it('GetHealthCheckStatus of an unknown id raises NoSuchHealthCheck', async () => {
      const error = await rejectionOf(route53.send(new GetHealthCheckStatusCommand({ HealthCheckId: 'hc-nope' })));
      expect(error.name).to.equal('NoSuchHealthCheck');
    });
  });

  describe('hosted zone', () => {
    it('GetHostedZone returns the zone with a trailing-dot name and the sandbox DNS as name server', async () => {
      const zone = await route53.send(new GetHostedZoneCommand({ Id: '/hostedzone/Z0DRDRILLSANDBOX' }));
      expect(zone.HostedZone?.Id).to.equal('/hostedzone/Z0DRDRILLSANDBOX');
      expect(zone.HostedZone?.Name).to.equal('drdrill.test.');
      expect(zone.HostedZone?.Config?.PrivateZone).to.equal(false);
      expect(zone.HostedZone?.ResourceRecordSetCount).to.equal(ALL_RECORDS.length);
      expect(zone.DelegationSet?.NameServers).to.deep.equal(['127.0.0.1']);
      expect(zone.DelegationSet?.CallerReference).to.contain(String(sandbox.description.dns.port));
    });

    it('GetHostedZone of an unknown id raises NoSuchHostedZone (404)', async () => {
      const error = await rejectionOf(route53.send(new GetHostedZoneCommand({ Id: 'ZNOPE' })));
      expect(error.name).to.equal('NoSuchHostedZone');
      expect(error.$metadata?.httpStatusCode).to.equal(404);
    });

    it('ListResourceRecordSets returns the apex records and the failover pair tied to their health checks', async () => {
      const page = await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: 'Z0DRDRILLSANDBOX' }));
      expect(page.IsTruncated).to.equal(false);
      const summary = (page.ResourceRecordSets ?? []).map((r) => `${r.Name} ${r.Type} ${r.SetIdentifier ?? ''}`.trim());
      expect(summary).to.deep.equal(ALL_RECORDS.map((r) => r.replace(/\|/g, ' ').trim()));
      const primary = page.ResourceRecordSets?.[3];
      expect(primary).to.deep.include({ Failover: 'PRIMARY', TTL: 1, HealthCheckId: PRIMARY_CHECK });
      expect(primary?.ResourceRecords).to.deep.equal([{ Value: '127.0.0.2' }]);
      expect(page.ResourceRecordSets?.[4]).to.deep.include({ Failover: 'SECONDARY', HealthCheckId: SECONDARY_CHECK });
      expect(page.ResourceRecordSets?.[4]?.ResourceRecords).to.deep.equal([{ Value: '127.0.0.3' }]);
    });

    it('ListResourceRecordSets pages with maxitems and the NextRecord* cursor until every record is seen once', async () => {
      const seen: ResourceRecordSet[] = [];
      let cursor: { StartRecordName?: string; StartRecordType?: RRType; StartRecordIdentifier?: string } = {};
      let pages = 0;
      for (; pages < 10; pages += 1) {
        const page = await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: 'Z0DRDRILLSANDBOX', MaxItems: 2, ...cursor }));
        expect(page.MaxItems).to.equal(2);
        seen.push(...(page.ResourceRecordSets ?? []));
        if (page.IsTruncated !== true) break;
        cursor = {
          StartRecordName: page.NextRecordName,
          StartRecordType: page.NextRecordType,
          ...(page.NextRecordIdentifier === undefined ? {} : { StartRecordIdentifier: page.NextRecordIdentifier }),
        };
      }
      expect(pages).to.equal(Math.ceil(ALL_RECORDS.length / 2) - 1);
      expect(seen.map((r) => `${r.Name}|${r.Type}|${r.SetIdentifier ?? ''}`)).to.deep.equal(ALL_RECORDS);
    });

    it('ListResourceRecordSets starts at the given name, type and identifier', async () => {
      const page = await route53.send(
        new ListResourceRecordSetsCommand({
          HostedZoneId: 'Z0DRDRILLSANDBOX',
          StartRecordName: 'API.drdrill.test.',
          StartRecordType: 'A',
          StartRecordIdentifier: 'api-secondary',
          MaxItems: 1,
        }),
      );
      expect(page.ResourceRecordSets?.map((r) => r.SetIdentifier)).to.deep.equal(['api-secondary']);
      expect(page.IsTruncated).to.equal(true);
      expect(page.NextRecordName).to.equal('api-latency.drdrill.test.');
      expect(page.NextRecordType).to.equal('A');
      expect(page.NextRecordIdentifier).to.equal('api-latency-us-east-1');
    });

    it('ListResourceRecordSets rejects a start type without a start name as InvalidInput', async () => {
      const error = await rejectionOf(
        route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: 'Z0DRDRILLSANDBOX', StartRecordType: 'A' })),
      );
      expect(error.name).to.equal('InvalidInput');
      expect(error.$metadata?.httpStatusCode).to.equal(400);
    });

    it('ListResourceRecordSets of an unknown zone raises NoSuchHostedZone', async () => {
      const error = await rejectionOf(route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: 'ZNOPE' })));
      expect(error.name).to.equal('NoSuchHostedZone');
    });
  });
});
