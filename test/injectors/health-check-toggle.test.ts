import { GetHealthCheckCommand, Route53Client, UpdateHealthCheckCommand } from '@aws-sdk/client-route-53';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { expect } from 'chai';
import { healthCheckDisable, healthCheckInvert } from '../../src/injectors/health-check-toggle.ts';
import { TargetNotFoundError, TargetRefusedError } from '../../src/injectors/injector.ts';
import { awsError, mockDeps, recordingJournal } from './injector-kit.ts';

describe('the health-check toggle injectors', () => {
  let route53: AwsClientStub<Route53Client>;
  before(() => {
    route53 = mockClient(Route53Client);
  });
  after(() => {
    route53.restore();
  });
  afterEach(() => route53.reset());

  it('invert writes only Inverted, and rollback puts back the prior value', async () => {
    route53.on(GetHealthCheckCommand).resolvesOnce({ HealthCheck: { HealthCheckConfig: { Type: 'HTTP', Inverted: false, Disabled: false } } as never }).resolves({
      HealthCheck: { HealthCheckConfig: { Type: 'HTTP', Inverted: true, Disabled: false } } as never,
    });
    route53.on(UpdateHealthCheckCommand).resolves({});
    const journal = recordingJournal();
    const { handle } = await healthCheckInvert.inject({ injector: 'health-check-invert', target: { region: 'primary' } }, mockDeps(), journal.write);
    expect(journal.entries).to.deep.equal([{ flag: 'Inverted', healthChecks: [{ healthCheckId: 'hc-api-east', prior: false }] }]);
    await healthCheckInvert.rollback(handle, mockDeps());
    expect(route53.commandCalls(UpdateHealthCheckCommand).map((c) => c.args[0].input)).to.deep.equal([
      { HealthCheckId: 'hc-api-east', Inverted: true },
      { HealthCheckId: 'hc-api-east', Inverted: false },
    ]);
  });

  it('rollback is idempotent: a check already back at its prior value is not written', async () => {
    route53.on(GetHealthCheckCommand).resolves({ HealthCheck: { HealthCheckConfig: { Type: 'HTTP', Disabled: false } } as never });
    await healthCheckDisable.rollback({ flag: 'Disabled', healthChecks: [{ healthCheckId: 'hc-api-east', prior: false }] }, mockDeps());
    expect(route53.commandCalls(UpdateHealthCheckCommand)).to.have.length(0);
  });

  it('refuses a check that is already disabled', async () => {
    route53.on(GetHealthCheckCommand).resolves({ HealthCheck: { HealthCheckConfig: { Type: 'HTTP', Disabled: true } } as never });
    const error = await healthCheckDisable.inject({ injector: 'health-check-disable', target: { region: 'primary' } }, mockDeps(), async () => {}).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(TargetRefusedError);
    expect((error as Error).message).to.include('hc-api-east is already Disabled=true');
  });

  it('names a missing health check and the environment', async () => {
    route53.on(GetHealthCheckCommand).rejects(awsError('NoSuchHealthCheck', 'No health check found', 404));
    const error = await healthCheckInvert.plan({ injector: 'health-check-invert', target: { region: 'secondary', service: 'service1' } }, mockDeps()).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(TargetNotFoundError);
    expect((error as Error).message).to.equal('route53 health check "hc-service1-west" not found (environment "mocked")');
  });
});
