import { expect } from 'chai';
import { setTimeout as delay } from 'node:timers/promises';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { CloudWatchClient, DescribeAlarmsCommand, SetAlarmStateCommand, type StateValue } from '@aws-sdk/client-cloudwatch';
import { AwsClients } from '../../src/aws/aws-clients.ts';
import type { Environment } from '../../src/drill/environment.ts';
import type { StopAlarm } from '../../src/drill/stop-alarm.ts';
import type { ControlPlaneCallRecord } from '../../src/runner/run-record.ts';
import { AlarmInAlarmError } from '../../src/runner/alarm-in-alarm-error.ts';
import { checkAlarmsClear, startAlarmGuard, stopAlarmPermissions, AlarmGuardOptionsError } from '../../src/runner/alarm-guard.ts';
import { StopAlarmNotFoundError } from '../../src/runner/stop-alarm-not-found-error.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import { sandboxEnvironment } from '../../src/sandbox/sandbox-environment.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { DEFAULT_TOPOLOGY } from '../../src/sandbox/topology/topology.ts';
import { pollUntil, rejectionOf, sdkClient } from '../sandbox/sandbox-test-kit.ts';

const STOP = 'drdrill-stop-condition';
/** A second alarm in the primary region, so one DescribeAlarms call carries two names. */
const API_5XX = 'api-5xx';

/** Slack on top of one poll interval for breach detection: a loopback call plus timer jitter on a busy machine. */
const DETECTION_SLACK_MS = 750;

describe('alarm guard (stop conditions on CloudWatch alarms, against the sandbox)', () => {
  let sandbox: Sandbox;
  let environment: Environment;
  let clients: AwsClients;
  /** The test's own CloudWatch clients, apart from the guard's, to trip alarms and read them back. */
  const controls = new Map<string, CloudWatchClient>();
  const control = (region: string): CloudWatchClient => {
    let client = controls.get(region);
    if (client === undefined) {
      client = sdkClient(CloudWatchClient, sandbox, region);
      controls.set(region, client);
    }
    return client;
  };
  const setAlarm = async (region: string, name: string, state: StateValue, reason: string): Promise<void> => {
    await control(region).send(new SetAlarmStateCommand({ AlarmName: name, StateValue: state, StateReason: reason }));
  };
  /** When the sandbox says the alarm's state last changed: ground truth for the reason's timestamp. */
  const changedAt = async (region: string, name: string): Promise<string | undefined> => {
    const { MetricAlarms } = await control(region).send(new DescribeAlarmsCommand({ AlarmNames: [name] }));
    return MetricAlarms?.[0]?.StateUpdatedTimestamp?.toISOString();
  };
  /** Every call the guard's clients made (the SDK-level record a run keeps as evidence). */
  let guardCalls: ControlPlaneCallRecord[] = [];
  /** DescribeAlarms calls the guard started at or after `since`, optionally in one region. */
  const pollsSince = (since: number, region?: string) =>
    guardCalls.filter((c) => c.operation === 'DescribeAlarms' && c.startedAt >= since && (region === undefined || c.region === region));

  before(async () => {
    sandbox = await startSandbox({
      topology: { ...DEFAULT_TOPOLOGY, alarms: [...(DEFAULT_TOPOLOGY.alarms ?? []), { name: API_5XX, region: 'us-east-1' }] },
    });
    environment = sandboxEnvironment(sandbox.description);
    expect(environment.regions).to.deep.equal(['us-east-1', 'us-west-2']);
  });
  after(async () => {
    for (const client of controls.values()) client.destroy();
    await sandbox.close();
  });
  beforeEach(async () => {
    guardCalls = [];
    clients = AwsClients.forEnvironment(environment, (call) => guardCalls.push(call));
    await setAlarm('us-east-1', STOP, 'OK', 'test reset');
    await setAlarm('us-east-1', API_5XX, 'OK', 'test reset');
    await setAlarm('us-west-2', STOP, 'OK', 'test reset');
  });
  afterEach(() => clients.destroy());

  describe('startAlarmGuard', () => {
    it('calls onBreach once, within one interval of SetAlarmState, naming the alarm, its region, why and since when', async () => {
      const intervalMs = 1000;
      const alarms: StopAlarm[] = [
        { name: STOP, region: 'primary' },
        { name: API_5XX, region: 'us-east-1' },
        { name: STOP, region: 'secondary' },
      ];
      const breaches: { reason: string; at: number }[] = [];
      const errors: Error[] = [];
      const startedAt = Date.now();
      const guard = startAlarmGuard({ clients, environment, alarms, intervalMs, onBreach: (reason) => breaches.push({ reason, at: Date.now() }), onError: (e) => errors.push(e) });
      try {
        // One call per region per tick, both names of us-east-1 in the same call.
        await pollUntil(async () => (pollsSince(startedAt).length >= 2 ? true : undefined), 3000);
        expect(pollsSince(startedAt, 'us-east-1')).to.have.length(1);
        expect(pollsSince(startedAt, 'us-west-2')).to.have.length(1);
        // Trip it between two polls, not right after one.
        await delay(300);
        await setAlarm('us-west-2', STOP, 'ALARM', 'p99 latency above 2 s for 3 datapoints');
        const tripped = sandbox.events().filter((e) => e.type === 'alarm-state' && e.state === 'ALARM' && e.region === 'us-west-2').at(-1);
        if (tripped === undefined) throw new Error('the sandbox recorded no alarm-state event');

        const breach = await pollUntil(async () => breaches[0], intervalMs + 2 * DETECTION_SLACK_MS);
        const detectionMs = breach.at - tripped.at;
        expect(detectionMs, 'SetAlarmState → onBreach').to.be.within(0, intervalMs + DETECTION_SLACK_MS);

        expect(breach.reason).to.equal(
          `stop condition: CloudWatch alarm "${STOP}" in us-west-2 (secondary) is in ALARM since ${await changedAt('us-west-2', STOP)}: p99 latency above 2 s for 3 datapoints`,
        );

        // Once: another alarm tripping later is not a second breach, and polling has stopped.
        await setAlarm('us-east-1', API_5XX, 'ALARM', 'second alarm');
        await delay(1.5 * intervalMs);
        expect(breaches).to.have.length(1);
        expect(pollsSince(breach.at), 'DescribeAlarms calls started after the breach').to.deep.equal([]);
        expect(errors).to.deep.equal([]);
      } finally {
        await guard.stop();
      }
    });

    it('never breaches while the alarms stay OK or INSUFFICIENT_DATA, over many polls', async () => {
      await setAlarm('us-east-1', API_5XX, 'INSUFFICIENT_DATA', 'no datapoints');
      const breaches: string[] = [];
      const errors: Error[] = [];
      const startedAt = Date.now();
      const guard = startAlarmGuard({
        clients,
        environment,
        alarms: [{ name: STOP, region: 'primary' }, { name: API_5XX, region: 'primary' }, { name: STOP, region: 'secondary' }],
        intervalMs: 100,
        onBreach: (reason) => breaches.push(reason),
        onError: (e) => errors.push(e),
      });
      try {
        await pollUntil(async () => (pollsSince(startedAt, 'us-east-1').length >= 15 && pollsSince(startedAt, 'us-west-2').length >= 15 ? true : undefined), 10_000);
      } finally {
        await guard.stop();
      }
      expect(breaches).to.deep.equal([]);
      expect(errors).to.deep.equal([]);
    });

    it('reports an alarm DescribeAlarms does not return once through onError, and keeps guarding the others', async () => {
      const breaches: string[] = [];
      const errors: Error[] = [];
      const startedAt = Date.now();
      const guard = startAlarmGuard({
        clients,
        environment,
        alarms: [{ name: STOP, region: 'primary' }, { name: 'api-5xxx', region: 'primary' }],
        intervalMs: 100,
        onBreach: (reason) => breaches.push(reason),
        onError: (e) => errors.push(e),
      });
      try {
        await pollUntil(async () => (pollsSince(startedAt).length >= 6 ? true : undefined), 5000);
        expect(errors).to.have.length(1);
        expect(errors[0]).to.be.instanceOf(StopAlarmNotFoundError);
        expect(errors[0]?.message).to.equal(
          'guardrails.stopOnAlarms[1].name: no CloudWatch metric or composite alarm "api-5xxx" in us-east-1 (primary) (check the name and the region)',
        );
        await setAlarm('us-east-1', STOP, 'ALARM', 'still guarded');
        await pollUntil(async () => breaches[0], 3000);
        expect(breaches[0]).to.contain(`"${STOP}" in us-east-1 (primary) is in ALARM`);
        expect(errors).to.have.length(1);
      } finally {
        await guard.stop();
      }
    });

    it('stops polling on stop(), and on its abort signal', async () => {
      const alarms: StopAlarm[] = [{ name: STOP, region: 'primary' }];
      for (const how of ['stop()', 'signal'] as const) {
        const controller = new AbortController();
        const startedAt = Date.now();
        const guard = startAlarmGuard({ clients, environment, alarms, intervalMs: 100, onBreach: () => {}, signal: controller.signal });
        await pollUntil(async () => (pollsSince(startedAt).length >= 3 ? true : undefined), 5000);
        if (how === 'stop()') await guard.stop();
        else controller.abort();
        const stoppedAt = Date.now();
        await delay(500);
        expect(pollsSince(stoppedAt), `DescribeAlarms calls started after ${how}`).to.deep.equal([]);
        await guard.stop();
      }
    });

    it('refuses options it cannot guard with', () => {
      const base = { clients, environment, onBreach: () => {} };
      expect(() => startAlarmGuard({ ...base, alarms: [], intervalMs: 100 })).to.throw(AlarmGuardOptionsError, /at least one alarm/);
      expect(() => startAlarmGuard({ ...base, alarms: [{ name: STOP, region: 'primary' }], intervalMs: 0 })).to.throw(AlarmGuardOptionsError, /positive/);
    });
  });

  describe('checkAlarmsClear (preflight)', () => {
    it('returns every alarm as read when none is in ALARM', async () => {
      const readings = await checkAlarmsClear({
        clients,
        environment,
        alarms: [{ name: STOP, region: 'primary' }, { name: STOP, region: 'us-west-2' }],
      });
      expect(readings.map((r) => [r.alarm.name, r.alarm.region, r.alarm.logicalRegion, r.state])).to.deep.equal([
        [STOP, 'us-east-1', 'primary', 'OK'],
        [STOP, 'us-west-2', undefined, 'OK'],
      ]);
    });

    it('refuses an alarm that does not exist, naming it, its region and its drill field, and nothing else', async () => {
      const callsBefore = sandbox.calls().length;
      const error = await rejectionOf(
        checkAlarmsClear({
          clients,
          environment,
          alarms: [{ name: STOP, region: 'primary' }, { name: 'drdrill-stop-condtion', region: 'secondary' }],
        }),
      );
      expect(error).to.be.instanceOf(StopAlarmNotFoundError);
      expect((error as StopAlarmNotFoundError).problems).to.deep.equal([
        'guardrails.stopOnAlarms[1].name: no CloudWatch metric or composite alarm "drdrill-stop-condtion" in us-west-2 (secondary) (check the name and the region)',
      ]);
      // Only reads: one DescribeAlarms per region, nothing changed.
      expect(sandbox.calls().slice(callsBefore).map((c) => `${c.operation} ${c.region}`).sort()).to.deep.equal(['DescribeAlarms us-east-1', 'DescribeAlarms us-west-2']);
    });

    it('refuses the drill when an alarm is already in ALARM, saying which, why and since when', async () => {
      await setAlarm('us-east-1', API_5XX, 'ALARM', 'Threshold Crossed: 12 5XX in the last minute');
      const since = await changedAt('us-east-1', API_5XX);
      const callsBefore = sandbox.calls().length;
      const error = await rejectionOf(checkAlarmsClear({ clients, environment, alarms: [{ name: STOP, region: 'primary' }, { name: API_5XX, region: 'primary' }] }));
      expect(error).to.be.instanceOf(AlarmInAlarmError);
      expect(error.message).to.equal(
        `a stop alarm is already in ALARM, so nothing was injected: "${API_5XX}" in us-east-1 (primary) is in ALARM since ${since}: Threshold Crossed: 12 5XX in the last minute`,
      );
      expect(sandbox.calls().slice(callsBefore).map((c) => `${c.operation} ${c.region}`)).to.deep.equal(['DescribeAlarms us-east-1']);
    });

    it('names the region when CloudWatch cannot be read there', async () => {
      const unreachable = AwsClients.forEnvironment({ kind: 'sandbox', endpoint: 'http://127.0.0.1:9/' });
      try {
        const error = await rejectionOf(checkAlarmsClear({ clients: unreachable, environment, alarms: [{ name: STOP, region: 'secondary' }] }));
        expect(error.message).to.match(/^cannot read the stop alarms in us-west-2: /);
        expect(error.cause).to.be.instanceOf(Error);
      } finally {
        unreachable.destroy();
      }
    });
  });
});

describe('alarm guard against a slow or failing CloudWatch (mocked SDK)', () => {
  const environment: Pick<Environment, 'regions'> = { regions: ['us-east-1', 'us-west-2'] };
  let stub: AwsClientStub<CloudWatchClient>;
  let clients: AwsClients;

  before(() => {
    stub = mockClient(CloudWatchClient);
  });
  after(() => stub.restore());
  beforeEach(() => {
    stub.reset();
    // Never dialled: every CloudWatchClient's send is the stub.
    clients = AwsClients.forEnvironment({ kind: 'sandbox', endpoint: 'http://127.0.0.1:9/' });
  });
  afterEach(() => clients.destroy());

  it('never has two calls in flight to one region: a call slower than the interval skips ticks', async () => {
    const callMs = 300;
    const inFlight = new Map<string, number>();
    const maxInFlight = new Map<string, number>();
    const callsPerRegion = new Map<string, number>();
    stub.on(DescribeAlarmsCommand).callsFake(async (input: { AlarmNames?: string[] }, getClient: () => CloudWatchClient) => {
      const region = await getClient().config.region();
      inFlight.set(region, (inFlight.get(region) ?? 0) + 1);
      maxInFlight.set(region, Math.max(maxInFlight.get(region) ?? 0, inFlight.get(region) ?? 0));
      callsPerRegion.set(region, (callsPerRegion.get(region) ?? 0) + 1);
      await delay(callMs);
      inFlight.set(region, (inFlight.get(region) ?? 0) - 1);
      return { MetricAlarms: (input.AlarmNames ?? []).map((name) => ({ AlarmName: name, StateValue: 'OK' as const, StateReason: 'fine' })) };
    });
    const startedAt = performance.now();
    const guard = startAlarmGuard({
      clients,
      environment,
      alarms: [{ name: STOP, region: 'primary' }, { name: STOP, region: 'secondary' }],
      intervalMs: 100,
      onBreach: () => {},
    });
    await delay(1300);
    await guard.stop();
    const elapsed = performance.now() - startedAt;
    expect(Object.fromEntries(maxInFlight)).to.deep.equal({ 'us-east-1': 1, 'us-west-2': 1 });
    // At most one call per call duration, not one per 100 ms tick (which would be ~13).
    for (const region of ['us-east-1', 'us-west-2']) {
      expect(callsPerRegion.get(region), region).to.be.within(2, Math.ceil(elapsed / callMs));
    }
  });

  it('reports a region it cannot read once per run of failures, not on every poll', async () => {
    let failing = true;
    let calls = 0;
    stub.on(DescribeAlarmsCommand).callsFake(async () => {
      calls++;
      if (failing) throw Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
      return { MetricAlarms: [{ AlarmName: STOP, StateValue: 'OK' as const, StateReason: 'fine' }] };
    });
    const errors: Error[] = [];
    const guard = startAlarmGuard({ clients, environment, alarms: [{ name: STOP, region: 'primary' }], intervalMs: 100, onBreach: () => {}, onError: (e) => errors.push(e) });
    try {
      await pollUntil(async () => (calls >= 5 ? true : undefined), 5000);
      expect(errors.map((e) => e.message)).to.deep.equal(['cannot read the stop alarms in us-east-1: Throttling: Rate exceeded']);
      failing = false;
      const recoveredAt = calls;
      await pollUntil(async () => (calls >= recoveredAt + 2 ? true : undefined), 5000);
      failing = true;
      const failingAgainAt = calls;
      await pollUntil(async () => (calls >= failingAgainAt + 3 ? true : undefined), 5000);
      expect(errors).to.have.length(2);
    } finally {
      await guard.stop();
    }
  });

  it('asks for composite alarms too, the names of a region in one call', async () => {
    stub.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [{ AlarmName: 'a', StateValue: 'OK', StateReason: 'fine' }],
      CompositeAlarms: [{ AlarmName: 'service-health', StateValue: 'OK', StateReason: 'fine' }],
    });
    const readings = await checkAlarmsClear({ clients, environment, alarms: [{ name: 'a', region: 'primary' }, { name: 'service-health', region: 'primary' }] });
    expect(readings.map((r) => r.alarm.name)).to.deep.equal(['a', 'service-health']);
    const inputs = stub.commandCalls(DescribeAlarmsCommand).map((call) => call.args[0].input);
    expect(inputs).to.deep.equal([{ AlarmNames: ['a', 'service-health'], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], MaxRecords: 100 }]);
  });
});

describe('stopAlarmPermissions', () => {
  it('grants DescribeAlarms on each alarm ARN, in the region its logical name resolves to, once each', () => {
    const environment = { accountId: '111122223333', regions: ['us-east-1', 'us-west-2'] };
    const permissions = stopAlarmPermissions(
      [
        { name: STOP, region: 'primary' },
        { name: STOP, region: 'us-east-1' },
        { name: 'api-5xx', region: 'secondary' },
        { name: 'global', region: 'eu-west-1' },
      ],
      environment,
    );
    expect(permissions).to.deep.equal([
      { action: 'cloudwatch:DescribeAlarms', resource: `arn:aws:cloudwatch:us-east-1:111122223333:alarm:${STOP}` },
      { action: 'cloudwatch:DescribeAlarms', resource: 'arn:aws:cloudwatch:us-west-2:111122223333:alarm:api-5xx' },
      { action: 'cloudwatch:DescribeAlarms', resource: 'arn:aws:cloudwatch:eu-west-1:111122223333:alarm:global' },
    ]);
  });
});
