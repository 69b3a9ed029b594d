import { expect } from 'chai';
import { errorBudgetOptions, evaluateErrorBudget } from '../../src/assertions/error-budget.ts';
import { between, TimelineBuilder } from './timeline-builder.ts';

const options = (input: Record<string, unknown>) => errorBudgetOptions.parse({ assertion: 'error-budget', ...input });

/**
 * Requests every 10 ms. Baseline: latency 1–100 ms evenly (so percentiles are known). Fault:
 * 404s for 10–11 s, 500s for 11–12 s, connection refused for 12–12.5 s, then 302s.
 */
function drill(): TimelineBuilder {
  return new TimelineBuilder()
    .standardPhases()
    .samples(0, 10_000, 10, (at) => ({ latency: (at % 1000) / 10 + 1 }))
    .samples(10_000, 20_000, 10, (at) =>
      between(at, 10_000, 11_000)
        ? { status: 404 }
        : between(at, 11_000, 12_000)
          ? { status: 500 }
          : between(at, 12_000, 12_500)
            ? { status: 0, error: 'ECONNREFUSED', latency: 1 }
            : { status: 302 },
    );
}

describe('error-budget latency percentiles and breakdowns', () => {
  it('reports latency percentiles from an HDR histogram', () => {
    const verdict = evaluateErrorBudget(drill().build(40_000), options({ phase: 'baseline', maxErrorRate: 0 }));

    expect(verdict.status).to.equal('passed');
    const details = verdict.details ?? {};
    // 1, 2, … 100 ms ten times over; HDR keeps three significant digits (0.1%).
    expect(details['latency p50 ms']).to.be.closeTo(50, 0.05);
    expect(details['latency p90 ms']).to.be.closeTo(90, 0.09);
    expect(details['latency p99 ms']).to.be.closeTo(99, 0.1);
    expect(details['latency max ms']).to.equal(100);
  });

  it('fails a percentile over its limit and says which', () => {
    const verdict = evaluateErrorBudget(drill().build(40_000), options({ phase: 'baseline', maxErrorRate: 0, maxLatency: { p50: '100ms', p99: '80ms' } }));

    expect(verdict.status).to.equal('failed');
    expect(verdict.expected).to.equal('error rate ≤ 0.00%; latency p50 ≤ 100 ms, p99 ≤ 80 ms');
    expect(verdict.observed).to.match(/; latency p50 50 ms, p99 99 ms \(over the limit: p99 99 ms > 80 ms\)$/);
  });

  it('breaks errors down by status class and transport error', () => {
    const verdict = evaluateErrorBudget(drill().build(40_000), options({ phase: 'fault', maxErrorRate: 100 }));

    expect(verdict.details).to.include({
      requests: 1000,
      errors: 250,
      'errors 4xx': 100,
      'errors 5xx': 100,
      'errors ECONNREFUSED': 50,
      'status 3xx': 750,
      'status 4xx': 100,
      'status 5xx': 100,
    });
  });

  it('judges each listed phase on its own and fails if any one breaks the budget', () => {
    const verdict = evaluateErrorBudget(drill().build(40_000), options({ phase: ['baseline', 'fault'], maxErrorRate: 1 }));

    expect(verdict.status).to.equal('failed');
    expect(verdict.name).to.equal('Error rate ≤ 1.00% in each of phases baseline, fault');
    expect(verdict.observed).to.match(/^baseline: 0\.00% errors \(0 of 1000 requests\); no outage; fault: 25\.00% errors/);
    expect(verdict.details).to.include({ 'baseline errors': 0, 'fault errors': 250 });
  });

  it('is errored when a listed phase has no samples, and failed still wins over errored', () => {
    const timeline = drill().build(40_000);

    expect(evaluateErrorBudget(timeline, options({ phase: ['baseline', 'settle'], maxErrorRate: 1 })).status).to.equal('errored');
    expect(evaluateErrorBudget(timeline, options({ phase: ['fault', 'settle'], maxErrorRate: 1 })).status).to.equal('failed');
  });
});
