import { expect } from 'chai';
import { useMockedRoute53 } from '../support/mocked-route53.ts';
import {
  GetHealthCheckCommand,
  GetHealthCheckStatusCommand,
  type HealthCheckObservation,
  type HealthCheckRegion,
} from '@aws-sdk/client-route-53';
import { HealthCheckPollerOptionsError, startHealthCheckPoller } from '../../src/observers/health-check-poller.ts';
import { HealthStatusTracker, type CheckerReport, type HealthCheckRules } from '../../src/observers/health-status-tracker.ts';
import type { HealthObservation } from '../../src/runner/timeline.ts';

const RULES: HealthCheckRules = { requestIntervalMs: 1000, failureThreshold: 3, inverted: false, disabled: false };
const OK = 'Success: HTTP Status Code 200, OK';
const FAIL = 'Failure: HTTP Status Code 500, Internal Server Error';
const REGIONS = ['us-east-1', 'us-west-1', 'us-west-2', 'eu-west-1', 'ap-southeast-1', 'ap-northeast-1', 'sa-east-1', 'ap-southeast-2'];

/** Every region reports `status` at `checkedAt` (as the sandbox's single prober does). */
const all = (status: string, checkedAt: number, regions = REGIONS): CheckerReport[] => regions.map((region) => ({ region, status, checkedAt }));
const overall = (observations: readonly HealthObservation[]) => observations.filter((o) => o.checkerRegion === undefined);

describe('health status tracker', () => {
  it('reports every new checker result once and the overall status on the first reading', () => {
    const tracker = new HealthStatusTracker('hc', RULES);

    const first = tracker.ingest(100, all(OK, 50));
    const again = tracker.ingest(200, all(OK, 50));

    expect(first.filter((o) => o.checkerRegion !== undefined)).to.have.length(8);
    expect(overall(first)).to.deep.equal([
      { at: 100, healthCheckId: 'hc', healthy: true, detail: 'is healthy: 1 of 1 checkers healthy (healthy needs more than 18%)', checkedAt: 50, healthyCheckers: 1, reportingCheckers: 1 },
    ]);
    expect(again).to.deep.equal([]);
  });

  it('flips a checker after FailureThreshold consecutive failures and dates the overall flip at the deciding result', () => {
    const tracker = new HealthStatusTracker('hc', RULES);
    tracker.ingest(0, all(OK, 0));

    const flips = [1000, 2000, 3000].flatMap((t) => overall(tracker.ingest(t + 10, all(FAIL, t))));

    expect(flips).to.have.length(1);
    // The 7th checker to flip tips it: 1 of 8 (12.5%) is not more than 18%.
    expect(flips[0]).to.include({ healthy: false, checkedAt: 3000, at: 3010, healthyCheckers: 1, reportingCheckers: 8 });
    expect(tracker.healthy).to.equal(false);
  });

  it('restarts the count when a success interrupts the failures', () => {
    const tracker = new HealthStatusTracker('hc', RULES);
    tracker.ingest(0, all(OK, 0));
    tracker.ingest(1, all(FAIL, 1000));
    tracker.ingest(2, all(FAIL, 2000));
    tracker.ingest(3, all(OK, 3000));
    tracker.ingest(4, all(FAIL, 4000));
    tracker.ingest(5, all(FAIL, 5000));

    expect(tracker.healthy).to.equal(true);
    expect(overall(tracker.ingest(6, all(FAIL, 6000)))).to.have.length(1);
  });

  it('keeps the check healthy while more than 18% of checkers are healthy', () => {
    const tracker = new HealthStatusTracker('hc', { ...RULES, failureThreshold: 1 });
    tracker.ingest(0, all(OK, 0));

    // 6 of 8 fail: 2 of 8 = 25% healthy, still healthy.
    expect(overall(tracker.ingest(1, all(FAIL, 1000, REGIONS.slice(0, 6))))).to.deep.equal([]);
    // The 7th fails: 1 of 8 = 12.5% healthy, unhealthy.
    const flip = overall(tracker.ingest(2, all(FAIL, 1001, REGIONS.slice(6, 7))));
    expect(flip).to.have.length(1);
    expect(flip[0]).to.include({ healthy: false, healthyCheckers: 1, reportingCheckers: 8, checkedAt: 1001 });
  });

  it('applies Inverted to each result and treats a disabled check as healthy', () => {
    const inverted = new HealthStatusTracker('hc', { ...RULES, inverted: true, failureThreshold: 1 });
    expect(overall(inverted.ingest(0, all(OK, 0)))[0]).to.include({ healthy: false });

    const disabled = new HealthStatusTracker('hc', { ...RULES, disabled: true, failureThreshold: 1 });
    disabled.ingest(0, all(OK, 0));
    expect(disabled.ingest(1, all(FAIL, 1000)).filter((o) => o.checkerRegion === undefined)).to.deep.equal([]);
    expect(disabled.healthy).to.equal(true);
  });

  it('counts results it missed between two agreeing readings, so slow polling still flips on time', () => {
    const tracker = new HealthStatusTracker('hc', RULES);
    tracker.ingest(0, all(OK, 0));
    tracker.ingest(1100, all(FAIL, 1000));

    // Two intervals later, still failing: the missed result at 2000 counts, so this is the third.
    const flip = overall(tracker.ingest(3100, all(FAIL, 3000)));

    expect(flip).to.have.length(1);
    expect(flip[0]).to.include({ healthy: false, checkedAt: 3000 });
  });

  it('counts one result per reading when it polls faster than the checks run, however uneven their timing', () => {
    const tracker = new HealthStatusTracker('hc', RULES);
    tracker.ingest(0, all(OK, 0));
    // Failures checked at 1000 and, after a slow round, 2600 (1.6 intervals later), polled every 200 ms.
    for (let poll = 200; poll <= 3000; poll += 200) {
      const checkedAt = poll >= 2600 ? 2600 : poll >= 1000 ? 1000 : 0;
      tracker.ingest(poll, all(checkedAt === 0 ? OK : FAIL, checkedAt));
    }

    // Two failures seen, none could have been missed: threshold 3 is not reached.
    expect(tracker.healthy).to.equal(true);
  });

  it('does not date a flip before a result it saw when the readings around a gap disagree', () => {
    const tracker = new HealthStatusTracker('hc', RULES);
    tracker.ingest(0, all(OK, 0));

    expect(overall(tracker.ingest(5100, all(FAIL, 5000)))).to.deep.equal([]);
  });
});

describe('health-check poller', () => {
  const route53 = useMockedRoute53();

  const statusWith = (status: string, checkedAt: number): { HealthCheckObservations: HealthCheckObservation[] } => ({
    HealthCheckObservations: REGIONS.slice(0, 3).map((Region) => ({ Region: Region as HealthCheckRegion, IPAddress: '127.0.0.1', StatusReport: { Status: status, CheckedTime: new Date(checkedAt) } })),
  });

  it('reads the rules with GetHealthCheck and turns polled statuses into checker and overall observations', async () => {
    route53.stub.on(GetHealthCheckCommand).resolves({
      HealthCheck: {
        Id: 'hc-1',
        CallerReference: 'x',
        HealthCheckVersion: 1,
        HealthCheckConfig: { Type: 'HTTP', RequestInterval: 10, FailureThreshold: 1, Inverted: false, Disabled: false },
      },
    });
    let call = 0;
    route53.stub.on(GetHealthCheckStatusCommand).callsFake(() => {
      call++;
      return call === 1 ? statusWith(OK, 1000) : statusWith(FAIL, 1000 + call);
    });
    const observations: HealthObservation[] = [];

    const poller = startHealthCheckPoller({ route53: route53.client, healthCheckIds: ['hc-1'], intervalMs: 10, onObservation: (o) => observations.push(o) });
    await poller.ready;
    const deadline = Date.now() + 2000;
    while (overall(observations).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await poller.stop();

    expect(overall(observations).map((o) => [o.healthy, o.checkedAt])).to.deep.equal([
      [true, 1000],
      [false, 1002],
    ]);
    expect(observations.filter((o) => o.checkerRegion !== undefined).slice(0, 3).map((o) => o.checkerRegion)).to.deep.equal(REGIONS.slice(0, 3).sort());
    expect(route53.stub.commandCalls(GetHealthCheckCommand)).to.have.length(1);
    expect(route53.stub.commandCalls(GetHealthCheckStatusCommand)[0]?.args[0].input).to.deep.equal({ HealthCheckId: 'hc-1' });
  });

  it('reports failed polls to onError and keeps polling', async () => {
    route53.stub.on(GetHealthCheckCommand).resolves({ HealthCheck: { Id: 'hc-1', CallerReference: 'x', HealthCheckVersion: 1, HealthCheckConfig: { Type: 'HTTP', FailureThreshold: 1 } } });
    let call = 0;
    route53.stub.on(GetHealthCheckStatusCommand).callsFake(() => {
      call++;
      if (call === 1) throw Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
      return statusWith(OK, 5);
    });
    const errors: string[] = [];
    const observations: HealthObservation[] = [];

    const poller = startHealthCheckPoller({
      route53: route53.client,
      healthCheckIds: ['hc-1'],
      intervalMs: 10,
      onObservation: (o) => observations.push(o),
      onError: (error, id) => errors.push(`${id}: ${(error as Error).name}`),
    });
    const deadline = Date.now() + 2000;
    while (overall(observations).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await poller.stop();

    expect(errors).to.deep.equal(['hc-1: Throttling']);
    expect(overall(observations)).to.have.length(1);
  });

  it('stops when its signal aborts and records nothing afterwards', async () => {
    route53.stub.on(GetHealthCheckCommand).resolves({ HealthCheck: { Id: 'hc-1', CallerReference: 'x', HealthCheckVersion: 1, HealthCheckConfig: { Type: 'HTTP' } } });
    route53.stub.on(GetHealthCheckStatusCommand).resolves(statusWith(OK, 5));
    const controller = new AbortController();
    const observations: HealthObservation[] = [];
    const poller = startHealthCheckPoller({ route53: route53.client, healthCheckIds: ['hc-1'], intervalMs: 10, onObservation: (o) => observations.push(o), signal: controller.signal });
    await poller.ready;

    controller.abort();
    await poller.stop();
    const calls = route53.stub.commandCalls(GetHealthCheckStatusCommand).length;
    await new Promise((r) => setTimeout(r, 50));

    expect(route53.stub.commandCalls(GetHealthCheckStatusCommand).length).to.equal(calls);
  });

  it('rejects bad options naming the field', () => {
    const base = { route53: route53.client, onObservation: () => {} };
    expect(() => startHealthCheckPoller({ ...base, healthCheckIds: [] })).to.throw(HealthCheckPollerOptionsError, /healthCheckIds must list at least one/);
    expect(() => startHealthCheckPoller({ ...base, healthCheckIds: ['a'], intervalMs: 0 })).to.throw(HealthCheckPollerOptionsError, /intervalMs must be a positive number, got 0/);
    expect(() => startHealthCheckPoller({ ...base, healthCheckIds: ['a'], timeScale: -1 })).to.throw(HealthCheckPollerOptionsError, /timeScale/);
  });
});
