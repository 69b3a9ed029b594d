import { expect } from 'chai';
import { evaluateAssertions } from '../../src/assertions/assertion-spec.ts';
import { assertionSchema } from '../../src/assertions/assertion-spec.ts';
import type { AssertionContext } from '../../src/assertions/assertion-context.ts';
import {
  CONTEXT,
  PRIMARY,
  PRIMARY_ADDRESS,
  RESOLVER_A,
  SECONDARY,
  SECONDARY_ADDRESS,
  TERTIARY,
  TERTIARY_ADDRESS,
  TimelineBuilder,
  between,
} from './timeline-builder.ts';

const CHAIN = [PRIMARY, SECONDARY, TERTIARY];
const BY_ADDRESS = { [PRIMARY_ADDRESS]: PRIMARY, [SECONDARY_ADDRESS]: SECONDARY, [TERTIARY_ADDRESS]: TERTIARY };
const API = { service: 'api', name: 'api.drdrill.test' };
const OTHER = { service: 'other', name: 'other.drdrill.test' };

/** Two services: `api` cascades primary → secondary (fault a at 10 s) → tertiary (fault b at 20 s); `other` never moves. */
const CONTEXT_OF_TWO: AssertionContext = {
  ...CONTEXT,
  regions: CHAIN,
  defaultService: 'api',
  services: {
    api: { regions: CHAIN, recordName: API.name, healthCheckIds: { [PRIMARY]: 'hc-1', [SECONDARY]: 'hc-2', [TERTIARY]: 'hc-3' } },
    other: { regions: CHAIN, recordName: OTHER.name, healthCheckIds: { [PRIMARY]: 'hc-o1', [SECONDARY]: 'hc-o2', [TERTIARY]: 'hc-o3' } },
  },
};

function cascade() {
  const apiRegion = (at: number): string => (at < 11_000 ? PRIMARY : at < 21_000 ? SECONDARY : at < 30_000 ? TERTIARY : PRIMARY);
  return new TimelineBuilder()
    .standardPhases()
    .fault('inject', 10_000, 'a')
    .fault('inject', 20_000, 'b')
    .fault('rollback', 30_000, 'b')
    .fault('rollback', 30_000, 'a')
    .probes(RESOLVER_A, 0, 40_000, (at) => (between(at, 11_000, 21_000) ? 'secondary' : between(at, 21_000, 30_500) ? 'tertiary' : 'primary'), API)
    .probes(RESOLVER_A, 0, 40_000, () => 'primary', OTHER)
    .samples(0, 40_000, 100, (at) => ({ target: 'api', region: apiRegion(at) }))
    .samples(0, 40_000, 100, (at) => ({ target: 'other', region: PRIMARY, ...(at >= 5_000 && at < 6_000 ? { status: 503 } : {}) }))
    .build(40_000, BY_ADDRESS);
}

const parse = (spec: unknown) => assertionSchema.parse(spec);

describe('assertion scope: service, region and fault', () => {
  it('times each hop of a cascade from its own fault, and records the region it judged', async () => {
    const [hop1, hop2] = await evaluateAssertions(
      cascade(),
      [
        parse({ assertion: 'dns-convergence', to: 'secondary', fault: 'a', within: '2s' }),
        parse({ assertion: 'dns-convergence', to: 'tertiary', fault: 'b', within: '2s' }),
      ],
      CONTEXT_OF_TWO,
    );
    expect(hop1?.status, hop1?.observed).to.equal('passed');
    expect(hop1?.region).to.equal(SECONDARY);
    expect(hop2?.status, hop2?.observed).to.equal('passed');
    expect(hop2?.region).to.equal(TERTIARY);
    expect(hop2?.service).to.equal('api');
    // Hop 2 moved 1 s after its own fault, not 11 s after the first one.
    expect(hop2?.figures?.[0]?.value).to.be.within(1000, 1000 + 250);
    expect(hop2?.figures?.[0]?.name).to.equal('dns.convergence.tertiary@b');
  });

  it('without the fault window, the first hop reads as flapping away when the second hop goes in', async () => {
    const [unscoped] = await evaluateAssertions(cascade(), [parse({ assertion: 'dns-convergence', to: 'secondary', within: '2s' })], CONTEXT_OF_TWO);
    expect(unscoped?.status).to.equal('failed');
    // It reached the secondary, then left it for the next hop: a flap, read as never settling.
    expect(unscoped?.observed).to.include('last answered eu-west-2');
    expect(unscoped?.observed).to.include('flapped 1×');
  });

  it('judges only the named service’s requests and answers', async () => {
    const [apiShare, otherShare, otherErrors] = await evaluateAssertions(
      cascade(),
      [
        parse({ assertion: 'region-share', region: 'primary', minShare: 100, during: 'fault-active' }),
        parse({ assertion: 'region-share', service: 'other', region: 'primary', minShare: 100, during: 'fault-active' }),
        parse({ assertion: 'error-budget', service: 'other', phase: 'all', maxErrorRate: 1 }),
      ],
      CONTEXT_OF_TWO,
    );
    // Without `service`, the drill's own service (api), which moved: not a mix of both.
    expect(apiShare?.status).to.equal('failed');
    expect(apiShare?.service).to.equal('api');
    expect(apiShare?.observed).not.to.include('of 400');
    expect(otherShare?.status, otherShare?.observed).to.equal('passed');
    expect(otherShare?.observed).to.include('200 of 200');
    expect(otherShare?.service).to.equal('other');
    // 10 of the other service's 400 requests failed: 2.5 %, none of api's count.
    expect(otherErrors?.status).to.equal('failed');
    expect(otherErrors?.observed).to.include('10 of 400');
    expect(otherErrors?.name).to.match(/^other: /);
    expect(otherErrors?.figures?.every((figure) => figure.name.startsWith('other:'))).to.equal(true);
  });

  it('counts one region’s requests with error-budget region', async () => {
    const [onTertiary] = await evaluateAssertions(cascade(), [parse({ assertion: 'error-budget', region: 'tertiary', phase: 'all', maxErrorRate: 0 })], CONTEXT_OF_TWO);
    expect(onTertiary?.status).to.equal('passed');
    expect(onTertiary?.observed).to.include('of 90 requests');
    expect(onTertiary?.region).to.equal(TERTIARY);
  });

  it('is an errored verdict, not a silent pass, for a service the drill did not observe or a fault that never went in', async () => {
    const [service, fault] = await evaluateAssertions(
      cascade(),
      [parse({ assertion: 'region-share', service: 'nope', region: 'primary', minShare: 1, during: 'baseline' }), parse({ assertion: 'rto', fault: 'c', within: '5s' })],
      CONTEXT_OF_TWO,
    );
    expect(service?.status).to.equal('errored');
    expect(service?.observed).to.include('service "nope" is not loaded by the drill');
    expect(fault?.status).to.equal('errored');
    expect(fault?.observed).to.include('fault "c" never went in (faults that did: a, b)');
  });
});
