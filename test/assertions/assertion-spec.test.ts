import { expect } from 'chai';
import {
  assertionSchema,
  defaultAssertionName,
  evaluateAssertion,
  type AssertionSpec,
} from '../../src/assertions/index.ts';
import type { FaultEvent, Timeline } from '../../src/runner/timeline.ts';
import { between, CONTEXT, RESOLVER_A, TimelineBuilder } from './timeline-builder.ts';

function timeline(): Timeline {
  return new TimelineBuilder()
    .standardPhases()
    .inject(10_000)
    .rollback(30_000)
    .probes(RESOLVER_A, 0, 40_000, (at) => (between(at, 12_000, 30_000) ? 'secondary' : 'primary'))
    .samples(0, 40_000, 100, () => ({}))
    .build(40_000);
}

describe('assertion schema and dispatch', () => {
  it('parses each assertion kind, turning durations into milliseconds and filling defaults', () => {
    expect(assertionSchema.parse({ assertion: 'dns-convergence', within: '10s' })).to.deep.equal({
      assertion: 'dns-convergence',
      within: 10_000,
      to: 'secondary',
    });
    expect(assertionSchema.parse({ assertion: 'error-budget', maxErrorRate: 1, maxOutage: '1m30s' })).to.deep.equal({
      assertion: 'error-budget',
      phase: 'all',
      maxErrorRate: 1,
      maxOutage: 90_000,
    });
    expect(assertionSchema.parse({ assertion: 'failback', within: '20s', name: 'back home' })).to.deep.equal({
      assertion: 'failback',
      within: 20_000,
      finalWindow: 3000,
      name: 'back home',
    });
  });

  it('rejects a bad duration, naming the field and what was expected', () => {
    const result = assertionSchema.safeParse({ assertion: 'failback', within: 'soon' });

    expect(result.success).to.equal(false);
    const issue = result.error?.issues[0];
    expect(issue?.path).to.deep.equal(['within']);
    expect(issue?.message).to.contain('expected a duration such as');
  });

  it('rejects an unknown assertion kind and unknown option names', () => {
    expect(assertionSchema.safeParse({ assertion: 'latency', within: '1s' }).success).to.equal(false);
    const typo = assertionSchema.safeParse({ assertion: 'error-budget', maxErrorRate: 1, maxOutages: '5s' });
    expect(typo.success).to.equal(false);
    expect(typo.error?.issues[0]?.message).to.contain('maxOutages');
  });

  it('generates a display name per assertion kind', () => {
    const names = (
      [
        { assertion: 'dns-convergence', within: '10s' },
        { assertion: 'error-budget', maxErrorRate: 0.5, phase: 'fault' },
        { assertion: 'failback', within: '15s' },
      ] as const
    ).map((input) => defaultAssertionName(assertionSchema.parse(input)));

    expect(names).to.deep.equal([
      'DNS converges on secondary within 10 s',
      'Error rate ≤ 0.50% in phase fault',
      'Traffic fails back to primary within 15 s',
    ]);
  });

  it('dispatches each spec to its assertion', () => {
    const specs: AssertionSpec[] = [
      assertionSchema.parse({ assertion: 'dns-convergence', within: '10s' }),
      assertionSchema.parse({ assertion: 'error-budget', maxErrorRate: 0 }),
      assertionSchema.parse({ assertion: 'failback', within: '10s' }),
    ];

    const verdicts = specs.map((spec) => evaluateAssertion(timeline(), spec, CONTEXT));

    expect(verdicts.map((verdict) => [verdict.assertion, verdict.status])).to.deep.equal([
      ['dns-convergence', 'passed'],
      ['error-budget', 'passed'],
      ['failback', 'passed'],
    ]);
    expect(verdicts[0]?.details).to.deep.equal({ [RESOLVER_A]: 2000 });
  });

  it('turns an unexpected throw inside an assertion into an errored verdict carrying the message', () => {
    const broken: Timeline = { ...timeline(), faults: null as unknown as FaultEvent[] };
    const spec = assertionSchema.parse({ assertion: 'dns-convergence', within: '10s', name: 'flip' });

    const verdict = evaluateAssertion(broken, spec, CONTEXT);

    expect(verdict.status).to.equal('errored');
    expect(verdict.name).to.equal('flip');
    expect(verdict.assertion).to.equal('dns-convergence');
    expect(verdict.observed).to.match(/^the assertion could not be evaluated: TypeError: /);
    expect(verdict.expected).to.equal('DNS converges on secondary within 10 s');
  });
});
