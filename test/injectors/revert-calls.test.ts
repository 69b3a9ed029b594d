import { CreateApiMappingCommand } from '@aws-sdk/client-apigatewayv2';
import { PutFunctionConcurrencyCommand } from '@aws-sdk/client-lambda';
import { DeleteParameterCommand, GetAutomationExecutionCommand, StartAutomationExecutionCommand, type AutomationExecution } from '@aws-sdk/client-ssm';
import { expect } from 'chai';
import type { AwsApiCall } from '../../src/aws/aws-api-call.ts';
import { AwsClients } from '../../src/aws/aws-clients.ts';
import type { Environment } from '../../src/drill/environment.ts';
import type { FaultHandle, InjectorDeps } from '../../src/injectors/injector.ts';
import { injectorFor, type FaultSpec } from '../../src/injectors/injector-registry.ts';
import { sandboxEnvironment } from '../../src/sandbox/sandbox-environment.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { DEFAULT_TOPOLOGY } from '../../src/sandbox/topology/topology.ts';
import { snapshotSandbox, type SandboxSnapshot } from './sandbox-snapshot.ts';

const VERIFY_TIMEOUT_MS = 15_000;
const POLL_MS = 20;
/** Bound on one runbook execution: a PT0S sleep, then one call to the sandbox. */
const EXECUTION_TIMEOUT_MS = 10_000;

/** How one runbook execution ended: its status and, when it failed, why. */
interface Outcome {
  readonly call: string;
  readonly status: string;
  readonly failure?: string;
}

describe('revertCalls, made by the sandbox runbook instead of rollback, restore the pre-fault state', function () {
  this.timeout(60_000);
  let sandbox: Sandbox;
  let environment: Environment;
  let deps: InjectorDeps;

  beforeEach(async () => {
    sandbox = await startSandbox({ topology: DEFAULT_TOPOLOGY });
    environment = sandboxEnvironment(sandbox.description);
    deps = { environment, clients: AwsClients.forEnvironment(environment), defaultService: 'api' };
  });
  afterEach(async () => {
    deps.clients.destroy();
    await sandbox.close();
  });

  /** Starts `drdrill-TimedRevert` for one call with no delay, with the parameters the runner passes. */
  async function startRevert(call: AwsApiCall): Promise<string> {
    const { AutomationExecutionId } = await deps.clients.ssm(environment.regions[0] ?? '').send(
      new StartAutomationExecutionCommand({
        DocumentName: 'drdrill-TimedRevert',
        Parameters: {
          Delay: ['PT0S'],
          Service: [call.service],
          Api: [call.api],
          Region: [call.region],
          Request: [JSON.stringify(call.request)],
          ...(call.endpoint === undefined ? {} : { Endpoint: [call.endpoint] }),
        },
      }),
    );
    return AutomationExecutionId ?? '';
  }

  /** Runs the calls one at a time, in their order, each to its end (Success or Failed). */
  async function runThroughRunbook(calls: readonly AwsApiCall[]): Promise<Outcome[]> {
    const ssm = deps.clients.ssm(environment.regions[0] ?? '');
    const outcomes: Outcome[] = [];
    for (const call of calls) {
      const id = await startRevert(call);
      let execution: AutomationExecution | undefined;
      for (let i = 0; i < EXECUTION_TIMEOUT_MS / POLL_MS; i++) {
        ({ AutomationExecution: execution } = await ssm.send(new GetAutomationExecutionCommand({ AutomationExecutionId: id })));
        const status = execution?.AutomationExecutionStatus;
        if (status !== 'InProgress' && status !== 'Pending') break;
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      const status = execution?.AutomationExecutionStatus ?? 'unknown';
      outcomes.push({ call: `${call.service}.${call.api}`, status, ...(execution?.FailureMessage === undefined ? {} : { failure: execution.FailureMessage }) });
    }
    return outcomes;
  }

  function expectStateEqual(actual: SandboxSnapshot, expected: SandboxSnapshot, when: string): void {
    for (const key of Object.keys(expected)) expect(actual[key], `${when}: ${key}`).to.deep.equal(expected[key]);
    expect(actual, when).to.deep.equal(expected);
  }

  /**
   * Snapshot, inject, verify the fault landed (the state differs), then make the journaled
   * handle's revert calls through the runbook: every one succeeds and the state equals the
   * snapshot. Then make them again, as a switch firing after a rollback would: the state is still
   * equal, and every repeated call succeeds too ("already as it should be" is not a failure).
   */
  async function revertThroughRunbook(spec: FaultSpec): Promise<{ handle: FaultHandle; calls: readonly AwsApiCall[] }> {
    const injector = injectorFor(spec.injector);
    const before = await snapshotSandbox(deps);
    let journaled = '';
    const { handle } = await injector.inject(spec, deps, async (written) => {
      journaled = JSON.stringify(written);
    });
    await injector.verify(handle, deps, AbortSignal.timeout(VERIFY_TIMEOUT_MS));
    expect(await snapshotSandbox(deps), 'the fault changed the state').to.not.deep.equal(before);

    // From the journal, as the runner would when it arms the switch.
    const calls = injector.revertCalls(JSON.parse(journaled) as FaultHandle, { environment });
    expect(calls, 'revert calls').to.not.be.empty;
    const first = await runThroughRunbook(calls);
    expect(first, 'every revert call succeeds while the fault is in').to.deep.equal(calls.map((c) => ({ call: `${c.service}.${c.api}`, status: 'Success' })));
    expectStateEqual(await snapshotSandbox(deps), before, 'after the revert calls');

    const second = await runThroughRunbook(calls);
    expectStateEqual(await snapshotSandbox(deps), before, 'after the revert calls ran again');
    expect(second, 'every revert call succeeds again once the fault is undone').to.deep.equal(calls.map((c) => ({ call: `${c.service}.${c.api}`, status: 'Success' })));
    return { handle, calls };
  }

  it('lambda-throttle: DeleteFunctionConcurrency takes away the reservation the function never had', async () => {
    const { calls } = await revertThroughRunbook({ injector: 'lambda-throttle', target: { region: 'primary' } });
    expect(calls).to.deep.equal([{ service: 'lambda', api: 'DeleteFunctionConcurrency', region: 'us-east-1', request: { FunctionName: 'api-handler' } }]);
  });

  it('lambda-500 throttle on two services: newest first, one reservation put back and one deleted', async () => {
    await deps.clients.lambda('us-east-1').send(new PutFunctionConcurrencyCommand({ FunctionName: 'service1-handler', ReservedConcurrentExecutions: 7 }));
    const { calls } = await revertThroughRunbook({ injector: 'lambda-500', mode: 'throttle', target: { region: 'primary', services: ['api', 'service1'] } });
    expect(calls.map((c) => [c.api, c.request])).to.deep.equal([
      ['PutFunctionConcurrency', { FunctionName: 'service1-handler', ReservedConcurrentExecutions: 7 }],
      ['DeleteFunctionConcurrency', { FunctionName: 'api-handler' }],
    ]);
  });

  it('lambda-500 ssm-flag: the prior flag is written back, and a flag the drill created is deleted (ParameterNotFound, when repeated, is success)', async () => {
    const created = environment.services['service1']?.failureFlags?.['us-east-1'] ?? '';
    await deps.clients.ssm('us-east-1').send(new DeleteParameterCommand({ Name: created }));
    const { calls } = await revertThroughRunbook(
      { injector: 'lambda-500', mode: 'ssm-flag', statusCode: 503, rate: 1, target: { region: 'primary', services: ['api', 'service1'] } },
    );
    expect(calls.map((c) => [c.api, c.request['Name']])).to.deep.equal([
      ['DeleteParameter', created],
      ['PutParameter', environment.services['api']?.failureFlags?.['us-east-1']],
    ]);
  });

  it('lambda-500 fis: no revert calls, FIS ends the experiment by itself', async () => {
    const injector = injectorFor('lambda-500');
    const { handle } = await injector.inject({ injector: 'lambda-500', mode: 'fis', target: { region: 'primary' } }, deps, async () => {});
    expect(injector.revertCalls(handle, { environment })).to.deep.equal([]);
    await injector.rollback(handle, deps);
  });

  it('fis-experiment: no revert calls, FIS ends the experiment by itself', async () => {
    const injector = injectorFor('fis-experiment');
    const { handle } = await injector.inject({ injector: 'fis-experiment', templates: ['api-primary-500'] }, deps, async () => {});
    expect(injector.revertCalls(handle, { environment })).to.deep.equal([]);
    await injector.rollback(handle, deps);
  });

  it('health-check-invert on two services: Inverted is set back to false in us-east-1, newest first', async () => {
    const { calls } = await revertThroughRunbook({ injector: 'health-check-invert', target: { region: 'primary', services: ['api', 'service1'] } });
    expect(calls).to.deep.equal([
      { service: 'route53', api: 'UpdateHealthCheck', region: 'us-east-1', request: { HealthCheckId: 'hc-service1-us-east-1', Inverted: false } },
      { service: 'route53', api: 'UpdateHealthCheck', region: 'us-east-1', request: { HealthCheckId: 'hc-api-us-east-1', Inverted: false } },
    ]);
  });

  it('health-check-disable: Disabled is set back to false (Route 53 signs in us-east-1 even for a us-west-2 check)', async () => {
    const { calls } = await revertThroughRunbook({ injector: 'health-check-disable', target: { region: 'secondary' } });
    expect(calls).to.deep.equal([{ service: 'route53', api: 'UpdateHealthCheck', region: 'us-east-1', request: { HealthCheckId: 'hc-api-us-west-2', Disabled: false } }]);
  });

  it('api-mapping-detach: the mapping is re-created (ConflictException, when repeated, is success: the same mapping is there)', async () => {
    const { calls } = await revertThroughRunbook({ injector: 'api-mapping-detach', target: { region: 'primary', service: 'service2' } });
    expect(calls.map((c) => c.api)).to.deep.equal(['CreateApiMapping']);
  });

  it('api-mapping-detach: a ConflictException from a key that now maps another API still fails the execution', async () => {
    const injector = injectorFor('api-mapping-detach');
    let journaled = '';
    await injector.inject({ injector: 'api-mapping-detach', target: { region: 'primary', service: 'service2' } }, deps, async (written) => {
      journaled = JSON.stringify(written);
    });
    const [call] = injector.revertCalls(JSON.parse(journaled) as FaultHandle, { environment });
    if (call === undefined) throw new Error('no revert call');
    // Meanwhile someone mapped the key to another API: the switch must not call that "already reverted".
    const other = sandbox.description.resources.services.find((s) => s.name === 'api')?.deployments.find((d) => d.region === call.region)?.apiId;
    const request = call.request as { DomainName: string; Stage: string; ApiMappingKey?: string };
    await deps.clients.apiGatewayV2(call.region).send(new CreateApiMappingCommand({ ...request, ApiId: other }));
    const [outcome] = await runThroughRunbook([call]);
    expect(outcome?.status, JSON.stringify(outcome)).to.equal('Failed');
    expect(outcome?.failure).to.include('apigatewayv2.CreateApiMapping failed: ConflictException');
  });

  it('sg-ingress-revoke: the rule is authorized again identically (InvalidPermission.Duplicate, when repeated, is success)', async () => {
    const { calls } = await revertThroughRunbook(
      { injector: 'sg-ingress-revoke', target: { region: 'primary', service: 'service2' }, rules: { protocol: 'tcp', port: 443 } },
    );
    expect(calls.map((c) => c.api)).to.deep.equal(['AuthorizeSecurityGroupIngress']);
  });

  it('routing-control: the control is set back On through every ARC cluster endpoint (an execution cannot try the next), in the ARC region', async () => {
    const { calls } = await revertThroughRunbook({ injector: 'routing-control', target: { region: 'primary', service: 'service1' }, state: 'Off' });
    const endpoints = environment.arc?.clusterEndpoints ?? [];
    expect(endpoints).to.have.length(5);
    expect(calls).to.deep.equal(
      endpoints.map((endpoint) => ({
        service: 'route53-recovery-cluster',
        api: 'UpdateRoutingControlState',
        region: environment.arc?.region,
        request: { RoutingControlArn: environment.services['service1']?.routingControls?.['us-east-1'], RoutingControlState: 'On' },
        endpoint,
      })),
    );
  });
});
