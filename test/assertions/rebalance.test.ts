import { expect } from 'chai';
import { assertionSchema, evaluateAssertion } from '../../src/assertions/assertion-spec.ts';
import { evaluateRebalance, rebalanceOptions } from '../../src/assertions/rebalance.ts';
import { CONTEXT, PRIMARY, RESOLVER_A, RESOLVER_B, SECONDARY, T0, TimelineBuilder, between, type Answer } from './timeline-builder.ts';

const options = (input: Record<string, unknown> = {}) =>
  rebalanceOptions.parse({ assertion: 'rebalance', minShares: { primary: 40, secondary: 40 }, within: '6s', window: '1s', ...input });

/** Rollback at 30 s, run ends at 40 s; both regions share the load except while the primary is out (10–`backAt`). */
function activeActive(backAt: number, dropsOut: (at: number) => boolean = () => false): TimelineBuilder {
  return new TimelineBuilder()
    .standardPhases()
    .inject(10_000)
    .rollback(30_000)
    .samples(0, 40_000, 50, (at) => ({ region: between(at, 10_000, backAt) || dropsOut(at) ? SECONDARY : at % 100 === 0 ? PRIMARY : SECONDARY }));
}

/** A weighted answer: alternating regions while both are in, the survivor alone otherwise. */
const alternating = (primaryIn: (at: number) => boolean) => (at: number): Answer => (primaryIn(at) && at % 500 === 0 ? 'primary' : 'secondary');

describe('rebalance assertion', () => {
  it('passes when the shares come back within the budget and no resolver loses the region again, timing it from the rollback', () => {
    const primaryIn = (at: number): boolean => !between(at, 10_000, 33_000);
    const timeline = activeActive(33_000)
      .probes(RESOLVER_A, 0, 40_000, alternating(primaryIn))
      .probes(RESOLVER_B, 0, 40_000, alternating(primaryIn))
      .build(40_000);

    const verdict = evaluateRebalance(timeline, options(), CONTEXT);

    expect(verdict.status, verdict.observed).to.equal('passed');
    // The first 1 s window from which every window holds 40 % each ends 0.8 s after the primary
    // returns at 33 s: 8 of its 20 requests are the primary's.
    expect(verdict.details?.rebalanceMs).to.equal(3800);
    expect(verdict.details?.[`${RESOLVER_A} flaps`]).to.equal(0);
    expect(verdict.details?.[`${RESOLVER_A} switches`]).to.equal(1);
    expect(verdict.figures?.map((f) => [f.name, f.value, f.unit])).to.deep.equal([
      ['rebalance', 3800, 'ms'],
      ['rebalance.flaps', 0, 'count'],
    ]);
    expect(verdict.window).to.deep.equal({ from: T0 + 30_000, to: T0 + 33_800 });
  });

  it('counts a flap when the region drops out of a resolver’s answers again after coming back, and fails past maxFlaps', () => {
    // Back at 32 s, out again 34–36 s (a health check that relapses), back for good after.
    const primaryIn = (at: number): boolean => !between(at, 10_000, 32_000) && !between(at, 34_000, 36_000);
    const timeline = activeActive(32_000, (at) => between(at, 34_000, 36_000))
      .probes(RESOLVER_A, 0, 40_000, alternating(primaryIn))
      // A resolver that never lost the region has nothing to flap.
      .probes(RESOLVER_B, 0, 40_000, alternating(() => true))
      .build(40_000);

    const verdict = evaluateRebalance(timeline, options(), CONTEXT);

    expect(verdict.status).to.equal('failed');
    expect(verdict.details?.[`${RESOLVER_A} flaps`]).to.equal(1);
    expect(verdict.details?.[`${RESOLVER_A} switches`]).to.equal(3);
    expect(verdict.observed).to.contain(`${RESOLVER_A} flapped 1 time (> 0)`);
    // The shares are judged from the last window that broke them: back 0.8 s after the relapse ends at 36 s.
    expect(verdict.details?.rebalanceMs).to.equal(6800);
    expect(evaluateRebalance(timeline, options({ maxFlaps: 1, within: '8s' }), CONTEXT).status).to.equal('passed');
  });

  it('fails when the shares never return, and when a resolver never names the region again', () => {
    const timeline = activeActive(Number.POSITIVE_INFINITY)
      .probes(RESOLVER_A, 0, 40_000, alternating((at) => at < 10_000))
      .build(40_000);

    const verdict = evaluateRebalance(timeline, options(), CONTEXT);

    expect(verdict.status).to.equal('failed');
    expect(verdict.observed).to.match(/^shares never stayed back \(last 1 s: us-east-1 0\.00% \(≥ 40\.00%\), us-west-2 100\.00% \(≥ 40\.00%\)\); 127\.0\.0\.1:5353 never answered us-east-1 again/);
    expect(verdict.figures?.[0]?.value).to.equal(null);
  });

  it('is errored without a rollback', () => {
    const timeline = new TimelineBuilder().standardPhases().inject(10_000).build(40_000);
    expect(evaluateRebalance(timeline, options(), CONTEXT)).to.include({ status: 'errored', observed: 'no rollback was recorded, so there is no failback to judge' });
  });

  it('is registered: parsed from a drill’s assertions and dispatched, judging the primary by default', () => {
    const spec = assertionSchema.parse({ assertion: 'rebalance', minShares: { primary: 40, secondary: 40 }, within: '6s' });
    const timeline = activeActive(33_000).probes(RESOLVER_A, 0, 40_000, alternating((at) => !between(at, 10_000, 33_000))).build(40_000);
    const verdict = evaluateAssertion(timeline, spec, CONTEXT);
    expect(verdict).to.include({ assertion: 'rebalance', status: 'passed', region: PRIMARY, name: 'Shares rebalance within 6 s, at most 0 flaps per resolver' });
  });

  it('names the field, the value and what was expected for bad input', () => {
    const problems = (input: Record<string, unknown>): string[] => {
      const parsed = rebalanceOptions.safeParse({ assertion: 'rebalance', within: '6s', ...input });
      return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    };
    expect(problems({})).to.deep.equal(['minShares: Invalid input: expected record, received undefined']);
    expect(problems({ minShares: {} })).to.deep.equal(['minShares: expected a share for at least one region, e.g. { primary: 40, secondary: 40 }']);
    expect(problems({ minShares: { primary: 60, secondary: 60 } })).to.deep.equal(['minShares: expected shares adding up to at most 100 percent, got 120']);
    expect(problems({ minShares: { east: 40 } })).to.deep.equal(['minShares.east: expected a role (primary, secondary, tertiary, …) or an AWS region name such as "us-west-2", got "east"']);
    expect(problems({ minShares: { primary: 140 } })[0]).to.equal('minShares.primary: expected a share in percent, from 0 to 100');
    expect(problems({ minShares: { primary: 40 }, maxFlaps: 1.5 })).to.deep.equal(['maxFlaps: expected a whole number of flaps, 0 or more']);
    expect(problems({ minShares: { primary: 40 }, within: 6 })[0]).to.match(/^within: /);
  });
});
