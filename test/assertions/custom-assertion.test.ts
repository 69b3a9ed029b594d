import { expect } from 'chai';
import { assertionSchema, evaluateAssertion, evaluateAssertions } from '../../src/assertions/assertion-spec.ts';
import { evaluateCustomAssertion, customAssertionOptions } from '../../src/assertions/custom-assertion.ts';
import { measureHeadlineFigures } from '../../src/assertions/headline-figures.ts';
import type { Timeline } from '../../src/runner/timeline.ts';
import { CONTEXT, TimelineBuilder } from './timeline-builder.ts';

const timeline = new TimelineBuilder().standardPhases().inject(10_000).samples(0, 1000, 100, () => ({})).build(40_000);
const custom = (check: unknown, extra: Record<string, unknown> = {}) =>
  customAssertionOptions.parse({ assertion: 'custom', name: 'my check', check, ...extra });

describe('custom assertions', () => {
  it('passes when the check returns, and hands it the timeline and context', async () => {
    let seen: number | undefined;
    const verdict = await evaluateCustomAssertion(
      timeline,
      custom((t: Timeline, c: typeof CONTEXT) => {
        seen = t.samples.length;
        expect(c.primaryRegion).to.equal('us-east-1');
      }),
      CONTEXT,
    );

    expect(verdict).to.include({ assertion: 'custom', name: 'my check', status: 'passed' });
    expect(seen).to.equal(10);
  });

  it('turns a failed chai expectation into a failed verdict with its message and values', async () => {
    const verdict = await evaluateCustomAssertion(timeline, custom((t: Timeline) => expect(t.samples.length, 'requests').to.equal(11)), CONTEXT);

    expect(verdict.status).to.equal('failed');
    expect(verdict.observed).to.equal('requests: expected 10 to equal 11');
    expect(verdict.details).to.deep.equal({ actual: '10', expected: '11' });
  });

  it('shows what a check returns like a built-in: observed, expected, details, and figures for run.json', async () => {
    const verdict = await evaluateCustomAssertion(
      timeline,
      custom((t: Timeline) => ({
        observed: `${t.samples.length} requests`,
        expected: '≥ 5 requests',
        details: { requests: t.samples.length },
        figures: [{ name: 'requests-per-second', label: 'Offered rate', value: 10, unit: 'percent', definition: 'requests ÷ seconds of load' }],
      })),
      CONTEXT,
    );

    expect(verdict).to.deep.include({ status: 'passed', observed: '10 requests', expected: '≥ 5 requests', details: { requests: 10 } });
    expect(verdict.figures).to.deep.equal([
      { name: 'custom.requests-per-second', label: 'Offered rate', value: 10, unit: 'percent', definition: 'requests ÷ seconds of load' },
    ]);
    const headline = measureHeadlineFigures(timeline, [verdict], CONTEXT).find((figure) => figure.name === 'custom.requests-per-second');
    expect(headline).to.include({ value: 10, source: 'my check' });
  });

  it('fails a verdict whose check returns passed: false, keeping its words, and errors on a malformed report', async () => {
    const failed = await evaluateCustomAssertion(timeline, custom(() => ({ passed: false, observed: 'p99 1.2 s', expected: '≤ 800 ms' })), CONTEXT);
    const malformed = await evaluateCustomAssertion(timeline, custom(() => ({ figures: [{ name: 'x', value: 'fast', unit: 'ms', definition: 'd' }] })), CONTEXT);

    expect(failed).to.include({ status: 'failed', observed: 'p99 1.2 s', expected: '≤ 800 ms' });
    expect(malformed.status).to.equal('errored');
    expect(malformed.observed).to.match(/^the check returned a malformed report: figures\.0\.value: /);
  });

  it('judges figures against the expected bounds a check returns, and words observed and expected from them', async () => {
    const p99 = (value: number) => () => ({ figures: [{ name: 'p99', label: 'p99 latency', value, unit: 'ms', expected: { max: 800 }, definition: 'p99 while failed over' }] });
    const within = await evaluateCustomAssertion(timeline, custom(p99(640)), CONTEXT);
    const beyond = await evaluateCustomAssertion(timeline, custom(p99(1200)), CONTEXT);
    const inverted = await evaluateCustomAssertion(timeline, custom(() => ({ figures: [{ name: 'x', value: 1, unit: 'ms', expected: { min: 5, max: 2 }, definition: 'd' }] })), CONTEXT);

    expect(within).to.deep.include({ status: 'passed', observed: 'p99 latency 640 ms', expected: 'p99 latency ≤ 800 ms' });
    expect(within.figures?.[0]).to.deep.include({ name: 'custom.p99', value: 640, unit: 'ms', limit: { max: 800 } });
    expect(beyond).to.deep.include({ status: 'failed', observed: 'p99 latency 1.2 s', expected: 'p99 latency ≤ 800 ms' });
    expect(inverted.status).to.equal('errored');
    expect(inverted.observed).to.equal('the check returned a malformed report: figures.0.expected: expected min ≤ max');
  });

  it('turns any other throw into an errored verdict carrying the message', async () => {
    const verdict = await evaluateCustomAssertion(
      timeline,
      custom(() => {
        throw new TypeError('cannot read x of undefined');
      }),
      CONTEXT,
    );

    expect(verdict.status).to.equal('errored');
    expect(verdict.observed).to.equal('the check could not be evaluated: TypeError: cannot read x of undefined');
  });

  it('awaits async checks and reports their rejections', async () => {
    const passing = await evaluateCustomAssertion(timeline, custom(async () => {}), CONTEXT);
    const failing = await evaluateCustomAssertion(
      timeline,
      custom(async (t: Timeline) => {
        await Promise.resolve();
        expect(t.faults).to.have.length(0);
      }),
      CONTEXT,
    );

    expect(passing.status).to.equal('passed');
    expect(failing.status).to.equal('failed');
    expect(failing.observed).to.match(/to have a length of \+?0 but got 1$/);
  });

  it('reports an async check that outlives its timeout as errored', async () => {
    const verdict = await evaluateCustomAssertion(timeline, custom(() => new Promise(() => {}), { timeout: '50ms' }), CONTEXT);

    expect(verdict.status).to.equal('errored');
    expect(verdict.observed).to.equal('the check could not be evaluated: CustomCheckTimeoutError: the check did not finish within 50 ms');
  });

  it('is evaluated in order with the others by evaluateAssertions', async () => {
    const specs = [
      assertionSchema.parse({ assertion: 'error-budget', phase: 'baseline', maxErrorRate: 0 }),
      assertionSchema.parse({ assertion: 'custom', name: 'async one', check: async () => Promise.reject(new Error('boom')) }),
    ];

    const verdicts = await evaluateAssertions(timeline, specs, CONTEXT);

    expect(verdicts.map((v) => [v.assertion, v.status])).to.deep.equal([
      ['error-budget', 'passed'],
      ['custom', 'errored'],
    ]);
    expect(verdicts[1]?.observed).to.equal('the check could not be evaluated: Error: boom');
  });

  it('reports an async check given to the synchronous evaluateAssertion as errored, naming the async entry point', () => {
    const verdict = evaluateAssertion(timeline, assertionSchema.parse({ assertion: 'custom', name: 'x', check: async () => {} }), CONTEXT);

    expect(verdict.status).to.equal('errored');
    expect(verdict.observed).to.contain('evaluateAssertions');
  });

  it('rejects a custom assertion without a function or a name', () => {
    const noFunction = assertionSchema.safeParse({ assertion: 'custom', name: 'x', check: 'return true' });
    const noName = assertionSchema.safeParse({ assertion: 'custom', check: () => {} });

    expect(noFunction.success).to.equal(false);
    expect(noFunction.error?.issues[0]?.message).to.match(/^expected a function \(timeline, context\)/);
    expect(noName.success).to.equal(false);
    expect(noName.error?.issues[0]?.path).to.deep.equal(['name']);
  });
});
