import { expect } from 'chai';
import { evaluateAssertion } from '../../src/assertions/assertion-spec.ts';
import { checkSteadyState, DEFAULT_STEADY_STATE, steadyStateOptions } from '../../src/assertions/steady-state.ts';
import { between, CONTEXT, PRIMARY_CHECK, RESOLVER_A, SECONDARY, SECONDARY_CHECK, T0, TimelineBuilder, type Answer } from './timeline-builder.ts';

const options = (input: Record<string, unknown> = {}) => steadyStateOptions.parse({ assertion: 'steady-state', ...input });

/** Baseline 0–10 s with a request every 100 ms and a probe every 250 ms, all healthy on the primary. */
function baseline(trafficAt: (at: number) => { status?: number; region?: string; latency?: number } = () => ({}), dnsAt: (at: number) => Answer = () => 'primary'): TimelineBuilder {
  return new TimelineBuilder()
    .phase('baseline', 0)
    .phase('fault', 10_000)
    .health(PRIMARY_CHECK, 100, true)
    .health(SECONDARY_CHECK, 100, true)
    .probes(RESOLVER_A, 0, 10_000, dnsAt)
    .samples(0, 10_000, 100, trafficAt);
}

describe('steady-state assertion', () => {
  it('passes a healthy baseline and says what held', () => {
    const verdict = checkSteadyState(baseline().build(10_000), DEFAULT_STEADY_STATE, CONTEXT);

    expect(verdict.status).to.equal('passed');
    expect(verdict.observed).to.equal('steady: 100.00% success (0 of 100 requests failed); 100.00% on us-east-1; DNS on us-east-1 (40 answers)');
    expect(verdict.window).to.deep.equal({ from: T0, to: T0 + 10_000 });
  });

  it('judges a run still in its baseline up to the time given, as the runner does before injecting', () => {
    const timeline = new TimelineBuilder().phase('baseline', 0).samples(0, 10_000, 100, (at) => (at >= 5000 ? { status: 500 } : {})).build(0);
    timeline.endedAt = 0;

    expect(checkSteadyState(timeline, options({ dnsOnPrimary: false }), CONTEXT, { until: T0 + 5000 }).status).to.equal('passed');
    expect(checkSteadyState(timeline, options({ dnsOnPrimary: false }), CONTEXT, { until: T0 + 10_000 }).status).to.equal('failed');
  });

  it('fails when too many baseline requests fail', () => {
    const verdict = checkSteadyState(baseline((at) => (at < 2000 ? { status: 503 } : {})).build(10_000), DEFAULT_STEADY_STATE, CONTEXT);

    expect(verdict.status).to.equal('failed');
    expect(verdict.observed).to.match(/^not steady over 10 s of baseline: success 80\.00% < 99\.00%/);
  });

  it('fails when traffic is not on the primary', () => {
    const verdict = checkSteadyState(baseline(() => ({ region: SECONDARY })).build(10_000), DEFAULT_STEADY_STATE, CONTEXT);

    expect(verdict.status).to.equal('failed');
    expect(verdict.observed).to.contain('primary share 0.00% < 95.00%');
  });

  it('fails when a resolver answers with the secondary, naming it', () => {
    const verdict = checkSteadyState(baseline(undefined, (at) => (between(at, 4000, 5000) ? 'secondary' : 'primary')).build(10_000), DEFAULT_STEADY_STATE, CONTEXT);

    expect(verdict.status).to.equal('failed');
    expect(verdict.observed).to.contain(`${RESOLVER_A} answered us-west-2`);
  });

  it('fails when a health check is unhealthy, including one that turned unhealthy before the baseline', () => {
    const during = baseline().health(SECONDARY_CHECK, 3000, false).build(10_000);
    expect(checkSteadyState(during, DEFAULT_STEADY_STATE, CONTEXT).observed).to.contain(`health check ${SECONDARY_CHECK} unhealthy`);

    const before = new TimelineBuilder().health(SECONDARY_CHECK, -500, false).phase('baseline', 0).phase('fault', 10_000).samples(0, 10_000, 100, () => ({})).build(10_000);
    expect(checkSteadyState(before, options({ dnsOnPrimary: false }), CONTEXT).observed).to.contain(`health check ${SECONDARY_CHECK} unhealthy`);
  });

  it('fails a baseline without evidence: no requests sampled', () => {
    const timeline = new TimelineBuilder().phase('baseline', 0).phase('fault', 10_000).probes(RESOLVER_A, 0, 10_000, () => 'primary').build(10_000);

    const verdict = checkSteadyState(timeline, DEFAULT_STEADY_STATE, CONTEXT);

    expect(verdict.status).to.equal('failed');
    expect(verdict.observed).to.contain('only 0 requests sampled (need ≥ 1)');
  });

  it('fails on baseline latency when a p99 limit is set', () => {
    const verdict = checkSteadyState(baseline(() => ({ latency: 400 })).build(10_000), options({ maxLatencyP99: '300ms' }), CONTEXT);

    expect(verdict.status).to.equal('failed');
    expect(verdict.observed).to.contain('p99 400 ms > 300 ms');
  });

  it('is errored when the baseline never started', () => {
    expect(checkSteadyState(new TimelineBuilder().build(1), DEFAULT_STEADY_STATE, CONTEXT).status).to.equal('errored');
  });

  it('is dispatched by evaluateAssertion after the run, judging the same window', () => {
    const verdict = evaluateAssertion(baseline().build(10_000), options(), CONTEXT);

    expect(verdict.assertion).to.equal('steady-state');
    expect(verdict.status).to.equal('passed');
    expect(verdict.window).to.deep.equal({ from: T0, to: T0 + 10_000 });
  });

  it('judges a share per region instead of the primary’s for an active-active baseline (minShares)', () => {
    const evenly = baseline((at) => ({ region: at % 200 === 0 ? 'us-east-1' : SECONDARY }), (at) => (at % 500 === 0 ? 'primary' : 'secondary')).build(10_000);
    const shares = options({ minShares: { primary: 40, secondary: 40 }, dnsOnPrimary: false });

    const verdict = checkSteadyState(evenly, shares, CONTEXT);

    expect(verdict.status, verdict.observed).to.equal('passed');
    expect(verdict.observed).to.equal('steady: 100.00% success (0 of 100 requests failed); us-east-1 50.00% (≥ 40.00%), us-west-2 50.00% (≥ 40.00%)');
    expect(verdict.expected).to.equal('≥ 99.00% success and ≥ 40.00% served by us-east-1, ≥ 40.00% served by us-west-2 over ≥ 1 request; health checks healthy');
    // The same baseline fails the default, which wants 95 % on the primary.
    expect(checkSteadyState(evenly, options({ dnsOnPrimary: false }), CONTEXT).observed).to.contain('primary share 50.00% < 95.00%');
    // And a lopsided one fails minShares, naming the region short of its share.
    const lopsided = baseline((at) => ({ region: at % 1000 === 0 ? 'us-east-1' : SECONDARY })).build(10_000);
    expect(checkSteadyState(lopsided, shares, CONTEXT).observed).to.contain('us-east-1 share 10.00% < 40.00%');
  });

  it('refuses minShares next to minPrimaryShare, and a share key that names no region, naming the field', () => {
    const issues = (input: Record<string, unknown>): string[] => {
      const parsed = steadyStateOptions.safeParse({ assertion: 'steady-state', ...input });
      return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    };
    expect(issues({ minShares: { primary: 40 }, minPrimaryShare: 90 })).to.deep.equal(['minShares: expected minShares (a share per region) or minPrimaryShare (the primary\'s), not both']);
    expect(issues({ minShares: { nearest: 40 } })).to.deep.equal(['minShares.nearest: expected a role (primary, secondary, tertiary, …) or an AWS region name such as "us-west-2", got "nearest"']);
  });
});
