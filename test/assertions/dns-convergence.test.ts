import { expect } from 'chai';
import { evaluateAssertion } from '../../src/assertions/assertion-spec.ts';
import { dnsConvergenceOptions, evaluateDnsConvergence } from '../../src/assertions/dns-convergence.ts';
import {
  between,
  CONTEXT,
  RESOLVER_A,
  RESOLVER_B,
  RESOLVER_C,
  T0,
  TimelineBuilder,
  type Answer,
} from './timeline-builder.ts';

const options = (input: Record<string, unknown> = {}) =>
  dnsConvergenceOptions.parse({ assertion: 'dns-convergence', within: '10s', ...input });

/** Injection at 10 s, rollback at 30 s, run ends at 40 s. */
function drill(): TimelineBuilder {
  return new TimelineBuilder().standardPhases().inject(10_000).rollback(30_000);
}

/** Primary until `switchAt`, secondary until the rollback at 30 s, primary again after. */
const failsOverAt = (switchAt: number) => (at: number): Answer => (between(at, switchAt, 30_000) ? 'secondary' : 'primary');

describe('dns-convergence assertion', () => {
  it('passes when every resolver settles on the secondary in time and reports each time from the injection', () => {
    const timeline = drill()
      .probes(RESOLVER_A, 0, 40_000, failsOverAt(13_500))
      .probes(RESOLVER_B, 0, 40_000, failsOverAt(15_000))
      .build(40_000);

    const verdict = evaluateDnsConvergence(timeline, options(), CONTEXT);

    expect(verdict.status).to.equal('passed');
    expect(verdict.details).to.deep.equal({ [RESOLVER_A]: 3500, [RESOLVER_B]: 5000 });
    expect(verdict.observed).to.equal('all 2 resolvers converged; slowest 5 s (±0.25 s)');
    expect(verdict.expected).to.equal('≤ 10 s');
    expect(verdict.window).to.deep.equal({ from: T0 + 10_000, to: T0 + 15_000 });
    expect(verdict.resolutionMs).to.equal(250);
    expect(verdict.name).to.equal('DNS converges on secondary within 10 s');
    expect(verdict.assertion).to.equal('dns-convergence');
  });

  it('fails and names the slow resolver when one of several takes longer than allowed', () => {
    const timeline = drill()
      .probes(RESOLVER_A, 0, 40_000, failsOverAt(13_500))
      .probes(RESOLVER_B, 0, 40_000, failsOverAt(22_000))
      .build(40_000);

    const verdict = evaluateDnsConvergence(timeline, options(), CONTEXT);

    expect(verdict.status).to.equal('failed');
    expect(verdict.details).to.deep.equal({ [RESOLVER_A]: 3500, [RESOLVER_B]: 12_000 });
    expect(verdict.observed).to.equal(`all 2 resolvers converged; slowest 12 s (±0.25 s); too slow: ${RESOLVER_B} (12 s)`);
    expect(verdict.window).to.deep.equal({ from: T0 + 10_000, to: T0 + 22_000 });
  });

  it('stops counting answers when the undo was sent, not when it returned: a check that follows it at once moves DNS in between', () => {
    // The undo is sent at 29.7 s and returns at 30 s; DNS is back on the primary from 29.75 s.
    const timeline = new TimelineBuilder()
      .standardPhases()
      .inject(10_000)
      .rollback(30_000, 29_700)
      .probes(RESOLVER_A, 0, 40_000, (at) => (between(at, 12_000, 29_750) ? 'secondary' : 'primary'))
      .build(40_000);

    const verdict = evaluateDnsConvergence(timeline, options(), CONTEXT);

    expect(verdict.status, verdict.observed).to.equal('passed');
    expect(verdict.details).to.deep.equal({ [RESOLVER_A]: 2000 });
    // Without the send time, the same answers read as a relapse before the rollback.
    const late = new TimelineBuilder()
      .standardPhases()
      .inject(10_000)
      .rollback(30_000)
      .probes(RESOLVER_A, 0, 40_000, (at) => (between(at, 12_000, 29_750) ? 'secondary' : 'primary'))
      .build(40_000);
    expect(evaluateDnsConvergence(late, options(), CONTEXT).status).to.equal('failed');
  });

  it('ends a fault’s window at the next fault, whatever the send times of the two injections', () => {
    const timeline = new TimelineBuilder()
      .standardPhases()
      .fault('inject', 10_000, 'first', 9_980)
      .fault('inject', 20_000, 'second', 19_980)
      .rollback(30_000)
      .probes(RESOLVER_A, 0, 40_000, (at) => (between(at, 13_000, 20_000) ? 'secondary' : 'primary'))
      .build(40_000);

    const scoped = evaluateAssertion(timeline, dnsConvergenceOptions.parse({ assertion: 'dns-convergence', within: '10s', fault: 'first' }), CONTEXT);

    expect(scoped.status, scoped.observed).to.equal('passed');
    expect(scoped.details).to.deep.equal({ [RESOLVER_A]: 3000 });
  });

  it('counts a convergence exactly at the limit as in time', () => {
    const timeline = drill().probes(RESOLVER_A, 0, 40_000, failsOverAt(20_000)).build(40_000);

    const verdict = evaluateDnsConvergence(timeline, options(), CONTEXT);

    expect(verdict.status).to.equal('passed');
    expect(verdict.details).to.deep.equal({ [RESOLVER_A]: 10_000 });
    expect(verdict.observed).to.equal('1 resolver converged in 10 s (±0.25 s)');
  });

  it('counts only the sustained run when answers flap between regions', () => {
    // Secondary at 11.0–11.5 s, back to primary at 11.75–12.25 s, secondary for good from 12.5 s.
    const flapping = (at: number): Answer =>
      between(at, 11_000, 11_750) || between(at, 12_500, 30_000) ? 'secondary' : 'primary';
    const timeline = drill().probes(RESOLVER_A, 0, 40_000, flapping).build(40_000);

    const verdict = evaluateDnsConvergence(timeline, options(), CONTEXT);

    expect(verdict.status).to.equal('passed');
    expect(verdict.details).to.deep.equal({ [RESOLVER_A]: 2500, flaps: 1 });
    expect(verdict.observed).to.equal(`1 resolver converged in 2.5 s (±0.25 s); flapped 1× (${RESOLVER_A} 1×)`);
  });

  it('fails a resolver that converged and then relapsed to the primary before the rollback', () => {
    const relapse = (at: number): Answer => (between(at, 12_000, 20_000) ? 'secondary' : 'primary');
    const timeline = drill()
      .probes(RESOLVER_A, 0, 40_000, relapse)
      .probes(RESOLVER_B, 0, 40_000, failsOverAt(11_000))
      .build(40_000);

    const verdict = evaluateDnsConvergence(timeline, options(), CONTEXT);

    expect(verdict.status).to.equal('failed');
    expect(verdict.details).to.deep.equal({ [RESOLVER_A]: null, [RESOLVER_B]: 1000, flaps: 1 });
    expect(verdict.observed).to.equal(
      `1 of 2 resolvers converged; slowest 1 s (±0.25 s); never converged: ${RESOLVER_A} (last answered us-east-1); flapped 1× (${RESOLVER_A} 1×)`,
    );
    // Someone never converged, so the evidence runs to the rollback.
    expect(verdict.window).to.deep.equal({ from: T0 + 10_000, to: T0 + 30_000 });
  });

  it('fails with "no answer" for a resolver that only timed out, while others converged', () => {
    const timeline = drill()
      .probes(RESOLVER_A, 0, 40_000, failsOverAt(12_000))
      .probes(RESOLVER_C, 0, 40_000, () => 'TIMEOUT')
      .build(40_000);

    const verdict = evaluateDnsConvergence(timeline, options(), CONTEXT);

    expect(verdict.status).to.equal('failed');
    expect(verdict.details).to.deep.equal({ [RESOLVER_A]: 2000, [RESOLVER_C]: null });
    expect(verdict.observed).to.contain(`never converged: ${RESOLVER_C} (no answer)`);
  });

  it('says no resolver answered when every probe after the injection timed out', () => {
    const timeline = drill()
      .probes(RESOLVER_A, 0, 40_000, (at) => (at < 10_000 ? 'primary' : 'TIMEOUT'))
      .build(40_000);

    const verdict = evaluateDnsConvergence(timeline, options(), CONTEXT);

    expect(verdict.status).to.equal('failed');
    expect(verdict.observed).to.equal('no resolver answered between the injection and the rollback (1 probed)');
    expect(verdict.details).to.deep.equal({ [RESOLVER_A]: null });
  });

  it('lets a timeout pass without breaking a converged run', () => {
    const timeline = drill()
      .probes(RESOLVER_A, 0, 40_000, (at) => (at === 14_000 ? 'TIMEOUT' : failsOverAt(12_000)(at)))
      .build(40_000);

    const verdict = evaluateDnsConvergence(timeline, options(), CONTEXT);

    expect(verdict.details).to.deep.equal({ [RESOLVER_A]: 2000 });
    expect(verdict.status).to.equal('passed');
  });

  it('treats an NXDOMAIN after the switch as leaving the secondary', () => {
    const answers = (at: number): Answer => (at === 14_000 ? 'NXDOMAIN' : failsOverAt(12_000)(at));
    const timeline = drill().probes(RESOLVER_A, 0, 40_000, answers).build(40_000);

    const verdict = evaluateDnsConvergence(timeline, options(), CONTEXT);

    // Sustained from the next probe after the NXDOMAIN: 14.25 s − 10 s.
    expect(verdict.details).to.deep.equal({ [RESOLVER_A]: 4250, flaps: 1 });
  });

  it('does not count answers that still include a primary address', () => {
    const answers = (at: number): Answer => (between(at, 11_000, 12_000) ? 'both' : failsOverAt(12_000)(at));
    const timeline = drill().probes(RESOLVER_A, 0, 40_000, answers).build(40_000);

    const verdict = evaluateDnsConvergence(timeline, options(), CONTEXT);

    expect(verdict.details).to.deep.equal({ [RESOLVER_A]: 2000 });
  });

  it('counts an answer sent exactly at the injection and reads observations in send order', () => {
    const timeline = new TimelineBuilder()
      .inject(10_000)
      .dns(RESOLVER_A, 10_500, 'secondary')
      .dns(RESOLVER_A, 10_000, 'secondary')
      .dns(RESOLVER_A, 9_750, 'primary')
      .build(20_000);

    const verdict = evaluateDnsConvergence(timeline, options(), CONTEXT);

    expect(verdict.details).to.deep.equal({ [RESOLVER_A]: 0 });
  });

  it('without a rollback requires the answers to stay on the secondary to the end of the run', () => {
    const answers = (at: number): Answer => (between(at, 12_000, 35_000) ? 'secondary' : 'primary');
    const timeline = new TimelineBuilder().inject(10_000).probes(RESOLVER_A, 0, 40_000, answers).build(40_000);

    const verdict = evaluateDnsConvergence(timeline, options({ within: '1m' }), CONTEXT);

    expect(verdict.status).to.equal('failed');
    expect(verdict.details).to.deep.equal({ [RESOLVER_A]: null, flaps: 1 });
    expect(verdict.window).to.deep.equal({ from: T0 + 10_000, to: T0 + 40_000 });
  });

  it('can require convergence on the primary instead', () => {
    const timeline = drill().probes(RESOLVER_A, 0, 40_000, (at) => (at < 11_000 ? 'secondary' : 'primary')).build(40_000);

    const verdict = evaluateDnsConvergence(timeline, options({ to: 'primary', within: '2s' }), CONTEXT);

    expect(verdict.status).to.equal('passed');
    expect(verdict.details).to.deep.equal({ [RESOLVER_A]: 1000 });
    expect(verdict.name).to.equal('DNS converges on primary within 2 s');
  });

  it('is errored, saying the fault never went in, when no inject event was recorded', () => {
    const timeline = new TimelineBuilder().probes(RESOLVER_A, 0, 10_000, () => 'primary').build(10_000);

    const verdict = evaluateDnsConvergence(timeline, options(), CONTEXT);

    expect(verdict.status).to.equal('errored');
    expect(verdict.observed).to.match(/^the fault never went in/);
  });

  it('fails with "no resolver answered" when there are no DNS observations at all', () => {
    const timeline = drill().build(40_000);

    const verdict = evaluateDnsConvergence(timeline, options(), CONTEXT);

    expect(verdict.status).to.equal('failed');
    expect(verdict.observed).to.match(/^no resolver answered/);
  });

  it('is errored when the target region has no known address, rather than blaming the resolvers', () => {
    const timeline = drill().probes(RESOLVER_A, 0, 40_000, failsOverAt(12_000)).build(40_000);

    const verdict = evaluateDnsConvergence(timeline, options(), { ...CONTEXT, secondaryRegion: 'eu-west-1' });

    expect(verdict.status).to.equal('errored');
    expect(verdict.observed).to.contain('"eu-west-1"');
  });

  it('uses the drill-given name when there is one', () => {
    const timeline = drill().probes(RESOLVER_A, 0, 40_000, failsOverAt(12_000)).build(40_000);

    const verdict = evaluateDnsConvergence(timeline, options({ name: 'edge flips to Oregon' }), CONTEXT);

    expect(verdict.name).to.equal('edge flips to Oregon');
  });
});
