import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AwsClients } from '../../src/aws/aws-clients.ts';
import type { Environment } from '../../src/drill/environment.ts';
import { DeadMansSwitch, DeadMansSwitchError, isoDelay } from '../../src/runner/dead-mans-switch.ts';
import { FaultController } from '../../src/runner/fault-controller.ts';
import { Journal, readJournal } from '../../src/runner/journal.ts';
import { sandboxEnvironment } from '../../src/sandbox/sandbox-environment.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';

describe("the dead-man's switch, armed by the fault controller", () => {
  let sandbox: Sandbox;
  let stateDir: string;
  before(async () => {
    sandbox = await startSandbox();
  });
  after(async () => sandbox.close());
  beforeEach(async () => {
    stateDir = await mkdtemp(path.join(tmpdir(), 'drdrill-switch-'));
  });
  afterEach(async () => rm(stateDir, { recursive: true, force: true }));

  async function controllerFor(environment: Environment): Promise<{ controller: FaultController; journal: Journal; clients: AwsClients }> {
    const clients = AwsClients.forEnvironment(environment);
    const deps = { environment, clients, defaultService: 'api' };
    const journal = await Journal.create(stateDir, { runId: `run-${Date.now()}`, drill: 'd', file: 'd.drill.ts', environment, defaultService: 'api' });
    const controller = new FaultController({
      deps,
      journal,
      onEvent: () => {},
      deadMansSwitch: new DeadMansSwitch(deps, 'run'),
      revertAfterMs: 60_000,
      rollbackBackoffMs: 1,
    });
    return { controller, journal, clients };
  }

  it('arms before the mutating call and journals the execution', async () => {
    const environment = sandboxEnvironment(sandbox.description);
    const { controller, journal, clients } = await controllerFor(environment);
    const since = Date.now();
    await controller.inject({ injector: 'lambda-throttle', target: { region: 'primary' } });
    const mutating = sandbox.calls().filter((call) => call.at >= since && call.mutating).map((call) => call.operation);
    expect(mutating).to.deep.equal(['StartAutomationExecution', 'PutFunctionConcurrency']);
    expect((await readJournal(journal.file)).armed.map((revert) => revert.call)).to.deep.equal(['lambda.DeleteFunctionConcurrency']);
    expect(await controller.rollbackAll()).to.deep.equal([]);
    expect(sandbox.calls().filter((call) => call.at >= since && call.mutating).map((call) => call.operation).slice(2)).to.deep.equal([
      'DeleteFunctionConcurrency',
      'StopAutomationExecution',
    ]);
    await journal.close('test');
    clients.destroy();
  });

  it('refuses the fault, changing nothing, when the runbook is not installed, and says how to install it', async () => {
    const environment = { ...sandboxEnvironment(sandbox.description), deadMansSwitch: { document: 'not-installed' } };
    const { controller, journal, clients } = await controllerFor(environment);
    const since = Date.now();
    const error = await controller.inject({ injector: 'lambda-throttle', target: { region: 'primary' } }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(DeadMansSwitchError);
    expect((error as Error).message).to.include('aws ssm create-document --name not-installed').and.to.include('Nothing was injected');
    expect(sandbox.calls().filter((call) => call.at >= since && call.mutating && call.status < 300)).to.deep.equal([]);
    // The intent is on the stack (it was journaled); undoing it finds nothing to change.
    expect(await controller.rollbackAll()).to.deep.equal([]);
    expect(sandbox.calls().filter((call) => call.at >= since && call.mutating && call.status < 300)).to.deep.equal([]);
    await journal.close('test');
    clients.destroy();
  });

  it('is left out entirely when the environment turns it off', async () => {
    const environment = { ...sandboxEnvironment(sandbox.description), deadMansSwitch: { enabled: false } };
    const { controller, journal, clients } = await controllerFor(environment);
    const since = Date.now();
    await controller.inject({ injector: 'lambda-throttle', target: { region: 'primary' } });
    await controller.rollbackAll();
    expect(sandbox.calls().filter((call) => call.at >= since && call.mutating).map((call) => call.operation)).to.deep.equal([
      'PutFunctionConcurrency',
      'DeleteFunctionConcurrency',
    ]);
    await journal.close('test');
    clients.destroy();
  });

  it("sleeps in whole seconds of the runbook's clock, which the sandbox runs at timeScale", () => {
    expect(isoDelay(8000, 0.1)).to.equal('PT80S');
    expect(isoDelay(90_500, 1)).to.equal('PT91S');
    expect(isoDelay(0, 1)).to.equal('PT1S');
  });
});
