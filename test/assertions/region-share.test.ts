import { expect } from 'chai';
import { evaluateRegionShare, regionShareOptions } from '../../src/assertions/region-share.ts';
import { between, CONTEXT, PRIMARY, SECONDARY, T0, TimelineBuilder } from './timeline-builder.ts';

const options = (input: Record<string, unknown>) => regionShareOptions.parse({ assertion: 'region-share', ...input });

/**
 * Requests every 100 ms for 40 s. Injection 10 s, rollback 30 s. Errors 10–12 s, secondary
 * 12–31 s, primary otherwise.
 */
function failover(): TimelineBuilder {
  return new TimelineBuilder()
    .standardPhases()
    .inject(10_000)
    .rollback(30_000)
    .samples(0, 40_000, 100, (at) =>
      between(at, 10_000, 12_000) ? { status: 500 } : between(at, 12_000, 31_000) ? { region: SECONDARY } : {},
    );
}

describe('region-share assertion', () => {
  it('measures the secondary share while the fault is active, counting errors against it', () => {
    const verdict = evaluateRegionShare(failover().build(40_000), options({ region: 'secondary', minShare: 85, during: 'fault-active' }), CONTEXT);

    expect(verdict.status).to.equal('passed');
    expect(verdict.observed).to.equal(`90.00% (180 of 200 requests served by ${SECONDARY}; 20 errors)`);
    expect(verdict.details).to.deep.equal({ requests: 200, errors: 20, [`served by ${SECONDARY}`]: 180, sharePercent: 90 });
    expect(verdict.window).to.deep.equal({ from: T0 + 10_000, to: T0 + 30_000 });
  });

  it('skips the expected failover time at the start of the stretch', () => {
    const verdict = evaluateRegionShare(failover().build(40_000), options({ region: 'secondary', minShare: 100, during: 'fault-active', skip: '2s' }), CONTEXT);

    expect(verdict.status).to.equal('passed');
    expect(verdict.window).to.deep.equal({ from: T0 + 12_000, to: T0 + 30_000 });
  });

  it('counts only successful requests when asked', () => {
    const verdict = evaluateRegionShare(failover().build(40_000), options({ region: 'secondary', minShare: 100, during: 'fault-active', of: 'successful' }), CONTEXT);

    expect(verdict.status).to.equal('passed');
    expect(verdict.details).to.include({ sharePercent: 100 });
  });

  it('fails after the rollback when traffic lingers on the secondary, naming who served instead', () => {
    const verdict = evaluateRegionShare(failover().build(40_000), options({ region: 'primary', minShare: 95, during: 'after-rollback' }), CONTEXT);

    expect(verdict.status).to.equal('failed');
    expect(verdict.observed).to.equal(`90.00% (90 of 100 requests served by ${PRIMARY}; 10 by ${SECONDARY})`);
    expect(verdict.details).to.include({ [`served by ${PRIMARY}`]: 90, [`served by ${SECONDARY}`]: 10 });
  });

  it('can judge a phase', () => {
    const verdict = evaluateRegionShare(failover().build(40_000), options({ region: 'primary', minShare: 100, during: 'baseline' }), CONTEXT);

    expect(verdict.status).to.equal('passed');
    expect(verdict.details).to.include({ requests: 100 });
  });

  it('is errored when the stretch holds no requests', () => {
    const timeline = new TimelineBuilder().standardPhases().inject(10_000).rollback(30_000).build(40_000);

    const verdict = evaluateRegionShare(timeline, options({ region: 'secondary', minShare: 50, during: 'fault-active' }), CONTEXT);

    expect(verdict.status).to.equal('errored');
    expect(verdict.observed).to.equal('no requests were sampled during fault-active, so the share is unknown');
  });

  it('is errored when every request failed and only successful ones count', () => {
    const timeline = new TimelineBuilder().inject(0).samples(0, 1000, 100, () => ({ status: 502 })).build(1000);

    const verdict = evaluateRegionShare(timeline, options({ region: 'secondary', minShare: 50, during: 'fault-active', of: 'successful' }), CONTEXT);

    expect(verdict.status).to.equal('errored');
    expect(verdict.observed).to.match(/^none of the 10 requests succeeded/);
  });

  it('is errored when the stretch never happened', () => {
    const timeline = new TimelineBuilder().standardPhases().inject(10_000).build(40_000);

    expect(evaluateRegionShare(timeline, options({ region: 'primary', minShare: 50, during: 'after-rollback' }), CONTEXT).status).to.equal('errored');
    expect(evaluateRegionShare(new TimelineBuilder().build(1), options({ region: 'primary', minShare: 50, during: 'settle' }), CONTEXT).observed).to.equal(
      'phase settle never started',
    );
  });
});
