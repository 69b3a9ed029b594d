import { expect } from 'chai';
import { evaluateFailback, failbackOptions } from '../../src/assertions/failback.ts';
import { between, CONTEXT, PRIMARY, RESOLVER_A, RESOLVER_B, SECONDARY, TimelineBuilder, type Answer } from './timeline-builder.ts';

const options = (input: Record<string, unknown> = {}) => failbackOptions.parse({ assertion: 'failback', within: '10s', ...input });

/** A flaps after the rollback at 30 s: primary at 31 s, secondary 31.5–32 s, primary 32 s on. */
const flappingA = (at: number): Answer => (between(at, 11_000, 31_000) || between(at, 31_500, 32_000) ? 'secondary' : 'primary');
const cleanB = (at: number): Answer => (between(at, 11_000, 31_250) ? 'secondary' : 'primary');

function drill(trafficAt: (at: number) => { status?: number; region?: string } = () => ({})): TimelineBuilder {
  return new TimelineBuilder()
    .standardPhases()
    .inject(10_000)
    .rollback(30_000)
    .probes(RESOLVER_A, 0, 40_000, flappingA)
    .probes(RESOLVER_B, 0, 40_000, cleanB)
    .samples(0, 40_000, 100, (at) => ({ region: between(at, 11_000, 32_000) ? SECONDARY : PRIMARY, ...trafficAt(at) }));
}

describe('failback flapping, errors and traffic share', () => {
  it('detects and reports flapping without failing on it by default', () => {
    const verdict = evaluateFailback(drill().build(40_000), options(), CONTEXT);

    expect(verdict.status).to.equal('passed');
    expect(verdict.details).to.include({ [RESOLVER_A]: 2000, [RESOLVER_B]: 1250, flaps: 1 });
    expect(verdict.observed).to.contain(`flapped 1× (${RESOLVER_A} 1×)`);
  });

  it('fails when the answers flap more than maxFlaps allows', () => {
    const verdict = evaluateFailback(drill().build(40_000), options({ maxFlaps: 0 }), CONTEXT);

    expect(verdict.status).to.equal('failed');
    expect(verdict.expected).to.match(/; ≤ 0 flaps$/);
  });

  it('reports zero flaps when maxFlaps is set and nothing flapped', () => {
    const timeline = new TimelineBuilder()
      .inject(10_000)
      .rollback(30_000)
      .probes(RESOLVER_B, 0, 40_000, cleanB)
      .samples(0, 40_000, 100, () => ({}))
      .build(40_000);

    const verdict = evaluateFailback(timeline, options({ maxFlaps: 0 }), CONTEXT);

    expect(verdict.status).to.equal('passed');
    expect(verdict.details).to.include({ flaps: 0 });
  });

  it('counts errors clients saw during the failback and judges them against maxErrorRate', () => {
    // 5 errors in 30.0–30.5 s among the 100 requests after the rollback.
    const withErrors = drill((at) => (between(at, 30_000, 30_500) ? { status: 503 } : {})).build(40_000);

    const reported = evaluateFailback(withErrors, options(), CONTEXT);
    expect(reported.status).to.equal('passed');
    expect(reported.details).to.include({ failbackRequests: 100, failbackErrors: 5, failbackErrorRatePercent: 5 });
    expect(reported.observed).to.match(/; since the rollback 5\.00% errors \(5 of 100 requests\)$/);

    expect(evaluateFailback(withErrors, options({ maxErrorRate: 4 }), CONTEXT).status).to.equal('failed');
    expect(evaluateFailback(withErrors, options({ maxErrorRate: 5 }), CONTEXT).status).to.equal('passed');
  });

  it('accepts a partial primary share in the final window when minPrimaryShare allows it', () => {
    // 3 of the final 30 requests still on the secondary.
    const lingering = drill((at) => (between(at, 37_000, 37_300) ? { region: SECONDARY } : {})).build(40_000);

    expect(evaluateFailback(lingering, options(), CONTEXT).status).to.equal('failed');
    const relaxed = evaluateFailback(lingering, options({ minPrimaryShare: 90 }), CONTEXT);
    expect(relaxed.status).to.equal('passed');
    expect(relaxed.expected).to.contain('last 3 s ≥ 90.00% of requests served by us-east-1 without errors');
  });
});
