import { expect } from 'chai';
import { DeleteFunctionConcurrencyCommand, PutFunctionConcurrencyCommand } from '@aws-sdk/client-lambda';
import { GetHealthCheckCommand, ListResourceRecordSetsCommand, UpdateHealthCheckCommand } from '@aws-sdk/client-route-53';
import type { Route53Client } from '@aws-sdk/client-route-53';
import type { Sandbox, SandboxEvent } from '../../src/sandbox/sandbox-handle.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import type { RegionRecordStyle, SandboxTopology } from '../../src/sandbox/topology/topology.ts';
import { addressesOf, lambdaClient, pollUntil, route53Client, udpQuery } from './sandbox-test-kit.ts';

const CHAIN = ['eu-central-1', 'eu-west-1', 'eu-west-2', 'eu-south-1'] as const;
const ADDRESS: Readonly<Record<(typeof CHAIN)[number], string>> = {
  'eu-central-1': '127.0.0.21',
  'eu-west-1': '127.0.0.22',
  'eu-west-2': '127.0.0.23',
  'eu-south-1': '127.0.0.24',
};
const RECORD = 'api.chain.test';

/** Four regions in one failover chain; 10 s × 0.02 = 200 ms per probe, 3 failures flip a check. */
function chainTopology(failoverRecords: RegionRecordStyle): SandboxTopology {
  return {
    accountId: '111122223333',
    timeScale: 0.02,
    hostedZone: { id: 'Z0CHAINTEST', name: 'chain.test' },
    regions: CHAIN.map((name) => ({ name, address: ADDRESS[name] })),
    checkerRegions: ['us-east-1', 'eu-west-1', 'ap-southeast-1'],
    services: [
      {
        name: 'api',
        recordName: RECORD,
        ttl: 1,
        regions: CHAIN,
        healthPath: '/health',
        failoverRecords,
        deployments: CHAIN.map((region) => ({ region, requestInterval: 10, failureThreshold: 3 })),
      },
    ],
  };
}

function dnsAnswers(sandbox: Sandbox, since: number): Extract<SandboxEvent, { type: 'dns-answer' }>[] {
  return sandbox.events().filter((e): e is Extract<SandboxEvent, { type: 'dns-answer' }> => e.type === 'dns-answer' && e.name === RECORD && e.at >= since);
}

/** Waits until the sandbox's own record says the record answers `address`; returns when it switched. */
async function switchedTo(sandbox: Sandbox, address: string, since: number): Promise<number> {
  return pollUntil(async () => dnsAnswers(sandbox, since).find((e) => e.addresses.length === 1 && e.addresses[0] === address)?.at, 5000);
}

async function invert(route53: Route53Client, region: string, inverted: boolean): Promise<number> {
  const id = `hc-api-${region}`;
  const { HealthCheck } = await route53.send(new GetHealthCheckCommand({ HealthCheckId: id }));
  const sentAt = Date.now();
  await route53.send(new UpdateHealthCheckCommand({ HealthCheckId: id, HealthCheckVersion: HealthCheck?.HealthCheckVersion, Inverted: inverted }));
  return sentAt;
}

describe('failover chain across four regions', function () {
  this.timeout(30_000);

  for (const failoverRecords of ['alias', 'records', 'cname'] as const) {
    describe(`with ${failoverRecords} records`, () => {
      let sandbox: Sandbox;
      before(async () => {
        sandbox = await startSandbox({ topology: chainTopology(failoverRecords) });
      });
      after(async () => {
        await sandbox.close();
      });

      it('writes the chain as Route 53 does: each SECONDARY an alias with EvaluateTargetHealth to the next pair, the last pair ending in the last region', async () => {
        const { ResourceRecordSets = [] } = await route53Client(sandbox).send(new ListResourceRecordSetsCommand({ HostedZoneId: 'Z0CHAINTEST' }));
        const chain = ResourceRecordSets.filter((r) => (r.Type === 'A' || r.Type === 'CNAME') && /^api(-chain-\d)?\.chain\.test\.$/.test(r.Name ?? ''));
        const byName = (name: string) => chain.filter((r) => r.Name === name).map((r) => ({ failover: r.Failover, alias: r.AliasTarget?.DNSName, evaluate: r.AliasTarget?.EvaluateTargetHealth, check: r.HealthCheckId }));
        expect(byName('api.chain.test.')).to.deep.include({ failover: 'SECONDARY', alias: 'api-chain-2.chain.test.', evaluate: true, check: undefined });
        expect(byName('api-chain-2.chain.test.')).to.deep.include({ failover: 'SECONDARY', alias: 'api-chain-3.chain.test.', evaluate: true, check: undefined });
        const last = byName('api-chain-3.chain.test.');
        expect(last.find((r) => r.failover === 'PRIMARY')?.check).to.equal('hc-api-eu-west-2');
        expect(last.find((r) => r.failover === 'SECONDARY')?.check).to.equal('hc-api-eu-south-1');
        expect(chain).to.have.length(6);
      });

      it('answers region 3 when regions 1 and 2 fail, region 4 when 3 fails too, region 1 when all four fail (as if all were healthy), and region 1 once it heals (UpdateHealthCheck Inverted)', async () => {
        const route53 = route53Client(sandbox);
        const start = Date.now();
        expect(addressesOf(await udpQuery(sandbox, RECORD))).to.deep.equal([ADDRESS['eu-central-1']]);

        const hops: { readonly to: string; readonly ms: number }[] = [];
        const hop = async (region: string, inverted: boolean, expected: string): Promise<void> => {
          const sentAt = await invert(route53, region, inverted);
          const at = await switchedTo(sandbox, expected, sentAt);
          hops.push({ to: expected, ms: at - sentAt });
          // What a client asks after the switch matches the ground truth.
          const reply = await udpQuery(sandbox, RECORD);
          expect(addressesOf(reply)).to.deep.equal([expected]);
          if (failoverRecords === 'cname') {
            // The answer names the region: a CNAME to its regional API Gateway domain.
            const region = CHAIN.find((r) => ADDRESS[r] === expected) ?? '';
            const cnames = (reply.answers ?? []).flatMap((a) => (a.type === 'CNAME' ? [a.data] : []));
            expect(cnames).to.have.length(1);
            expect(cnames[0]).to.match(new RegExp(`^d-[0-9a-f]{10}\\.execute-api\\.${region}\\.amazonaws\\.com$`));
          }
        };
        await hop('eu-central-1', true, ADDRESS['eu-west-1']);
        await hop('eu-west-1', true, ADDRESS['eu-west-2']);
        await hop('eu-west-2', true, ADDRESS['eu-south-1']);
        // Every pair below the top is unhealthy, so the top SECONDARY alias (EvaluateTargetHealth)
        // is too, and Route 53 answers the top pair as if both were healthy: its PRIMARY.
        await hop('eu-south-1', true, ADDRESS['eu-central-1']);
        await hop('eu-south-1', false, ADDRESS['eu-south-1']);
        await hop('eu-central-1', false, ADDRESS['eu-central-1']);
        // Each hop needs three failed (or passed) probes 200 ms apart: never faster than two intervals.
        for (const h of hops) expect(h.ms, `switch to ${h.to}`).to.be.at.least(400);
        console.log(`      hops (${failoverRecords}): ${hops.map((h) => `${h.to} after ${h.ms} ms`).join(', ')}`);

        for (const region of ['eu-west-1', 'eu-west-2']) await invert(route53, region, false);
        const answers = dnsAnswers(sandbox, start).map((e) => e.addresses[0]);
        // Never an answer outside the chain's order: no hop skipped back to a failed region.
        expect(answers).to.deep.equal([
          ADDRESS['eu-west-1'],
          ADDRESS['eu-west-2'],
          ADDRESS['eu-south-1'],
          ADDRESS['eu-central-1'],
          ADDRESS['eu-south-1'],
          ADDRESS['eu-central-1'],
        ]);
      });
    });
  }

  it('moves hop by hop when the first two regions\' functions answer 500 one after the other (throttled Lambda)', async () => {
    const sandbox = await startSandbox({ topology: chainTopology('alias') });
    try {
      const start = Date.now();
      for (const [region, next] of [['eu-central-1', 'eu-west-1'], ['eu-west-1', 'eu-west-2']] as const) {
        await lambdaClient(sandbox, region).send(new PutFunctionConcurrencyCommand({ FunctionName: 'api-handler', ReservedConcurrentExecutions: 0 }));
        await switchedTo(sandbox, ADDRESS[next], start);
      }
      expect(addressesOf(await udpQuery(sandbox, RECORD))).to.deep.equal([ADDRESS['eu-west-2']]);
      const restoredAt = Date.now();
      await lambdaClient(sandbox, 'eu-central-1').send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'api-handler' }));
      await switchedTo(sandbox, ADDRESS['eu-central-1'], restoredAt);
      expect(dnsAnswers(sandbox, start).map((e) => e.addresses[0])).to.deep.equal([ADDRESS['eu-west-1'], ADDRESS['eu-west-2'], ADDRESS['eu-central-1']]);
    } finally {
      await sandbox.close();
    }
  });
});
