import { expect } from 'chai';
import type { AssertionContext } from '../../src/assertions/assertion-context.ts';
import { dnsConvergenceOptions, evaluateDnsConvergence } from '../../src/assertions/dns-convergence.ts';
import { expectedFailoverWindow } from '../../src/assertions/expected-window.ts';
import { assertionSchema } from '../../src/assertions/assertion-spec.ts';
import { between, CONTEXT, RESOLVER_A, RESOLVER_B, RESOLVER_C, T0, TimelineBuilder, type Answer } from './timeline-builder.ts';

const options = (input: Record<string, unknown> = {}) =>
  dnsConvergenceOptions.parse({ assertion: 'dns-convergence', within: '10s', ...input });

const failsOverAt = (switchAt: number) => (at: number): Answer => (between(at, switchAt, 30_000) ? 'secondary' : 'primary');

/** A at 2 s, B at 6 s, C never (always primary); injection 10 s, rollback 30 s. */
function threeResolvers(): TimelineBuilder {
  return new TimelineBuilder()
    .standardPhases()
    .inject(10_000)
    .rollback(30_000)
    .probes(RESOLVER_A, 0, 40_000, failsOverAt(12_000))
    .probes(RESOLVER_B, 0, 40_000, failsOverAt(16_000))
    .probes(RESOLVER_C, 0, 40_000, () => 'primary');
}

/** Health checked every 1 s, threshold 3, TTL 1 s: detection 2–3 s, DNS 2–4 s after injection. */
const MODEL: AssertionContext = { ...CONTEXT, healthCheck: { requestIntervalMs: 1000, failureThreshold: 3 }, recordTtlSeconds: 1 };

describe('dns-convergence with a quorum of resolvers', () => {
  it('passes a majority when two of three resolvers converge, timing the quorum at the second fastest', () => {
    const verdict = evaluateDnsConvergence(threeResolvers().build(40_000), options({ quorum: 'majority' }), CONTEXT);

    expect(verdict.status).to.equal('passed');
    expect(verdict.details).to.include({ [RESOLVER_A]: 2000, [RESOLVER_B]: 6000, [RESOLVER_C]: null, quorumNeeded: 2, quorumMs: 6000 });
    expect(verdict.observed).to.match(/^quorum of a majority \(2 of 3\) converged in 6 s \(±0\.25 s\); 2 of 3 resolvers converged/);
    expect(verdict.observed).to.contain(`never converged: ${RESOLVER_C} (last answered us-east-1)`);
    expect(verdict.window).to.deep.equal({ from: T0 + 10_000, to: T0 + 16_000 });
    expect(verdict.expected).to.equal('≤ 10 s for a majority of resolvers');
  });

  it('fails the default quorum (all) when one resolver never converges', () => {
    const verdict = evaluateDnsConvergence(threeResolvers().build(40_000), options(), CONTEXT);

    expect(verdict.status).to.equal('failed');
  });

  it('fails a numeric quorum when too few resolvers converge within the limit, though enough converge eventually', () => {
    const verdict = evaluateDnsConvergence(threeResolvers().build(40_000), options({ quorum: 2, within: '5s' }), CONTEXT);

    expect(verdict.status).to.equal('failed');
    expect(verdict.details).to.include({ quorumMs: 6000 });
    expect(verdict.observed).to.contain(`too slow: ${RESOLVER_B} (6 s)`);
  });

  it('counts a named resolver that never answered against the quorum', () => {
    const timeline = new TimelineBuilder().standardPhases().inject(10_000).rollback(30_000).probes(RESOLVER_A, 0, 40_000, failsOverAt(12_000)).build(40_000);
    const context: AssertionContext = { ...CONTEXT, resolverSets: { everyone: [RESOLVER_A, RESOLVER_B] } };

    const verdict = evaluateDnsConvergence(timeline, options({ quorum: 'all', resolvers: ['everyone'] }), context);

    expect(verdict.status).to.equal('failed');
    expect(verdict.details).to.deep.equal({ [RESOLVER_A]: 2000, [RESOLVER_B]: null });
    expect(verdict.observed).to.contain(`never converged: ${RESOLVER_B} (no answer)`);
  });

  it('counts a resolver that only ever timed out as never converged', () => {
    const timeline = threeResolvers().probes('127.0.0.1:5399', 0, 40_000, () => 'TIMEOUT').build(40_000);

    const verdict = evaluateDnsConvergence(timeline, options({ quorum: 3 }), CONTEXT);

    expect(verdict.status).to.equal('failed');
    expect(verdict.observed).to.contain('never converged');
    expect(verdict.observed).to.contain('127.0.0.1:5399 (no answer)');
  });

  it('judges only the resolvers of a named set', () => {
    const context: AssertionContext = { ...CONTEXT, resolverSets: { authoritative: [RESOLVER_A], recursive: [RESOLVER_B, RESOLVER_C] } };

    const verdict = evaluateDnsConvergence(threeResolvers().build(40_000), options({ resolvers: ['authoritative'] }), context);

    expect(verdict.status).to.equal('passed');
    expect(verdict.details).to.deep.equal({ [RESOLVER_A]: 2000 });
  });

  it('reports a resolver selection that matches nothing as errored, naming what exists', () => {
    const verdict = evaluateDnsConvergence(threeResolvers().build(40_000), options({ resolvers: ['authoritative'] }), CONTEXT);

    expect(verdict.status).to.equal('errored');
    expect(verdict.observed).to.contain('"authoritative" is neither a probed resolver');
    expect(verdict.observed).to.contain(RESOLVER_A);
  });

  it('reports a quorum larger than the resolvers probed as errored', () => {
    const verdict = evaluateDnsConvergence(threeResolvers().build(40_000), options({ quorum: 5 }), CONTEXT);

    expect(verdict.status).to.equal('errored');
    expect(verdict.observed).to.equal('quorum 5 needs more resolvers than the 3 probed');
  });

  it('rejects a quorum that is neither all, majority nor a positive whole number', () => {
    for (const quorum of [0, 1.5, 'most']) {
      const parsed = assertionSchema.safeParse({ assertion: 'dns-convergence', within: '5s', quorum });
      expect(parsed.success, String(quorum)).to.equal(false);
    }
  });

  it('puts the expected window from interval × threshold + TTL next to the measurement', () => {
    const timeline = new TimelineBuilder().standardPhases().inject(10_000).rollback(30_000).probes(RESOLVER_A, 0, 40_000, failsOverAt(12_750)).build(40_000);

    const verdict = evaluateDnsConvergence(timeline, options(), MODEL);

    expect(verdict.status).to.equal('passed');
    expect(verdict.observed).to.equal('1 resolver converged in 2.75 s (±0.25 s); expected 2 s–4 s (check every 1 s × threshold 3, + TTL 1 s)');
    expect(verdict.details).to.include({ expectedFromMs: 2000, expectedToMs: 4000, withinExpectedWindow: true });
  });

  it('flags a measurement outside the expected window without failing on it', () => {
    const timeline = new TimelineBuilder().standardPhases().inject(10_000).rollback(30_000).probes(RESOLVER_A, 0, 40_000, failsOverAt(18_000)).build(40_000);

    const verdict = evaluateDnsConvergence(timeline, options(), MODEL);

    expect(verdict.status).to.equal('passed');
    expect(verdict.details).to.include({ withinExpectedWindow: false });
  });
});

describe('expected failover window', () => {
  const timeline = new TimelineBuilder().probes(RESOLVER_A, 0, 1000, () => 'primary').build(1000);

  it('is (threshold − 1) × interval to threshold × interval + propagation + TTL', () => {
    const window = expectedFailoverWindow(timeline, { ...CONTEXT, healthCheck: { requestIntervalMs: 10_000, failureThreshold: 3 }, recordTtlSeconds: 60, propagationMs: 5000 });

    expect(window).to.include({ fromMs: 20_000, toMs: 95_000, detectFromMs: 20_000, detectToMs: 30_000, ttlSeconds: 60 });
    expect(window?.text).to.equal('expected 20 s–1 m 35 s (check every 10 s × threshold 3, + propagation 5 s, + TTL 60 s)');
  });

  it('takes the TTL from the answers when the context does not give it', () => {
    const window = expectedFailoverWindow(timeline, { ...CONTEXT, healthCheck: { requestIntervalMs: 1000, failureThreshold: 1 } });

    expect(window).to.include({ fromMs: 0, toMs: 2000, ttlSeconds: 1 });
  });

  it('is undefined without the health check rules', () => {
    expect(expectedFailoverWindow(timeline, CONTEXT)).to.equal(undefined);
  });
});
