import { expect } from 'chai';
import { GetHostedZoneCommand } from '@aws-sdk/client-route-53';
import { queryA } from '../../src/net/dns-query.ts';
import { route53Client } from '../sandbox/sandbox-test-kit.ts';
import { addressOf, figureOf, injectAt, removeDirs, runDrillOnSandbox, verdictNamed, type DnsAnswerEvent, type SandboxDrillRun } from './sandbox-drill-run.ts';

const RECORD = 'api.internal.drdrill.test';

/**
 * Reference drill 2 (a private REST API behind latency records in a private hosted zone, checks
 * bound to CloudWatch alarms, clients in a VPC per region), run from the CLI and held against the
 * sandbox's record of what its DNS answered each VPC's resolver, and when.
 */
describe('ref-private-latency-invert, against the sandbox’s ground truth', function () {
  this.timeout(120_000);
  const dirs: string[] = [];
  let run: SandboxDrillRun;
  before(async () => {
    run = await runDrillOnSandbox('drills/sandbox/ref-private-latency-invert.drill.ts', 'drills/topologies/private-latency-invert.ts', dirs);
  });
  after(async () => {
    await run?.sandbox.close();
    await removeDirs(dirs);
  });

  it('passes every verdict, one per vantage point', () => {
    expect(run.code, run.text).to.equal(0);
    for (const verdict of run.record.verdicts) expect(verdict.status, `${verdict.name}: ${verdict.observed}`).to.equal('passed');
    expect(verdictNamed(run.record, 'clients in the us-west-2 VPC come back to us-west-2').region).to.equal('us-west-2');
  });

  it('moves only the us-west-2 VPC’s clients, to us-east-1 and back, as the sandbox answered them', () => {
    const { sandbox, record } = run;
    const from = injectAt(record, 'invert-us-west-2');
    const answers = (clientRegion: string): DnsAnswerEvent[] =>
      sandbox.events().filter((event): event is DnsAnswerEvent => event.type === 'dns-answer' && event.name === RECORD && event.clientRegion === clientRegion && event.at >= from - 100);
    expect(answers('us-west-2').map((event) => event.addresses)).to.deep.equal([[addressOf(sandbox, 'us-east-1')], [addressOf(sandbox, 'us-west-2')]]);
    expect(answers('us-east-1')).to.deep.equal([]);
    // What each vantage point saw says the same.
    const seen = (vantage: string): Set<string> => new Set(record.dns.filter((o) => o.vantage === vantage && o.at >= from).flatMap((o) => o.regions ?? []));
    expect(seen('vpc-us-west-2')).to.deep.equal(new Set(['us-east-1', 'us-west-2']));
    expect(seen('vpc-us-east-1')).to.deep.equal(new Set(['us-east-1']));
    // An alarm-bound check flips with the call: the measured move is the prober's resolution (100 ms) away from the sandbox's.
    const [moved, back] = answers('us-west-2').map((event) => event.at) as [number, number];
    expect(figureOf(record, 'dns.convergence.us-east-1{vpc-us-west-2}') - (moved - from)).to.be.within(-150, 150);
    const rollback = record.faults.find((event) => event.kind === 'rollback');
    const sent = rollback?.startedAt ?? Number.NaN;
    expect(back - sent, 'the sandbox switched back after the undo was sent').to.be.at.least(0);
    expect(figureOf(record, 'failback{vpc-us-west-2}') - (back - (rollback?.at ?? Number.NaN))).to.be.within(-150, 150);
  });

  it('is a private zone: listed with its VPCs, answered inside them, refused anywhere else', async () => {
    const { sandbox } = run;
    const zone = await route53Client(sandbox).send(new GetHostedZoneCommand({ Id: 'Z0DRDRILLPRIVATE' }));
    expect(zone.HostedZone?.Config?.PrivateZone).to.equal(true);
    expect(zone.VPCs?.map((vpc) => vpc.VPCRegion)).to.deep.equal(['us-east-1', 'us-west-2']);
    const server = `${sandbox.description.dns.host}:${sandbox.description.dns.port}`;
    const inside = await queryA(server, RECORD, { timeoutMs: 1000, sourceAddress: '127.0.0.156' });
    expect(inside.addresses).to.deep.equal([addressOf(sandbox, 'us-west-2')]);
    const outside = await queryA(server, RECORD, { timeoutMs: 1000, sourceAddress: '127.0.0.157' });
    expect(outside.rcode).to.equal('REFUSED');
  });
});
