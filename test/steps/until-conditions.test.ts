import { expect } from 'chai';
import { dnsCondition, dnsConditionSchema } from '../../src/steps/conditions/dns-condition.ts';
import { errorRateCondition, errorRateConditionSchema } from '../../src/steps/conditions/error-rate-condition.ts';
import { healthCheckCondition, healthCheckConditionSchema } from '../../src/steps/conditions/health-check-condition.ts';
import { trafficCondition, trafficConditionSchema } from '../../src/steps/conditions/traffic-condition.ts';
import { CONTEXT, PRIMARY, PRIMARY_CHECK, RESOLVER_A, RESOLVER_B, SECONDARY, T0, TimelineBuilder } from '../assertions/timeline-builder.ts';

const at = (offset: number): number => T0 + offset;

describe('until conditions read over a timeline as it grows', () => {
  it('dns: true once every resolver answers the region since the until started, and says how many do before', () => {
    // Resolver A moves at 2 s, resolver B at 3 s.
    const timeline = new TimelineBuilder()
      .probes(RESOLVER_A, 0, 5000, (t) => (t < 2000 ? 'primary' : 'secondary'))
      .probes(RESOLVER_B, 0, 5000, (t) => (t < 3000 ? 'primary' : 'secondary'))
      .build(5000);
    const options = dnsConditionSchema.parse({ region: 'secondary' });
    const early = dnsCondition.read(timeline, options, CONTEXT, { since: at(1000), now: at(2600) });
    expect(early.met).to.equal(false);
    expect(early.observed).to.match(new RegExp(`^1 of 2 resolvers on ${SECONDARY}; 127\\.0\\.0\\.1:5354 on ${PRIMARY}`));
    expect(dnsCondition.read(timeline, options, CONTEXT, { since: at(1000), now: at(3100) })).to.deep.include({ met: true, observed: `2 of 2 resolvers on ${SECONDARY}` });
    // A quorum of one is met as soon as the first resolver moved.
    const one = dnsConditionSchema.parse({ region: 'secondary', quorum: 1 });
    expect(dnsCondition.read(timeline, one, CONTEXT, { since: at(1000), now: at(2600) }).met).to.equal(true);
  });

  it('dns: an answer that flaps back restarts the count, as dns-convergence reads it', () => {
    const timeline = new TimelineBuilder()
      .probes(RESOLVER_A, 0, 4000, (t) => (t >= 1000 && t < 2000 ? 'secondary' : 'primary'))
      .build(4000);
    const options = dnsConditionSchema.parse({ region: 'secondary' });
    expect(dnsCondition.read(timeline, options, CONTEXT, { since: at(0), now: at(3000) }).met).to.equal(false);
  });

  it('traffic: true once the share over the window reaches atLeast, not before the window is full', () => {
    const timeline = new TimelineBuilder()
      .samples(0, 6000, 50, (t) => (t < 2000 ? { status: 500 } : { region: SECONDARY }))
      .build(6000);
    const options = trafficConditionSchema.parse({ region: 'secondary', atLeast: 95, window: '2s' });
    const during = trafficCondition.read(timeline, options, CONTEXT, { since: at(0), now: at(3000) });
    expect(during.met).to.equal(false);
    expect(during.observed).to.match(/^50\.00% on us-west-2 \(20 of 40 requests, 20 errors\)$/);
    expect(trafficCondition.read(timeline, options, CONTEXT, { since: at(0), now: at(4500) }).met).to.equal(true);
    // The until started 1 s ago: a 2 s window is not full yet, whatever the share.
    expect(trafficCondition.read(timeline, options, CONTEXT, { since: at(3500), now: at(4500) }).met).to.equal(false);
  });

  it('errorRate: the rate of the last window, a failure counted where it failed', () => {
    const timeline = new TimelineBuilder()
      .samples(0, 6000, 100, (t) => (t < 3000 ? { status: 503 } : {}))
      .build(6000);
    const options = errorRateConditionSchema.parse({ atMost: 1, window: '1s' });
    expect(errorRateCondition.read(timeline, options, CONTEXT, { since: at(0), now: at(2500) })).to.deep.include({ met: false, observed: '100.00% errors (10 of 10 requests)' });
    expect(errorRateCondition.read(timeline, options, CONTEXT, { since: at(0), now: at(4500) })).to.deep.include({ met: true, observed: '0.00% errors (0 of 10 requests)' });
  });

  it('healthCheck: the check as a whole as last read, already so before the until counts too', () => {
    const timeline = new TimelineBuilder().health(PRIMARY_CHECK, 0, true).health(PRIMARY_CHECK, 3000, false, 2800).checkerResult(PRIMARY_CHECK, 3200, true).build(5000);
    const context = { ...CONTEXT, healthCheckIds: { primary: PRIMARY_CHECK } };
    const unhealthy = healthCheckConditionSchema.parse({ region: 'primary', healthy: false });
    expect(healthCheckCondition.read(timeline, unhealthy, context, { since: at(1000), now: at(2000) })).to.deep.include({ met: false, observed: `${PRIMARY_CHECK} healthy (8 of 8 checkers healthy)` });
    expect(healthCheckCondition.read(timeline, unhealthy, context, { since: at(1000), now: at(3500) }).met).to.equal(true);
    expect(healthCheckCondition.read(timeline, unhealthy, context, { since: at(4000), now: at(4500) }).met).to.equal(true);
  });
});
