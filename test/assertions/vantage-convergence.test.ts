import { expect } from 'chai';
import { dnsConvergenceOptions, evaluateDnsConvergence } from '../../src/assertions/dns-convergence.ts';
import { resolverConvergence } from '../../src/assertions/resolver-convergence.ts';
import { selectResolvers } from '../../src/assertions/resolver-quorum.ts';
import type { DnsObservation, Timeline } from '../../src/runner/timeline.ts';
import { CONTEXT, PRIMARY, PROBE_MS, RESOLVER_A, RESOLVER_B, SECONDARY, T0, TimelineBuilder } from './timeline-builder.ts';

const options = (input: Record<string, unknown> = {}) => dnsConvergenceOptions.parse({ assertion: 'dns-convergence', within: '5s', ...input });

/**
 * A latency record seen from two vantage points through two resolvers, regions identified at
 * observation time (no static address map at all): clients in eu-central-1 move to the secondary
 * 2 s after the injection at 10 s; clients in eu-west-1 stay on the primary throughout.
 */
function latencyTimeline(): Timeline {
  const base = new TimelineBuilder().standardPhases().inject(10_000).rollback(30_000).build(40_000);
  const dns: DnsObservation[] = [];
  for (const vantage of ['eu-central-1', 'eu-west-1']) {
    for (const resolver of [RESOLVER_A, RESOLVER_B]) {
      for (let at = 0; at < 40_000; at += PROBE_MS) {
        const moved = vantage === 'eu-central-1' && at >= 12_000 && at < 30_000;
        const region = moved ? SECONDARY : PRIMARY;
        dns.push({ at: T0 + at, resolver, name: 'api.drdrill.test', addresses: [moved ? '10.2.0.1' : '10.1.0.1'], regions: [region], unidentified: [], rcode: 'NOERROR', latencyMs: 1, vantage });
      }
    }
  }
  return { ...base, dns, regionsByAddress: {} };
}

describe('vantage points as resolver sets', () => {
  it('judges the clients of one vantage point by its name: eu-central-1 converged in 2 s, eu-west-1 never did', () => {
    const timeline = latencyTimeline();
    const central = evaluateDnsConvergence(timeline, options({ resolvers: ['eu-central-1'] }), CONTEXT);
    expect(central.status, central.observed).to.equal('passed');
    expect(central.details).to.include({ [RESOLVER_A]: 2000, [RESOLVER_B]: 2000 });
    const west = evaluateDnsConvergence(timeline, options({ resolvers: ['eu-west-1'] }), CONTEXT);
    expect(west.status).to.equal('failed');
    expect(west.observed).to.match(/never converged/);
  });

  it('keeps every (vantage point, resolver) on its own grid when all are judged together', () => {
    const results = resolverConvergence(latencyTimeline().dns, {}, SECONDARY, { from: T0 + 10_000, until: T0 + 30_000 });
    expect(results.map((result) => [result.resolver, result.ms])).to.deep.equal([
      [`eu-central-1 via ${RESOLVER_A}`, 2000],
      [`eu-central-1 via ${RESOLVER_B}`, 2000],
      [`eu-west-1 via ${RESOLVER_A}`, null],
      [`eu-west-1 via ${RESOLVER_B}`, null],
    ]);
  });

  it('counts a silent resolver of a vantage point when a resolver set of the same name lists it', () => {
    const timeline = latencyTimeline();
    const context = { ...CONTEXT, resolverSets: { 'eu-central-1': [RESOLVER_A, RESOLVER_B, '127.0.0.1:5399'] } };
    const selection = selectResolvers(timeline.dns, ['eu-central-1'], context);
    expect(selection.ok && selection.dns.every((o) => o.vantage === 'eu-central-1')).to.equal(true);
    const verdict = evaluateDnsConvergence(timeline, options({ resolvers: ['eu-central-1'] }), context);
    expect(verdict.status).to.equal('failed');
    expect(verdict.observed).to.match(/127\.0\.0\.1:5399 \(no answer\)/);
  });

  it('names the vantage points probed when a selection matches nothing', () => {
    const selection = selectResolvers(latencyTimeline().dns, ['ap-south-1'], CONTEXT);
    expect(selection.ok).to.equal(false);
    if (!selection.ok) expect(selection.problem).to.match(/"ap-south-1" is neither .* nor a vantage point \(eu-central-1, eu-west-1\)/);
  });
});
