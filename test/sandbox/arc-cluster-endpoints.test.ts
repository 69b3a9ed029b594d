import { expect } from 'chai';
import { AwsClients } from '../../src/aws/aws-clients.ts';
import { routingControl, type RoutingControlSpec } from '../../src/injectors/routing-control.ts';
import type { InjectorDeps } from '../../src/injectors/injector.ts';
import { invokeAwsApi } from '../../src/sandbox/control-plane/sdk-invoker.ts';
import { sandboxEnvironment } from '../../src/sandbox/sandbox-environment.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { DEFAULT_TOPOLOGY, type SandboxTopology } from '../../src/sandbox/topology/topology.ts';

const SERVICE1_OFF: RoutingControlSpec = { injector: 'routing-control', target: { region: 'primary', service: 'service1' }, state: 'Off' };

/**
 * The sandbox's ARC cluster has several endpoints, as ARC's has five, and one can be down: the
 * routing-control injector, through the real SDK, must skip it and act through the next.
 */
describe('the sandbox ARC cluster’s endpoints', function () {
  this.timeout(30_000);
  let sandbox: Sandbox | undefined;
  let clients: AwsClients | undefined;
  afterEach(async () => {
    clients?.destroy();
    await sandbox?.close();
  });

  async function start(topology: SandboxTopology): Promise<InjectorDeps> {
    sandbox = await startSandbox({ topology });
    const environment = sandboxEnvironment(sandbox.description);
    clients = AwsClients.forEnvironment(environment);
    return { environment, clients, defaultService: 'service1' };
  }
  const arcCalls = (): string[] =>
    (sandbox?.calls() ?? []).filter((call) => call.service === 'route53-recovery-cluster').map((call) => `${call.operation} ${call.path} ${call.status}`);

  it('lists five endpoints by default, one per ARC region, and the first one answers', async () => {
    const deps = await start(DEFAULT_TOPOLOGY);
    const url = sandbox?.description.controlPlaneUrl ?? '';
    expect(deps.environment.arc?.clusterEndpoints).to.deep.equal(
      ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2', 'ap-northeast-1'].map((region) => `${url}/arc-cluster/${region}/v1`),
    );
    expect(await routingControl.plan(SERVICE1_OFF, deps)).to.have.length(1);
    expect(arcCalls()).to.deep.equal(['GetRoutingControlState /arc-cluster/us-east-1/v1/ 200']);
  });

  it('skips an unavailable endpoint: every read and write is refused there, then made through the next', async () => {
    const deps = await start({ ...DEFAULT_TOPOLOGY, arcEndpoints: [{ region: 'us-east-1', available: false }, { region: 'us-west-2' }, { region: 'eu-west-1' }] });
    const { handle } = await routingControl.inject(SERVICE1_OFF, deps, async () => {});
    await routingControl.rollback(handle, deps);
    const calls = arcCalls();
    // Each call tried us-east-1 first, was refused, and went through us-west-2; eu-west-1 was never needed.
    expect(calls.filter((call) => call.includes('us-east-1'))).to.have.length(calls.length / 2);
    for (const call of calls.filter((c) => c.includes('us-east-1'))) expect(call).to.match(/ 503$/);
    for (const call of calls.filter((c) => !c.includes('us-east-1'))) expect(call).to.match(/^\S+ \/arc-cluster\/us-west-2\/v1\/ 200$/);
    expect(calls.filter((call) => call.startsWith('UpdateRoutingControlState') && call.endsWith(' 200'))).to.have.length(2);
    // Ground truth: the control went Off and came back On.
    const states = (sandbox?.events() ?? []).flatMap((event) => (event.type === 'routing-control' ? [event.state] : []));
    expect(states).to.deep.equal(['Off', 'On']);
    const refused = sandbox?.calls().find((call) => call.status === 503);
    expect(refused?.errorCode).to.equal('EndpointTemporarilyUnavailableException');
  });

  it('goes round the endpoints again and fails with ARC’s own error when every one is down, changing nothing', async () => {
    const deps = await start({ ...DEFAULT_TOPOLOGY, arcEndpoints: [{ region: 'us-east-1', available: false }, { region: 'us-west-2', available: false }] });
    const error = await routingControl.inject(SERVICE1_OFF, deps, async () => {}).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(Error);
    expect((error as Error).name).to.equal('EndpointTemporarilyUnavailableException');
    // Round the endpoints again until the call had the attempts any call gets (3 on the sandbox).
    expect(arcCalls()).to.deep.equal(['us-east-1', 'us-west-2', 'us-east-1'].map((region) => `GetRoutingControlState /arc-cluster/${region}/v1/ 503`));
    expect((sandbox?.events() ?? []).filter((event) => event.type === 'routing-control')).to.deep.equal([]);
  });

  it('gives the dead-man’s switch one revert per endpoint, so the one that is down fails alone and the others set the control back', async () => {
    const deps = await start({ ...DEFAULT_TOPOLOGY, arcEndpoints: [{ region: 'us-east-1', available: false }, { region: 'us-west-2' }, { region: 'eu-west-1' }] });
    const { handle } = await routingControl.inject(SERVICE1_OFF, deps, async () => {});
    const calls = routingControl.revertCalls(handle, deps);
    expect(calls.map((call) => call.endpoint?.replace(/^.*\/arc-cluster\//, ''))).to.deep.equal(['us-east-1/v1', 'us-west-2/v1', 'eu-west-1/v1']);
    // Each call as the switch's own execution makes it: one endpoint, one attempt.
    const outcomes = await Promise.all(
      calls.map((call) => invokeAwsApi(sandbox?.description.controlPlaneUrl ?? '', call).then(() => 'Success', (error: unknown) => (error as Error).name)),
    );
    expect(outcomes).to.deep.equal(['EndpointTemporarilyUnavailableException', 'Success', 'Success']);
    const states = (sandbox?.events() ?? []).flatMap((event) => (event.type === 'routing-control' ? [event.state] : []));
    expect(states.at(-1), 'the control is back On').to.equal('On');
  });

  it('refuses a topology naming one endpoint region twice', async () => {
    const error = await startSandbox({ topology: { ...DEFAULT_TOPOLOGY, arcEndpoints: [{ region: 'us-east-1' }, { region: 'us-east-1' }] } }).catch((e: unknown) => e);
    expect((error as Error).message).to.equal('topology.arcEndpoints[1].region: "us-east-1" appears twice; a cluster has one endpoint per region');
  });
});
