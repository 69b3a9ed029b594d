import { GetHealthCheckCommand, Route53Client } from '@aws-sdk/client-route-53';
import { GetFunctionConcurrencyCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetAutomationExecutionCommand, SSMClient } from '@aws-sdk/client-ssm';
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { waitUntil } from '../../src/util/wait-until.ts';
import type { SandboxDescription } from '../../src/sandbox/sandbox-handle.ts';
import { journalEntries } from './journal-kit.ts';
import { DRDRILL, runDrdrill, stopProcess, useSandboxProcess } from './process-kit.ts';

const credentials = { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' };

/** The two things the drill faults, read through the SDK: primary concurrency and the primary check's Inverted flag. */
async function faultState(description: SandboxDescription): Promise<{ concurrency: number | null; inverted: boolean }> {
  const primary = description.regions[0];
  if (primary === undefined) throw new Error('sandbox has no regions');
  const lambda = new LambdaClient({ region: primary.name, endpoint: description.controlPlaneUrl, credentials });
  const route53 = new Route53Client({ region: 'us-east-1', endpoint: description.controlPlaneUrl, credentials });
  try {
    const concurrency = await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'api-handler' }));
    const healthCheckId = description.resources.services.find((s) => s.name === 'api')?.deployments.find((d) => d.role === 'primary')?.healthCheckId;
    const check = await route53.send(new GetHealthCheckCommand({ HealthCheckId: healthCheckId }));
    return { concurrency: concurrency.ReservedConcurrentExecutions ?? null, inverted: check.HealthCheck?.HealthCheckConfig?.Inverted ?? false };
  } finally {
    lambda.destroy();
    route53.destroy();
  }
}

async function executionStatuses(description: SandboxDescription, armed: readonly { executionId: string; region: string }[]): Promise<(string | undefined)[]> {
  const statuses: (string | undefined)[] = [];
  for (const revert of armed) {
    const ssm = new SSMClient({ region: revert.region, endpoint: description.controlPlaneUrl, credentials });
    try {
      const output = await ssm.send(new GetAutomationExecutionCommand({ AutomationExecutionId: revert.executionId }));
      statuses.push(output.AutomationExecution?.AutomationExecutionStatus);
    } finally {
      ssm.destroy();
    }
  }
  return statuses;
}

describe("the dead-man's switch", function () {
  this.timeout(120_000);
  const suite = useSandboxProcess('switch');

  it('reverts every fault at its deadline after the runner was SIGKILLed, with nothing else running', async () => {
    const before = await faultState(suite.sandbox.description);
    const child = spawn(
      process.execPath,
      [...DRDRILL, 'run', 'test/fixtures/drills/dead-mans-switch.drill.ts', '--sandbox-url', suite.sandbox.description.controlPlaneUrl, '--state-dir', suite.stateDir, '--out', suite.out],
      { stdio: 'ignore' },
    );
    // Kill it once both faults are in, with both switches armed: the worst moment to die.
    await waitUntil(async () => (await journalEntries(suite.stateDir)).filter((entry) => entry.type === 'applied').length === 2, {
      interval: 20,
      timeout: 30_000,
    });
    await stopProcess(child, 'SIGKILL');
    const killedAt = Date.now();

    const entries = await journalEntries(suite.stateDir);
    const armed = entries.flatMap((entry) => (entry.type === 'armed' ? entry.executions : []));
    expect(armed.map((revert) => revert.call).sort()).to.deep.equal(['lambda.DeleteFunctionConcurrency', 'route53.UpdateHealthCheck'].sort());
    const deadline = Math.max(...armed.map((revert) => revert.deadline));
    // The switch must not fire early: the runner's own deadline (2 s) plus the margin (6 s) come first.
    expect(deadline - killedAt).to.be.greaterThan(4000);

    const faulted = await faultState(suite.sandbox.description);
    expect(faulted, 'the fault is in when the runner dies').to.deep.equal({ concurrency: 0, inverted: true });

    // Nothing of drdrill is alive now; only the sandbox's automation can undo the fault.
    let restoredAt = 0;
    await waitUntil(
      async () => {
        const state = await faultState(suite.sandbox.description);
        if (state.concurrency !== before.concurrency || state.inverted !== before.inverted) return false;
        restoredAt = Date.now();
        return true;
      },
      { interval: 50, timeout: deadline - Date.now() + 10_000 },
    );
    console.log(`      killed ${Math.round((deadline - killedAt) / 100) / 10} s before the deadline; restored ${restoredAt - deadline} ms after it`);
    expect(restoredAt, 'restored no earlier than the deadline').to.be.at.least(deadline - 200);
    expect(await faultState(suite.sandbox.description)).to.deep.equal(before);

    expect(await executionStatuses(suite.sandbox.description, armed)).to.deep.equal(armed.map(() => 'Success'));

    // recover still finds the journal: it has nothing left to change, and says so cleanly.
    const recovered = await runDrdrill(['recover', '--state-dir', suite.stateDir]);
    expect(recovered.code, recovered.output).to.equal(0);
    expect(await faultState(suite.sandbox.description)).to.deep.equal(before);
  });

  it('is stopped after a normal rollback, so it never fires', async () => {
    const before = await faultState(suite.sandbox.description);
    const run = await runDrdrill([
      'run',
      'test/fixtures/drills/dead-mans-switch.drill.ts',
      '--sandbox-url',
      suite.sandbox.description.controlPlaneUrl,
      '--state-dir',
      suite.stateDir,
      '--out',
      suite.out,
    ]);
    // The 2 s maximum fault duration stops this drill (exit 3), and rollback is normal.
    expect(run.code, run.output).to.equal(3);
    const entries = await journalEntries(suite.stateDir);
    const armed = entries.flatMap((entry) => (entry.type === 'armed' ? entry.executions : []));
    expect(armed).to.have.length(2);
    expect(entries.filter((entry) => entry.type === 'disarmed')).to.have.length(2);
    expect(await executionStatuses(suite.sandbox.description, armed)).to.deep.equal(armed.map(() => 'Cancelled'));
    expect(await faultState(suite.sandbox.description)).to.deep.equal(before);
  });
});
