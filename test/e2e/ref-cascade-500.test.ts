import { expect } from 'chai';
import type { SandboxEvent } from '../../src/sandbox/sandbox-handle.ts';
import { addressOf, answersFor, figureOf, injectAt, removeDirs, runDrillOnSandbox, verdictNamed, type SandboxDrillRun } from './sandbox-drill-run.ts';

type HealthEvent = Extract<SandboxEvent, { type: 'health-check-status' }>;
type ConcurrencyEvent = Extract<SandboxEvent, { type: 'function-concurrency' }>;

const RECORD = 'api.cascade.drdrill.test';
const HOPS = [
  { fault: 'fail-eu-central-1', from: 'eu-central-1', to: 'eu-west-1', verdict: 'hop 1: DNS moves to eu-west-1', dns: 'dns.convergence@fail-eu-central-1' },
  { fault: 'fail-eu-west-1', from: 'eu-west-1', to: 'eu-west-2', verdict: 'hop 2: DNS moves to eu-west-2', dns: 'dns.convergence.tertiary@fail-eu-west-1' },
  { fault: 'fail-eu-west-2', from: 'eu-west-2', to: 'eu-south-1', verdict: 'hop 3: DNS moves to eu-south-1', dns: 'dns.convergence.quaternary@fail-eu-west-2' },
] as const;

/**
 * ref-cascade-500 run from the CLI on the four-region cascade topology, judged against what the
 * sandbox recorded: when each health check flipped, when its DNS answer moved, when each function
 * was throttled and restored.
 */
describe('ref-cascade-500: a four-region chain failed one region after the other, against the sandbox’s ground truth', function () {
  this.timeout(120_000);
  const dirs: string[] = [];
  let run: SandboxDrillRun;
  before(async () => {
    run = await runDrillOnSandbox('drills/sandbox/ref-cascade-500.drill.ts', 'drills/topologies/cascade-four-regions.ts', dirs);
  });
  after(async () => {
    await run?.sandbox.close();
    await removeDirs(dirs);
  });

  it('passes every verdict: three hops, the last region serving, failback', () => {
    expect(run.code, run.text).to.equal(0);
    for (const verdict of run.record.verdicts) expect(verdict.status, `${verdict.name}: ${verdict.observed}`).to.equal('passed');
    expect(run.record.verdicts.map((v) => v.name)).to.include.members(HOPS.map((hop) => hop.verdict));
  });

  it('injects each next fault only once the sandbox was answering the next region, and times each hop from its own fault as the sandbox switched', () => {
    const { sandbox, record } = run;
    let previousSwitch = record.startedAt;
    for (const hop of HOPS) {
      const from = injectAt(record, hop.fault);
      // The until step waited for traffic on this hop's origin region, which DNS had to answer first.
      expect(from, `${hop.fault} went in after DNS answered ${hop.from}`).to.be.greaterThan(previousSwitch);
      const switched = answersFor(sandbox, RECORD, from).find((event) => event.addresses.includes(addressOf(sandbox, hop.to)));
      if (switched === undefined) throw new Error(`the sandbox never answered ${hop.to} after ${hop.fault}`);
      const truth = switched.at - from;
      expect(verdictNamed(record, hop.verdict).region).to.equal(hop.to);
      // The prober sees the switch on its next probe (100 ms) plus the answer's 1 s TTL at most.
      expect(figureOf(record, hop.dns) - truth, `${hop.fault}: measured DNS convergence vs the sandbox's switch`).to.be.within(-150, 1250);
      expect(figureOf(record, `rto.shift@${hop.fault}`), `${hop.fault}: the RTO's DNS shift is the convergence`).to.equal(figureOf(record, hop.dns));
      // Detection is the failed region's own check turning unhealthy, as the sandbox's checker decided it.
      const flipped = sandbox
        .events()
        .find((event): event is HealthEvent => event.type === 'health-check-status' && event.healthCheckId === `hc-api-${hop.from}` && !event.healthy && event.at >= from);
      if (flipped === undefined) throw new Error(`hc-api-${hop.from} never turned unhealthy after ${hop.fault}`);
      expect(figureOf(record, `rto.detect@${hop.fault}`) - (flipped.at - from), `${hop.fault}: measured detection vs the checker's flip`).to.be.within(-300, 600);
      // Route 53's model: three failed 1 s checks, so no hop is detected in much under 2 s.
      expect(flipped.at - from, `${hop.fault}: detection follows interval × threshold`).to.be.within(1500, 5000);
      previousSwitch = switched.at;
    }
  });

  it('throttles exactly the three regions ahead of eu-south-1, in order, and restores every one', () => {
    const { sandbox, record } = run;
    const changes = sandbox
      .events()
      .filter((event): event is ConcurrencyEvent => event.type === 'function-concurrency' && event.at >= record.startedAt)
      .map((event) => `${event.region} ${event.reservedConcurrency === null ? 'unreserved' : event.reservedConcurrency}`);
    expect(changes).to.deep.equal([
      'eu-central-1 0',
      'eu-west-1 0',
      'eu-west-2 0',
      // Rollback is newest first.
      'eu-west-2 unreserved',
      'eu-west-1 unreserved',
      'eu-central-1 unreserved',
    ]);
  });

  it('fails back all the way: the sandbox’s last answer is eu-central-1, and the failback figure matches its switch', () => {
    const { sandbox, record } = run;
    const rollbacks = record.faults.filter((event) => event.kind === 'rollback').map((event) => event.at);
    // Failback is timed from the last rollback: the chain is restored newest first, so the home region comes back last.
    const revertedAt = Math.max(...rollbacks);
    const answers = answersFor(sandbox, RECORD, revertedAt);
    const home = addressOf(sandbox, 'eu-central-1');
    expect(answers.at(-1)?.addresses).to.deep.equal([home]);
    const back = answers.find((event) => event.addresses.includes(home));
    if (back === undefined) throw new Error('the sandbox never answered eu-central-1 again');
    expect(figureOf(record, 'failback') - (back.at - revertedAt), 'measured failback vs the sandbox').to.be.within(-150, 1250);
    expect(verdictNamed(record, 'Traffic fails back to primary within 8 s').region).to.equal('eu-central-1');
  });
});
