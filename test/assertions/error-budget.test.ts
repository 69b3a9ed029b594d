import { expect } from 'chai';
import { errorBudgetOptions, evaluateErrorBudget } from '../../src/assertions/error-budget.ts';
import { between, T0, TimelineBuilder } from './timeline-builder.ts';

const options = (input: Record<string, unknown>) => errorBudgetOptions.parse({ assertion: 'error-budget', ...input });

/**
 * One request every 100 ms for 40 s (400 requests, 100 in the fault phase 10–20 s). Requests
 * started in 12.0–14.3 s get a 500: 24 errors, then the success at 14.4 s ends a 2.4 s outage.
 */
function outageDrill(): TimelineBuilder {
  return new TimelineBuilder()
    .standardPhases()
    .samples(0, 40_000, 100, (at) => (between(at, 12_000, 14_400) ? { status: 500 } : {}));
}

describe('error-budget assertion', () => {
  it('passes a clean phase and reports zero errors and no outage', () => {
    const verdict = evaluateErrorBudget(outageDrill().build(40_000), options({ phase: 'baseline', maxErrorRate: 0 }));

    expect(verdict.status).to.equal('passed');
    expect(verdict.observed).to.equal('0.00% errors (0 of 100 requests); no outage');
    expect(verdict.expected).to.equal('error rate ≤ 0.00%');
    expect(verdict.window).to.deep.equal({ from: T0, to: T0 + 10_000 });
    expect(verdict.details).to.include({ requests: 100, errors: 0, longestOutageMs: 0, longestOutageStartedAt: null });
  });

  it('fails a phase whose error rate exceeds the budget and reports rate, outage and status classes', () => {
    const verdict = evaluateErrorBudget(outageDrill().build(40_000), options({ phase: 'fault', maxErrorRate: 5 }));

    expect(verdict.status).to.equal('failed');
    expect(verdict.observed).to.equal('24.00% errors (24 of 100 requests); longest outage 2.4 s');
    expect(verdict.window).to.deep.equal({ from: T0 + 10_000, to: T0 + 20_000 });
    expect(verdict.details).to.deep.equal({
      requests: 100,
      errors: 24,
      errorRatePercent: 24,
      longestOutageMs: 2400,
      longestOutageStartedAt: T0 + 12_000,
      'errors 5xx': 24,
      'errors 4xx': 0,
      'status 2xx': 76,
      'status 5xx': 24,
      'latency p50 ms': 20,
      'latency p90 ms': 20,
      'latency p95 ms': 20,
      'latency p99 ms': 20,
      'latency p999 ms': 20,
      'latency max ms': 20,
    });
    expect(verdict.name).to.equal('Error rate ≤ 5.00% in phase fault');
  });

  it('judges the whole run by default and passes when both rate and outage are within budget', () => {
    const verdict = evaluateErrorBudget(outageDrill().build(40_000), options({ maxErrorRate: 10, maxOutage: '3s' }));

    expect(verdict.status).to.equal('passed');
    expect(verdict.observed).to.equal('6.00% errors (24 of 400 requests); longest outage 2.4 s');
    expect(verdict.expected).to.equal('error rate ≤ 10.00%; longest outage ≤ 3 s');
    expect(verdict.window).to.deep.equal({ from: T0, to: T0 + 40_000 });
    expect(verdict.name).to.equal('Error rate ≤ 10.00% and outages ≤ 3 s over the whole run');
  });

  it('fails on the outage alone when the rate is fine but the errors came in one long run', () => {
    const verdict = evaluateErrorBudget(outageDrill().build(40_000), options({ maxErrorRate: 10, maxOutage: '2s' }));

    expect(verdict.status).to.equal('failed');
    expect(verdict.details?.longestOutageMs).to.equal(2400);
  });

  it('measures outages in start order even though slow failures complete after later successes', () => {
    // Ten requests started 12.0–12.9 s time out after 5 s, so they are stored after the
    // successes started up to 17 s; in start order they are one outage ended by 13.0 s.
    const timeline = new TimelineBuilder()
      .standardPhases()
      .samples(10_000, 20_000, 100, (at) =>
        between(at, 12_000, 13_000) ? { status: 0, error: 'ETIMEDOUT', latency: 5000 } : {},
      )
      .build(40_000);
    expect(timeline.samples.startAt(timeline.samples.length - 1)).to.equal(T0 + 19_900);
    expect(timeline.samples.errorAt(timeline.samples.length - 1)).to.equal(undefined);

    const verdict = evaluateErrorBudget(timeline, options({ phase: 'fault', maxErrorRate: 100, maxOutage: '1s' }));

    expect(verdict.status).to.equal('passed');
    expect(verdict.details).to.include({ errors: 10, longestOutageMs: 1000, 'errors ETIMEDOUT': 10, 'errors 5xx': 0 });
  });

  it('ends an outage that runs to the end of the phase at the last failure plus its latency', () => {
    // Settle phase 35–40 s; connections refused from 38.0 s, last at 39.9 s taking 3 ms.
    const timeline = new TimelineBuilder()
      .standardPhases()
      .samples(35_000, 40_000, 100, (at) => (at >= 38_000 ? { status: 0, error: 'ECONNREFUSED', latency: 3 } : {}))
      .build(40_000);

    const verdict = evaluateErrorBudget(timeline, options({ phase: 'settle', maxErrorRate: 50 }));

    expect(verdict.observed).to.equal('40.00% errors (20 of 50 requests); longest outage 1.9 s');
    expect(verdict.details).to.include({ longestOutageMs: 1903, 'errors ECONNREFUSED': 20 });
  });

  it('reports the longest of several outages after a recovery and relapse', () => {
    // Errors 12.0–12.4 s (outage 500 ms), success 12.5–12.9 s, errors 13.0–13.9 s (outage 1 s).
    const timeline = new TimelineBuilder()
      .standardPhases()
      .samples(10_000, 20_000, 100, (at) =>
        between(at, 12_000, 12_500) || between(at, 13_000, 14_000) ? { status: 503 } : {},
      )
      .build(40_000);

    const verdict = evaluateErrorBudget(timeline, options({ phase: 'fault', maxErrorRate: 100 }));

    expect(verdict.details).to.include({ errors: 15, longestOutageMs: 1000, longestOutageStartedAt: T0 + 13_000 });
  });

  it('breaks errors down by status class and transport error code', () => {
    const timeline = new TimelineBuilder()
      .standardPhases()
      .sample({ start: 11_000, status: 503 })
      .sample({ start: 11_100, status: 500 })
      .sample({ start: 11_200, status: 403 })
      .sample({ start: 11_300, status: 0, error: 'ECONNREFUSED' })
      .sample({ start: 11_400, status: 0 })
      .sample({ start: 11_500, status: 302 })
      .sample({ start: 11_600 })
      .build(40_000);

    const verdict = evaluateErrorBudget(timeline, options({ phase: 'fault', maxErrorRate: 50 }));

    expect(verdict.status).to.equal('failed');
    expect(verdict.observed).to.equal('71.43% errors (5 of 7 requests); longest outage 500 ms');
    expect(verdict.details).to.include({
      'errors 5xx': 2,
      'errors 4xx': 1,
      'errors ECONNREFUSED': 1,
      'errors unknown': 1,
      errorRatePercent: 71.43,
    });
  });

  it('counts a request starting exactly at a phase boundary in the phase that begins there', () => {
    const timeline = new TimelineBuilder()
      .standardPhases()
      .sample({ start: 9_999, latency: 0, status: 500 })
      .sample({ start: 10_000, latency: 0, status: 500 })
      .sample({ start: 19_999, latency: 0 })
      .sample({ start: 20_000, latency: 0, status: 500 })
      .build(40_000);

    const verdict = evaluateErrorBudget(timeline, options({ phase: 'fault', maxErrorRate: 50 }));

    expect(verdict.details).to.include({ requests: 2, errors: 1 });
    expect(verdict.status).to.equal('passed');
  });

  it('counts a failure still in flight at a boundary in the phase where it failed', () => {
    // Sent 2 ms before the fault went in, answered 500 by the faulted region 8 ms later: the
    // fault's error, not the baseline's. A success in flight stays with the phase it started in.
    const timeline = new TimelineBuilder()
      .standardPhases()
      .sample({ start: 9_990, latency: 5 })
      .sample({ start: 9_998, latency: 10, status: 500 })
      .sample({ start: 9_999, latency: 20 })
      .sample({ start: 10_005, latency: 5, status: 500 })
      .build(40_000);

    const baseline = evaluateErrorBudget(timeline, options({ phase: 'baseline', maxErrorRate: 0 }));
    const fault = evaluateErrorBudget(timeline, options({ phase: 'fault', maxErrorRate: 100 }));

    expect(baseline.details).to.include({ requests: 2, errors: 0 });
    expect(baseline.status).to.equal('passed');
    expect(fault.details).to.include({ requests: 2, errors: 2 });
  });

  it('passes a rate exactly at the budget, including ones floating point cannot represent', () => {
    // 57 errors among 10 000 requests is 0.57 % exactly, though 57 / 10 000 × 100 computes to 0.5700000000000001.
    const builder = new TimelineBuilder().standardPhases();
    for (let i = 0; i < 10_000; i++) builder.sample({ start: i, ...(i < 57 ? { status: 500 } : {}) });

    const verdict = evaluateErrorBudget(builder.build(40_000), options({ phase: 'baseline', maxErrorRate: 0.57 }));

    expect(verdict.status).to.equal('passed');
    expect(verdict.observed).to.equal('0.57% errors (57 of 10000 requests); longest outage 57 ms');
  });

  it('is errored when no requests were sampled in the phase', () => {
    const timeline = new TimelineBuilder().standardPhases().samples(0, 10_000, 100, () => ({})).build(40_000);

    const verdict = evaluateErrorBudget(timeline, options({ phase: 'recovery', maxErrorRate: 1 }));

    expect(verdict.status).to.equal('errored');
    expect(verdict.observed).to.equal('no requests were sampled in phase recovery');
    expect(verdict.window).to.deep.equal({ from: T0 + 20_000, to: T0 + 30_000 });
  });

  it('is errored when the whole run has no requests', () => {
    const verdict = evaluateErrorBudget(new TimelineBuilder().standardPhases().build(40_000), options({ maxErrorRate: 1 }));

    expect(verdict.status).to.equal('errored');
    expect(verdict.observed).to.equal('no requests were sampled during the run');
  });

  it('is errored when the phase never started', () => {
    const timeline = new TimelineBuilder().phase('baseline', 0).samples(0, 10_000, 100, () => ({})).build(10_000);

    const verdict = evaluateErrorBudget(timeline, options({ phase: 'settle', maxErrorRate: 1 }));

    expect(verdict.status).to.equal('errored');
    expect(verdict.observed).to.equal('phase settle never started, so no requests can be judged');
  });

  it('rejects an error rate outside 0–100 and an unknown phase', () => {
    expect(errorBudgetOptions.safeParse({ assertion: 'error-budget', maxErrorRate: 101 }).success).to.equal(false);
    expect(errorBudgetOptions.safeParse({ assertion: 'error-budget', maxErrorRate: -1 }).success).to.equal(false);
    expect(errorBudgetOptions.safeParse({ assertion: 'error-budget', maxErrorRate: 1, phase: 'chaos' }).success).to.equal(false);
  });
});
