import { expect } from 'chai';
import { CloudWatchClient, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { GetHealthCheckCommand, GetHealthCheckStatusCommand, UpdateHealthCheckCommand } from '@aws-sdk/client-route-53';
import type { Sandbox, SandboxEvent } from '../../src/sandbox/sandbox-handle.ts';
import { InvalidSandboxOptionsError, startSandbox } from '../../src/sandbox/start-sandbox.ts';
import type { SandboxTopology } from '../../src/sandbox/topology/topology.ts';
import { addressesOf, pollUntil, rejectionOf, route53Client, sdkClient, udpQuery } from './sandbox-test-kit.ts';

const CHECKERS = ['us-east-1', 'eu-west-1', 'ap-southeast-1'];

const TOPOLOGY: SandboxTopology = {
  accountId: '111122223333',
  timeScale: 0.02,
  hostedZone: { id: 'Z0CHECKSTEST', name: 'checks.test' },
  regions: [
    { name: 'us-east-1', address: '127.0.0.71' },
    { name: 'us-west-2', address: '127.0.0.72' },
  ],
  alarms: [
    { name: 'api-5xx', region: 'us-east-1' },
    { name: 'strict-5xx', region: 'us-east-1' },
  ],
  services: [
    {
      name: 'metric',
      recordName: 'metric.checks.test',
      ttl: 1,
      regions: ['us-east-1', 'us-west-2'],
      healthPath: '/health',
      deployments: [
        { region: 'us-east-1', healthCheckType: 'CLOUDWATCH_METRIC', alarm: { name: 'api-5xx', region: 'us-east-1' } },
        { region: 'us-west-2', requestInterval: 10, checkerRegions: CHECKERS },
      ],
    },
    {
      name: 'strict',
      recordName: 'strict.checks.test',
      ttl: 1,
      regions: ['us-east-1', 'us-west-2'],
      healthPath: '/health',
      deployments: [{ region: 'us-east-1', healthCheckType: 'CLOUDWATCH_METRIC', alarm: { name: 'strict-5xx', region: 'us-east-1' }, insufficientDataHealthStatus: 'Unhealthy' }],
    },
  ],
};

type HealthEvent = Extract<SandboxEvent, { type: 'health-check-status' }>;

/** Status events of one check recorded after the `since`-th event (a count, not a time: two changes may share a millisecond). */
function statusEvents(sandbox: Sandbox, id: string, since: number): HealthEvent[] {
  return sandbox.events().slice(since).filter((e): e is HealthEvent => e.type === 'health-check-status' && e.healthCheckId === id);
}

describe('health checks bound to alarms and checker regions per check', function () {
  this.timeout(20_000);
  let sandbox: Sandbox;
  let cloudwatch: CloudWatchClient;
  before(async () => {
    sandbox = await startSandbox({ topology: TOPOLOGY });
    cloudwatch = sdkClient(CloudWatchClient, sandbox, 'us-east-1');
  });
  after(async () => {
    await sandbox.close();
  });

  /** Sets an alarm's state; returns how many events there were before, for `statusEvents`. */
  const setAlarm = async (name: string, state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA'): Promise<number> => {
    const at = sandbox.events().length;
    await cloudwatch.send(new SetAlarmStateCommand({ AlarmName: name, StateValue: state, StateReason: `test sets ${state}` }));
    return at;
  };

  it('describes a CLOUDWATCH_METRIC check as Route 53 does: its alarm, InsufficientDataHealthStatus and the alarm configuration', async () => {
    const { HealthCheck } = await route53Client(sandbox).send(new GetHealthCheckCommand({ HealthCheckId: 'hc-metric-us-east-1' }));
    expect(HealthCheck?.HealthCheckConfig).to.deep.include({ Type: 'CLOUDWATCH_METRIC', AlarmIdentifier: { Region: 'us-east-1', Name: 'api-5xx' }, InsufficientDataHealthStatus: 'LastKnownStatus' });
    expect(HealthCheck?.HealthCheckConfig?.IPAddress).to.equal(undefined);
    expect(HealthCheck?.CloudWatchAlarmConfiguration).to.deep.include({ MetricName: '5XXError', Namespace: 'AWS/ApiGateway', ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    const strict = await route53Client(sandbox).send(new GetHealthCheckCommand({ HealthCheckId: 'hc-strict-us-east-1' }));
    expect(strict.HealthCheck?.HealthCheckConfig?.InsufficientDataHealthStatus).to.equal('Unhealthy');
  });

  it('follows SetAlarmState: unhealthy in ALARM (DNS fails over), the last status while data is insufficient, healthy again when OK', async () => {
    const id = 'hc-metric-us-east-1';
    expect(addressesOf(await udpQuery(sandbox, 'metric.checks.test'))).to.deep.equal(['127.0.0.71']);
    const alarmAt = await setAlarm('api-5xx', 'ALARM');
    expect(statusEvents(sandbox, id, alarmAt).map((e) => e.healthy)).to.deep.equal([false]);
    const failover = sandbox.events().slice(alarmAt).find((e) => e.type === 'dns-answer' && e.name === 'metric.checks.test');
    expect(failover).to.deep.include({ addresses: ['127.0.0.72'] });
    expect(addressesOf(await udpQuery(sandbox, 'metric.checks.test'))).to.deep.equal(['127.0.0.72']);

    const insufficientAt = await setAlarm('api-5xx', 'INSUFFICIENT_DATA');
    expect(statusEvents(sandbox, id, insufficientAt), 'LastKnownStatus keeps unhealthy').to.deep.equal([]);
    const okAt = await setAlarm('api-5xx', 'OK');
    expect(statusEvents(sandbox, id, okAt).map((e) => e.healthy)).to.deep.equal([true]);
    expect(addressesOf(await udpQuery(sandbox, 'metric.checks.test'))).to.deep.equal(['127.0.0.71']);
    const againAt = await setAlarm('api-5xx', 'INSUFFICIENT_DATA');
    expect(statusEvents(sandbox, id, againAt), 'LastKnownStatus keeps healthy').to.deep.equal([]);
    await setAlarm('api-5xx', 'OK');
  });

  it('treats insufficient data as unhealthy when the check says Unhealthy, and Inverted flips the alarm\'s verdict', async () => {
    const id = 'hc-strict-us-east-1';
    const at = await setAlarm('strict-5xx', 'INSUFFICIENT_DATA');
    expect(statusEvents(sandbox, id, at).map((e) => e.healthy)).to.deep.equal([false]);
    const okAt = await setAlarm('strict-5xx', 'OK');
    expect(statusEvents(sandbox, id, okAt).map((e) => e.healthy)).to.deep.equal([true]);
    const route53 = route53Client(sandbox);
    const { HealthCheck } = await route53.send(new GetHealthCheckCommand({ HealthCheckId: id }));
    const invertedAt = sandbox.events().length;
    await route53.send(new UpdateHealthCheckCommand({ HealthCheckId: id, HealthCheckVersion: HealthCheck?.HealthCheckVersion, Inverted: true }));
    expect(statusEvents(sandbox, id, invertedAt).map((e) => e.healthy)).to.deep.equal([false]);
    const invalid = await rejectionOf(route53.send(new UpdateHealthCheckCommand({ HealthCheckId: 'hc-metric-us-west-2', InsufficientDataHealthStatus: 'Healthy' })));
    expect(invalid.message).to.contain('only for CLOUDWATCH_METRIC');
  });

  it('probes each check from its own checker regions: the check that names three reports exactly those, the others the topology default', async () => {
    const route53 = route53Client(sandbox);
    const { HealthCheck } = await route53.send(new GetHealthCheckCommand({ HealthCheckId: 'hc-metric-us-west-2' }));
    expect(HealthCheck?.HealthCheckConfig?.Regions).to.deep.equal(CHECKERS);
    const observed = await pollUntil(async () => {
      const { HealthCheckObservations = [] } = await route53.send(new GetHealthCheckStatusCommand({ HealthCheckId: 'hc-metric-us-west-2' }));
      return HealthCheckObservations.length > 0 ? HealthCheckObservations.map((o) => o.Region).sort() : undefined;
    }, 5000);
    expect(observed).to.deep.equal([...CHECKERS].sort());
    const strictWest = await route53.send(new GetHealthCheckCommand({ HealthCheckId: 'hc-strict-us-west-2' }));
    expect(strictWest.HealthCheck?.HealthCheckConfig?.Regions).to.have.length(8);
  });

  it('refuses a CLOUDWATCH_METRIC check without an alarm of the topology, and checker regions Route 53 does not run', async () => {
    const service = TOPOLOGY.services[0]!;
    const withDeployment = (deployment: object): SandboxTopology => ({ ...TOPOLOGY, services: [{ ...service, deployments: [deployment as never] }] });
    const missing = await startSandbox({ topology: withDeployment({ region: 'us-east-1', healthCheckType: 'CLOUDWATCH_METRIC', alarm: { name: 'nope', region: 'us-east-1' } }) }).then(() => undefined, (e: unknown) => e);
    expect(missing).to.be.instanceOf(InvalidSandboxOptionsError);
    expect((missing as Error).message).to.contain('topology.services[0].deployments[0].alarm').and.contain('"nope"').and.contain('api-5xx (us-east-1)');
    const checkers = await startSandbox({ topology: withDeployment({ region: 'us-east-1', checkerRegions: ['us-east-1', 'eu-west-1', 'eu-central-1'] }) }).then(() => undefined, (e: unknown) => e);
    expect((checkers as Error).message).to.contain('topology.services[0].deployments[0].checkerRegions[2]').and.contain('"eu-central-1"');
  });
});
