import { expect } from 'chai';
import { evaluateFailback, failbackOptions } from '../../src/assertions/failback.ts';
import {
  between,
  CONTEXT,
  PRIMARY,
  RESOLVER_A,
  RESOLVER_B,
  RESOLVER_C,
  SECONDARY,
  T0,
  TimelineBuilder,
  type Answer,
} from './timeline-builder.ts';

const options = (input: Record<string, unknown> = {}) =>
  failbackOptions.parse({ assertion: 'failback', within: '10s', ...input });

/** Secondary from 11 s until `backAt`, primary otherwise. */
const failsBackAt = (backAt: number) => (at: number): Answer => (between(at, 11_000, backAt) ? 'secondary' : 'primary');

/**
 * Injection at 10 s, rollback at 30 s, end at 40 s. Resolver A is back on the primary at 31 s,
 * B at 32.5 s. A request every 100 ms, served by the secondary from 11 s to 32 s; the final
 * 3 s (37.0–39.9 s) hold 30 requests.
 */
function drill(trafficAt: (at: number) => { status?: number; region?: string; error?: string } = () => ({})): TimelineBuilder {
  return new TimelineBuilder()
    .standardPhases()
    .inject(10_000)
    .rollback(30_000)
    .probes(RESOLVER_A, 0, 40_000, failsBackAt(31_000))
    .probes(RESOLVER_B, 0, 40_000, failsBackAt(32_500))
    .samples(0, 40_000, 100, (at) => ({ region: between(at, 11_000, 32_000) ? SECONDARY : PRIMARY, ...trafficAt(at) }));
}

describe('failback assertion', () => {
  it('passes when DNS returns to the primary in time and the final requests are all healthy on the primary', () => {
    const verdict = evaluateFailback(drill().build(40_000), options(), CONTEXT);

    expect(verdict.status).to.equal('passed');
    expect(verdict.details).to.deep.equal({
      [RESOLVER_A]: 1000,
      [RESOLVER_B]: 2500,
      dnsFailedBack: true,
      finalWindowMs: 3000,
      finalRequests: 30,
      finalErrors: 0,
      finalHealthyOnPrimary: 30,
      trafficFailedBack: true,
    });
    expect(verdict.observed).to.equal(
      'DNS: all 2 resolvers converged; slowest 2.5 s (±0.25 s); last 3 s: 30 of 30 requests served by us-east-1 without error',
    );
    expect(verdict.expected).to.equal(
      'DNS back on primary ≤ 10 s after rollback; last 3 s all requests served by us-east-1 without errors',
    );
    expect(verdict.window).to.deep.equal({ from: T0 + 30_000, to: T0 + 40_000 });
    expect(verdict.resolutionMs).to.equal(250);
    expect(verdict.name).to.equal('Traffic fails back to primary within 10 s');
  });

  it('fails when clients keep being served by the secondary at the end although DNS failed back', () => {
    // Kept-alive connections stay on the secondary from 38 s on: 20 of the last 30 requests.
    const timeline = drill((at) => (at >= 38_000 ? { region: SECONDARY } : {})).build(40_000);

    const verdict = evaluateFailback(timeline, options(), CONTEXT);

    expect(verdict.status).to.equal('failed');
    expect(verdict.details).to.include({
      dnsFailedBack: true,
      trafficFailedBack: false,
      finalRequests: 30,
      finalHealthyOnPrimary: 10,
      [`finalServedBy ${SECONDARY}`]: 20,
    });
    expect(verdict.observed).to.contain('last 3 s: 10 of 30 requests served by us-east-1 without error; 20 by us-west-2');
  });

  it('fails when a request in the final window errors, even on the primary', () => {
    const timeline = drill((at) => (at === 39_000 ? { status: 502 } : {})).build(40_000);

    const verdict = evaluateFailback(timeline, options(), CONTEXT);

    expect(verdict.status).to.equal('failed');
    expect(verdict.details).to.include({ finalErrors: 1, finalHealthyOnPrimary: 29, trafficFailedBack: false });
    expect(verdict.observed).to.contain('29 of 30 requests served by us-east-1 without error; 1 error');
  });

  it('fails when a resolver takes longer than allowed to return to the primary', () => {
    const verdict = evaluateFailback(drill().build(40_000), options({ within: '2s' }), CONTEXT);

    expect(verdict.status).to.equal('failed');
    expect(verdict.details).to.include({ [RESOLVER_A]: 1000, [RESOLVER_B]: 2500, dnsFailedBack: false, trafficFailedBack: true });
    expect(verdict.observed).to.contain(`too slow: ${RESOLVER_B} (2.5 s)`);
  });

  it('times failback from the sustained return when a resolver relapses to the secondary after the rollback', () => {
    const relapse = (at: number): Answer => (between(at, 11_000, 31_000) || between(at, 36_000, 37_000) ? 'secondary' : 'primary');
    const timeline = new TimelineBuilder()
      .inject(10_000)
      .rollback(30_000)
      .probes(RESOLVER_A, 0, 40_000, relapse)
      .samples(37_000, 40_000, 100, () => ({}))
      .build(40_000);

    expect(evaluateFailback(timeline, options(), CONTEXT).details).to.include({ [RESOLVER_A]: 7000, dnsFailedBack: true });
    expect(evaluateFailback(timeline, options({ within: '5s' }), CONTEXT).status).to.equal('failed');
  });

  it('fails a resolver that never answers after the rollback', () => {
    const timeline = drill()
      .probes(RESOLVER_C, 0, 40_000, (at) => (at < 30_000 ? 'secondary' : 'TIMEOUT'))
      .build(40_000);

    const verdict = evaluateFailback(timeline, options(), CONTEXT);

    expect(verdict.status).to.equal('failed');
    expect(verdict.details).to.include({ [RESOLVER_C]: null, dnsFailedBack: false });
    expect(verdict.observed).to.contain(`never converged: ${RESOLVER_C} (no answer)`);
  });

  it('times from the last rollback when there were several', () => {
    const timeline = drill().rollback(32_000).build(40_000);

    const verdict = evaluateFailback(timeline, options(), CONTEXT);

    // A answers primary at 32.0 s itself; B from 32.5 s.
    expect(verdict.details).to.include({ [RESOLVER_A]: 0, [RESOLVER_B]: 500 });
    expect(verdict.window).to.deep.equal({ from: T0 + 32_000, to: T0 + 40_000 });
  });

  it('honours a custom final window', () => {
    // Secondary until 38.5 s: the last 1 s (39.0–39.9 s) is clean, the last 3 s is not.
    const timeline = drill((at) => (at < 38_500 && at >= 37_000 ? { region: SECONDARY } : {})).build(40_000);

    expect(evaluateFailback(timeline, options({ finalWindow: '1s' }), CONTEXT).details).to.include({
      finalRequests: 10,
      finalHealthyOnPrimary: 10,
      trafficFailedBack: true,
    });
    expect(evaluateFailback(timeline, options(), CONTEXT).status).to.equal('failed');
  });

  it('is errored when no request was sampled in the final window and DNS failed back', () => {
    const timeline = new TimelineBuilder()
      .inject(10_000)
      .rollback(30_000)
      .probes(RESOLVER_A, 0, 40_000, failsBackAt(31_000))
      .samples(0, 35_000, 100, () => ({}))
      .build(40_000);

    const verdict = evaluateFailback(timeline, options(), CONTEXT);

    expect(verdict.status).to.equal('errored');
    expect(verdict.observed).to.contain('last 3 s: no requests were sampled, so traffic failback is unproven');
    expect(verdict.details).to.include({ finalRequests: 0, dnsFailedBack: true, trafficFailedBack: false });
  });

  it('fails with "no resolver answered" when there are no DNS observations', () => {
    const timeline = new TimelineBuilder().inject(10_000).rollback(30_000).samples(0, 40_000, 100, () => ({})).build(40_000);

    const verdict = evaluateFailback(timeline, options(), CONTEXT);

    expect(verdict.status).to.equal('failed');
    expect(verdict.observed).to.match(/^DNS: no resolver answered/);
  });

  it('is errored when no rollback event was recorded', () => {
    const timeline = new TimelineBuilder().inject(10_000).probes(RESOLVER_A, 0, 40_000, () => 'primary').build(40_000);

    const verdict = evaluateFailback(timeline, options(), CONTEXT);

    expect(verdict.status).to.equal('errored');
    expect(verdict.observed).to.equal('no rollback event was recorded, so there was no failback to time');
  });

  it('says the rollback failed when only a rollback-failed event was recorded', () => {
    const timeline = new TimelineBuilder().inject(10_000).fault('rollback-failed', 30_000).build(40_000);

    const verdict = evaluateFailback(timeline, options(), CONTEXT);

    expect(verdict.status).to.equal('errored');
    expect(verdict.observed).to.match(/^the rollback failed/);
  });

  it('defaults the final window to 3 s', () => {
    expect(options().finalWindow).to.equal(3000);
    expect(options({ finalWindow: '500ms' }).finalWindow).to.equal(500);
  });
});
