import { expect } from 'chai';
import type { SandboxEvent } from '../../src/sandbox/sandbox-handle.ts';
import { addressOf, answersFor, figureOf, injectAt, removeDirs, runDrillOnSandbox, verdictNamed, type SandboxDrillRun } from './sandbox-drill-run.ts';

type RoutingControlEvent = Extract<SandboxEvent, { type: 'routing-control' }>;

/**
 * ref-per-service-arc run from the CLI as CI runs it (`--approve all`) on its topology: a shared API
 * forwarding /service1 and /service2 to per-service failover pairs guarded by ARC routing controls,
 * and an ARC cluster whose first endpoint is down. Judged against the sandbox's record of its
 * routing controls, its DNS answers and every call its ARC endpoints answered.
 */
describe('ref-per-service-arc: one service failed over behind a shared API, against the sandbox’s ground truth', function () {
  this.timeout(120_000);
  const dirs: string[] = [];
  let run: SandboxDrillRun;
  before(async () => {
    run = await runDrillOnSandbox('drills/sandbox/ref-per-service-arc.drill.ts', 'drills/topologies/per-service-arc.ts', dirs, { args: ['--approve', 'all'] });
  });
  after(async () => {
    await run?.sandbox.close();
    await removeDirs(dirs);
  });

  it('passes every verdict, service1 judged through the shared API, service2 and the shared API on us-east-1', () => {
    expect(run.code, run.text).to.equal(0);
    for (const verdict of run.record.verdicts) expect(verdict.status, `${verdict.name}: ${verdict.observed}`).to.equal('passed');
    expect(verdictNamed(run.record, 'service2 never leaves us-east-1')).to.include({ service: 'service2', region: 'us-east-1' });
    expect(verdictNamed(run.record, 'the shared API never leaves us-east-1')).to.include({ service: 'shared-api', region: 'us-east-1' });
    expect(verdictNamed(run.record, 'service1 served from us-west-2 through the shared API')).to.include({ service: 'service1', region: 'us-west-2' });
  });

  it('flips only service1’s us-east-1 routing control, Off after the first approval and On after the second', () => {
    const { sandbox, record } = run;
    const service1East = sandbox.description.resources.services.find((s) => s.name === 'service1')?.deployments.find((d) => d.region === 'us-east-1')?.routingControlArn;
    const flips = sandbox.events().filter((event): event is RoutingControlEvent => event.type === 'routing-control');
    expect(flips.map((event) => `${event.routingControlArn === service1East ? 'service1 us-east-1' : event.routingControlArn} ${event.state}`)).to.deep.equal([
      'service1 us-east-1 Off',
      'service1 us-east-1 On',
    ]);
    const approvals = record.approvals ?? [];
    expect(approvals.map((approval) => `${approval.step} ${approval.via}`)).to.deep.equal(['fail-over-service1 flag', 'fail-back flag']);
    const [off, on] = flips;
    expect(approvals[0]?.at, 'approved before the flip').to.be.at.most(off?.at ?? 0);
    expect(approvals[1]?.at, 'approved before the flip back').to.be.at.most(on?.at ?? 0);
    expect(approvals[1]?.at, 'the second question came after the first flip').to.be.greaterThan(off?.at ?? Number.POSITIVE_INFINITY);
  });

  it('reaches the ARC cluster through its endpoints: every call refused by the down us-east-1 endpoint, then made through us-west-2', () => {
    const calls = run.sandbox.calls().filter((call) => call.service === 'route53-recovery-cluster');
    const down = calls.filter((call) => call.path.startsWith('/arc-cluster/us-east-1/'));
    const served = calls.filter((call) => !call.path.startsWith('/arc-cluster/us-east-1/'));
    expect(down.length, 'the down endpoint was tried').to.be.greaterThan(0);
    for (const call of down) expect(`${call.status} ${call.errorCode ?? ''}`).to.equal('503 EndpointTemporarilyUnavailableException');
    // Tried in order: the next endpoint answered, so the ones after it were never needed.
    expect(new Set(served.map((call) => `${call.path} ${call.status}`))).to.deep.equal(new Set(['/arc-cluster/us-west-2/v1/ 200']));
    expect(served.filter((call) => call.operation === 'UpdateRoutingControlState').length, 'one flip and one flip back').to.equal(2);
    expect(down.length).to.equal(served.length);
  });

  it('moves service1’s DNS to us-west-2 and back as the sandbox switched, and never answers us-west-2 for service2 or the shared API', () => {
    const { sandbox, record } = run;
    const west = addressOf(sandbox, 'us-west-2');
    const east = addressOf(sandbox, 'us-east-1');
    const from = injectAt(record, 'service1-off');
    const service1 = answersFor(sandbox, 'service1.arc.drdrill.test', record.startedAt);
    const moved = service1.find((event) => event.at >= from && event.addresses.includes(west));
    if (moved === undefined) throw new Error('the sandbox never answered us-west-2 for service1');
    // The prober sees the switch on its next probe (100 ms) plus the answer's 1 s TTL at most.
    expect(figureOf(record, 'dns.convergence') - (moved.at - from), 'measured convergence vs the sandbox switch').to.be.within(-150, 1250);
    expect(service1.at(-1)?.addresses, 'service1 ends on us-east-1').to.deep.equal([east]);
    // The headline RTO's DNS shift is service1's too, not "never" for the services that stayed.
    expect(figureOf(record, 'rto.shift'), 'the default RTO reads the drill’s own service').to.equal(figureOf(record, 'dns.convergence'));
    for (const name of ['service2.arc.drdrill.test', 'api.arc.drdrill.test']) {
      expect(answersFor(sandbox, name, record.startedAt).some((event) => event.addresses.includes(west)), name).to.equal(false);
    }
    // What the drill saw says the same: service2's and the shared API's probes only ever read us-east-1.
    for (const service of ['service2', 'shared-api']) {
      expect(new Set(record.dns.filter((o) => o.service === service).flatMap((o) => o.regions ?? [])), service).to.deep.equal(new Set(['us-east-1']));
    }
  });
});
