import { GetRoutingControlStateCommand, Route53RecoveryClusterClient, UpdateRoutingControlStateCommand } from '@aws-sdk/client-route53-recovery-cluster';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { expect } from 'chai';
import { TargetNotFoundError, TargetRefusedError } from '../../src/injectors/injector.ts';
import { routingControl, type RoutingControlHandle } from '../../src/injectors/routing-control.ts';
import { awsError, mockDeps, recordingJournal } from './injector-kit.ts';

const SERVICE1_EAST = 'arn:aws:route53-recovery-control::111122223333:controlpanel/cp/routingcontrol/service1-east';

describe('the routing-control injector', () => {
  let arc: AwsClientStub<Route53RecoveryClusterClient>;
  before(() => {
    arc = mockClient(Route53RecoveryClusterClient);
  });
  after(() => {
    arc.restore();
  });
  afterEach(() => arc.reset());

  it('turns off only the named service\'s control and restores its prior state', async () => {
    arc.on(GetRoutingControlStateCommand).resolvesOnce({ RoutingControlState: 'On' }).resolves({ RoutingControlState: 'Off' });
    arc.on(UpdateRoutingControlStateCommand).resolves({});
    const journal = recordingJournal<RoutingControlHandle>();
    const { handle } = await routingControl.inject({ injector: 'routing-control', target: { region: 'primary', service: 'service1' }, state: 'Off' }, mockDeps(), journal.write);
    expect(journal.entries[0]?.controls).to.deep.equal([{ routingControlArn: SERVICE1_EAST, prior: 'On', state: 'Off' }]);
    await routingControl.rollback(handle, mockDeps());
    const updates = arc.commandCalls(UpdateRoutingControlStateCommand).map((c) => `${c.args[0].input.RoutingControlArn} ${c.args[0].input.RoutingControlState}`);
    expect(updates).to.deep.equal([`${SERVICE1_EAST} Off`, `${SERVICE1_EAST} On`]);
  });

  it('refuses a control already in the requested state', async () => {
    arc.on(GetRoutingControlStateCommand).resolves({ RoutingControlState: 'Off' });
    const error = await routingControl.inject({ injector: 'routing-control', target: { region: 'primary', service: 'service1' }, state: 'Off' }, mockDeps(), async () => {}).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(TargetRefusedError);
    expect((error as Error).message).to.include(`${SERVICE1_EAST} is already Off`);
  });

  it('tries the next cluster endpoint when one is unavailable', async () => {
    arc.on(GetRoutingControlStateCommand).rejectsOnce(awsError('EndpointTemporarilyUnavailableException', 'try another', 503)).resolves({ RoutingControlState: 'On' });
    const changes = await routingControl.plan({ injector: 'routing-control', target: { region: 'primary', service: 'service1' }, state: 'Off' }, mockDeps());
    expect(changes).to.deep.equal([{ target: `arc ${SERVICE1_EAST}`, field: 'RoutingControlState', from: 'On', to: 'Off' }]);
    expect(arc.commandCalls(GetRoutingControlStateCommand)).to.have.length(2);
  });

  it('names a missing routing control and the environment', async () => {
    arc.on(GetRoutingControlStateCommand).rejects(awsError('ResourceNotFoundException', 'not found', 404));
    const error = await routingControl.plan({ injector: 'routing-control', target: { region: 'primary', service: 'service1' }, state: 'Off' }, mockDeps()).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(TargetNotFoundError);
    expect((error as Error).message).to.equal(`routing control "${SERVICE1_EAST}" not found on the ARC cluster in us-west-2 (environment "mocked")`);
  });
});
