import { expect } from 'chai';
import type { AssertionContext } from '../../src/assertions/assertion-context.ts';
import { describeFigure, formatFigure } from '../../src/assertions/figure.ts';
import { measureClientRecovery } from '../../src/assertions/client-recovery.ts';
import { measureDetection } from '../../src/assertions/health-detection.ts';
import { evaluateRto, rtoOptions } from '../../src/assertions/rto.ts';
import {
  between,
  CONTEXT,
  HEALTH_POLL_MS,
  PRIMARY_CHECK,
  RESOLVER_A,
  SECONDARY,
  SECONDARY_CHECK,
  T0,
  TimelineBuilder,
  type Answer,
} from './timeline-builder.ts';

const options = (input: Record<string, unknown> = {}) => rtoOptions.parse({ assertion: 'rto', within: '10s', window: '2s', ...input });

const RTO_CONTEXT: AssertionContext = {
  ...CONTEXT,
  healthPollIntervalMs: HEALTH_POLL_MS,
  healthCheckIds: { primary: PRIMARY_CHECK, secondary: SECONDARY_CHECK },
  healthCheck: { requestIntervalMs: 1000, failureThreshold: 3 },
};

/**
 * Injection at 10 s, rollback at 30 s. The primary check turns unhealthy at 13 s (seen at the
 * 13.2 s poll), DNS moves at 13.5 s, and requests (every 100 ms) fail from 10 s until 14 s.
 */
function failover(): TimelineBuilder {
  const dns = (at: number): Answer => (between(at, 13_500, 30_000) ? 'secondary' : 'primary');
  return new TimelineBuilder()
    .standardPhases()
    .inject(10_000)
    .rollback(30_000)
    .health(PRIMARY_CHECK, 200, true, 100)
    .health(SECONDARY_CHECK, 200, true, 100)
    .checkerResult(PRIMARY_CHECK, 11_000, false)
    .health(PRIMARY_CHECK, 13_200, false, 13_000)
    .probes(RESOLVER_A, 0, 40_000, dns)
    .samples(0, 40_000, 100, (at) => (between(at, 10_000, 14_000) ? { status: 500 } : between(at, 14_000, 30_000) ? { region: SECONDARY } : {}));
}

describe('rto assertion', () => {
  it('decomposes the recovery into detect, DNS shift and client recovery, each with its resolution', () => {
    const verdict = evaluateRto(failover().build(40_000), options(), RTO_CONTEXT);

    expect(verdict.status).to.equal('passed');
    expect(verdict.details).to.include({
      detectMs: 3000,
      detectResolutionMs: HEALTH_POLL_MS,
      healthCheckId: PRIMARY_CHECK,
      shiftMs: 3500,
      shiftResolutionMs: 250,
      recoveryMs: 4000,
      recoveryResolutionMs: 100,
      relapses: 0,
      expectedDetectFromMs: 2000,
      expectedDetectToMs: 3000,
    });
    expect(verdict.observed).to.equal(
      'RTO 4 s (±0.10 s): detect 3 s (±0.50 s), DNS shift 3.5 s (±0.25 s), clients 4 s (±0.10 s); expected 2 s–4 s (check every 1 s × threshold 3, + TTL 1 s)',
    );
    expect(verdict.window).to.deep.equal({ from: T0 + 10_000, to: T0 + 14_000 });
    expect(verdict.resolutionMs).to.equal(500);
  });

  it('fails when clients recover later than the objective', () => {
    const verdict = evaluateRto(failover().build(40_000), options({ within: '3s' }), RTO_CONTEXT);

    expect(verdict.status).to.equal('failed');
    expect(verdict.details).to.include({ recoveryMs: 4000 });
  });

  it('tolerates scattered errors below the success-rate threshold', () => {
    // One 500 every 2 s after recovery: 1 in 20 per 2 s window = 95% success.
    const timeline = new TimelineBuilder()
      .standardPhases()
      .inject(10_000)
      .rollback(30_000)
      .samples(10_000, 30_000, 100, (at) => (at < 12_000 || at % 2000 === 0 ? { status: 500 } : {}))
      .build(40_000);

    expect(evaluateRto(timeline, options({ successRate: 90 }), RTO_CONTEXT).details).to.include({ recoveryMs: 1900, relapses: 0 });
    expect(evaluateRto(timeline, options({ successRate: 99 }), RTO_CONTEXT).status).to.equal('failed');
  });

  it('dates recovery after a relapse and reports the relapse', () => {
    // Recovered at 14 s, relapsed 20–21 s, recovered for good at 21 s.
    const timeline = failover()
      .samples(20_000, 21_000, 100, () => ({ status: 503 }))
      .build(40_000);

    const verdict = evaluateRto(timeline, options({ within: '15s' }), RTO_CONTEXT);

    expect(verdict.status).to.equal('passed');
    expect(verdict.details).to.include({ recoveryMs: 11_000, relapses: 1 });
    expect(verdict.observed).to.contain('relapsed 1× (at ');
  });

  it('fails when clients never recover before the rollback, even though they did after it', () => {
    const timeline = new TimelineBuilder()
      .standardPhases()
      .inject(10_000)
      .rollback(30_000)
      .samples(0, 40_000, 100, (at) => (between(at, 10_000, 30_000) ? { status: 500 } : {}))
      .build(40_000);

    const verdict = evaluateRto(timeline, options(), RTO_CONTEXT);

    expect(verdict.status).to.equal('failed');
    expect(verdict.observed).to.match(/^clients never recovered while the fault was in place \(200 requests\)/);
    expect(verdict.observed).to.contain('detect not observed (no health-check status was recorded)');
    expect(verdict.observed).to.contain('DNS shift not observed');
  });

  it('is errored when no requests were sampled during the fault, still reporting detect and shift', () => {
    const timeline = new TimelineBuilder()
      .standardPhases()
      .inject(10_000)
      .rollback(30_000)
      .health(PRIMARY_CHECK, 12_100, false, 12_000)
      .probes(RESOLVER_A, 0, 40_000, (at) => (between(at, 12_500, 30_000) ? 'secondary' : 'primary'))
      .samples(0, 10_000, 100, () => ({}))
      .build(40_000);

    const verdict = evaluateRto(timeline, options(), RTO_CONTEXT);

    expect(verdict.status).to.equal('errored');
    expect(verdict.observed).to.equal(
      'no requests were sampled while the fault was in place, so client recovery is unproven; detect 2 s (±0.50 s), DNS shift 2.5 s (±0.25 s)',
    );
  });

  it('is errored when the fault was held for less than one window', () => {
    const timeline = new TimelineBuilder().inject(10_000).rollback(11_000).samples(0, 20_000, 100, () => ({})).build(20_000);

    const verdict = evaluateRto(timeline, options({ window: '2s' }), RTO_CONTEXT);

    expect(verdict.status).to.equal('errored');
    expect(verdict.observed).to.match(/^the fault was in place for 1 s, shorter than one 2 s window/);
  });

  it('is errored without an injection', () => {
    expect(evaluateRto(new TimelineBuilder().build(1000), options(), RTO_CONTEXT).status).to.equal('errored');
  });

  it('reads detection from the overall status, never from one checker region', () => {
    const timeline = failover().build(40_000);
    const detection = measureDetection(timeline, { healthCheckId: PRIMARY_CHECK, healthy: false, from: T0 + 10_000, until: T0 + 30_000 });

    // The checker result at 11 s is not the check as a whole.
    expect(detection).to.deep.equal({ healthCheckId: PRIMARY_CHECK, at: T0 + 13_000, ms: 3000, already: false, observations: 2 });
  });

  it('reports a check that was already unhealthy before the injection as detected at once', () => {
    const timeline = new TimelineBuilder().health(PRIMARY_CHECK, 100, false).inject(10_000).build(20_000);

    const detection = measureDetection(timeline, { healthCheckId: PRIMARY_CHECK, healthy: false, from: T0 + 10_000, until: T0 + 20_000 });

    expect(detection).to.include({ ms: 0, already: true });
  });

  it('finds no detection when the check stayed healthy', () => {
    const verdict = evaluateRto(failover().build(40_000), options({ healthCheck: SECONDARY_CHECK }), RTO_CONTEXT);

    expect(verdict.details).to.include({ detectMs: null });
    expect(verdict.observed).to.contain(`detect never (${SECONDARY_CHECK} stayed healthy)`);
  });

  it('calls detection not applicable, and its figure n/a with the reason, when a routing control moved traffic and every check stayed healthy', () => {
    const timeline = new TimelineBuilder()
      .standardPhases()
      .fault('inject', 10_000, undefined, undefined, 'routing-control')
      .fault('rollback', 30_000, undefined, undefined, 'routing-control')
      .health(PRIMARY_CHECK, 200, true, 100)
      .probes(RESOLVER_A, 0, 40_000, (at) => (between(at, 10_500, 30_000) ? 'secondary' : 'primary'))
      .samples(0, 40_000, 100, (at) => (between(at, 10_500, 30_000) ? { region: SECONDARY } : {}))
      .build(40_000);

    const verdict = evaluateRto(timeline, options(), RTO_CONTEXT);

    expect(verdict.observed).to.contain(`detect not applicable (a routing-control flip moved traffic; ${PRIMARY_CHECK} stayed healthy, as it should)`);
    const detect = verdict.figures?.find((figure) => figure.name === 'rto.detect');
    expect(detect).to.include({ value: null, inapplicable: `a routing-control flip moved traffic; ${PRIMARY_CHECK} stayed healthy, as it should` });
    expect(detect === undefined ? '' : formatFigure(detect)).to.equal('n/a');
    expect(detect === undefined ? '' : describeFigure(detect)).to.equal(`n/a (a routing-control flip moved traffic; ${PRIMARY_CHECK} stayed healthy, as it should)`);
    expect(verdict.details).to.include({ detectMs: null });
  });

  it('still says detect never for a failure injector whose check stayed healthy', () => {
    const timeline = new TimelineBuilder().standardPhases().inject(10_000).rollback(30_000).health(PRIMARY_CHECK, 200, true, 100).build(40_000);

    const verdict = evaluateRto(timeline, options(), RTO_CONTEXT);

    expect(verdict.observed).to.contain(`detect never (${PRIMARY_CHECK} stayed healthy)`);
    expect(verdict.figures?.find((figure) => figure.name === 'rto.detect')?.value).to.equal(null);
  });
});

describe('client-perceived recovery', () => {
  it('recovers at the first request when the fault never hurt clients', () => {
    const timeline = new TimelineBuilder().samples(0, 10_000, 100, () => ({})).build(10_000);

    const recovery = measureClientRecovery(timeline.samples, { from: T0 + 50, until: T0 + 10_000, windowMs: 1000, minSuccessRate: 100 });

    expect(recovery).to.include({ requests: 99, ms: 50, relapses: 0, resolutionMs: 50 });
  });

  it('reads requests in start order although the store holds them in completion order', () => {
    // Slow failures started early complete after quick successes started later.
    const timeline = new TimelineBuilder()
      .samples(0, 1000, 100, () => ({ status: 0, error: 'ETIMEDOUT', latency: 2000 }))
      .samples(1000, 10_000, 100, () => ({ latency: 5 }))
      .build(10_000);

    const recovery = measureClientRecovery(timeline.samples, { from: T0, until: T0 + 10_000, windowMs: 1000, minSuccessRate: 100 });

    expect(recovery).to.include({ ms: 1000, resolutionMs: 100 });
  });

  it('judges only windows that fit before the end, so a short tail cannot decide alone', () => {
    const timeline = new TimelineBuilder().samples(0, 1500, 100, () => ({})).build(1500);

    const recovery = measureClientRecovery(timeline.samples, { from: T0, until: T0 + 1500, windowMs: 1000, minSuccessRate: 100 });

    expect(recovery.windows).to.equal(6);
  });
});
