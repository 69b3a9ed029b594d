import { expect } from 'chai';
import { addressOf, dnsSwitchedAt, figureOf, injectAt, removeDirs, runDrillOnSandbox, verdictNamed, type DnsAnswerEvent, type SandboxDrillRun } from './sandbox-drill-run.ts';

/**
 * The drills of several regions and services, each run from the CLI on a sandbox started from its
 * own topology (as `sandbox.topology` in the drill asks), judged against the sandbox's record of
 * what its DNS answered and when.
 */
describe('drills over more than two regions and several services, against the sandbox’s ground truth', function () {
  this.timeout(180_000);
  const dirs: string[] = [];
  after(() => removeDirs(dirs));

  const runOn = (drill: string, topology: string | undefined): Promise<SandboxDrillRun> => runDrillOnSandbox(drill, topology, dirs);

  it('cascade-four-regions: traffic moves hop by hop, each hop timed from its own fault as the sandbox switched, and all of it comes back', async () => {
    const { sandbox, record, code, text } = await runOn('drills/sandbox/cascade-four-regions.drill.ts', 'drills/topologies/cascade-four-regions.ts');
    try {
      expect(code, text).to.equal(0);
      expect(record.environment.regions).to.deep.equal(['eu-central-1', 'eu-west-1', 'eu-west-2', 'eu-south-1']);
      expect(record.environment.services?.['api']).to.deep.equal({ routing: 'failover', regions: ['eu-central-1', 'eu-west-1', 'eu-west-2', 'eu-south-1'] });
      const name = 'api.cascade.drdrill.test';
      const hops = [
        { fault: 'fail-eu-central-1', to: 'eu-west-1', verdict: 'hop 1: DNS moves to eu-west-1', figure: 'dns.convergence@fail-eu-central-1' },
        { fault: 'fail-eu-west-1', to: 'eu-west-2', verdict: 'hop 2: DNS moves to eu-west-2', figure: 'dns.convergence.tertiary@fail-eu-west-1' },
      ];
      for (const hop of hops) {
        const verdict = verdictNamed(record, hop.verdict);
        expect(verdict.status).to.equal('passed');
        expect(verdict.region).to.equal(hop.to);
        const from = injectAt(record, hop.fault);
        const truth = dnsSwitchedAt(sandbox, name, addressOf(sandbox, hop.to), from - 1000) - from;
        // The prober sees the switch on its next probe (100 ms) plus the answer's 1 s TTL at most.
        expect(figureOf(record, hop.figure) - truth, `${hop.fault}: measured vs the sandbox's switch`).to.be.within(-150, 1250);
      }
      // Nothing ever answered the last region: two failures move traffic two hops, not three.
      expect(sandbox.events().some((event) => event.type === 'dns-answer' && event.name === name && event.addresses.includes(addressOf(sandbox, 'eu-south-1')))).to.equal(false);
      expect(verdictNamed(record, 'Traffic fails back to primary within 6 s').region).to.equal('eu-central-1');
    } finally {
      await sandbox.close();
    }
  });

  it('latency-three-regions: only the vantage point eu-west-1 served moves, and it comes back', async () => {
    const { sandbox, record, code, text } = await runOn('drills/sandbox/latency-three-regions.drill.ts', 'drills/topologies/latency-three-regions.ts');
    try {
      expect(code, text).to.equal(0);
      const name = 'api.latency.drdrill.test';
      const from = injectAt(record, 'invert-eu-west-1');
      const answers = (clientRegion: string): DnsAnswerEvent[] =>
        sandbox.events().filter((event): event is DnsAnswerEvent => event.type === 'dns-answer' && event.name === name && event.clientRegion === clientRegion && event.at >= from);
      // Ground truth: the sandbox moved eu-west-1's clients to us-east-1 and back, and no one else.
      expect(answers('eu-west-1').map((event) => event.addresses)).to.deep.equal([[addressOf(sandbox, 'us-east-1')], [addressOf(sandbox, 'eu-west-1')]]);
      expect(answers('us-east-1')).to.deep.equal([]);
      expect(answers('ap-southeast-1')).to.deep.equal([]);
      // What the drill saw from each vantage point says the same.
      const seen = (vantage: string): Set<string> => new Set(record.dns.filter((o) => o.vantage === vantage && o.at >= from).flatMap((o) => o.regions ?? []));
      expect(seen('clients-eu-west-1')).to.deep.equal(new Set(['us-east-1', 'eu-west-1']));
      expect(seen('clients-us-east-1')).to.deep.equal(new Set(['us-east-1']));
      expect(seen('clients-ap-southeast-1')).to.deep.equal(new Set(['ap-southeast-1']));
      expect(verdictNamed(record, 'clients in eu-west-1 move to us-east-1').status).to.equal('passed');
      expect(verdictNamed(record, 'clients in eu-west-1 come back to eu-west-1').region).to.equal('eu-west-1');
    } finally {
      await sandbox.close();
    }
  });

  it('per-service-isolation: service1 moves while service2 never leaves its primary, in one run', async () => {
    const { sandbox, record, code, text } = await runOn('drills/sandbox/per-service-isolation.drill.ts', undefined);
    try {
      expect(code, text).to.equal(0);
      const from = record.phases.find((mark) => mark.phase === 'baseline')?.at ?? Number.NaN;
      const secondary = addressOf(sandbox, 'us-west-2');
      const answered = (service: string): DnsAnswerEvent[] =>
        sandbox.events().filter((event): event is DnsAnswerEvent => event.type === 'dns-answer' && event.name === `${service}.drdrill.test` && event.at >= from);
      expect(answered('service1').some((event) => event.addresses.includes(secondary))).to.equal(true);
      expect(answered('service2').some((event) => event.addresses.includes(secondary))).to.equal(false);
      // Both services were loaded and judged in their own right.
      expect(Object.keys(record.environment.services ?? {})).to.deep.equal(['service1', 'service2']);
      const servedBy = (service: string): Set<string> => new Set(record.verdicts.filter((v) => v.service === service).map((v) => v.region ?? ''));
      expect(servedBy('service2')).to.include('us-east-1');
      expect(servedBy('service1')).to.include('us-west-2');
    } finally {
      await sandbox.close();
    }
  });
});
