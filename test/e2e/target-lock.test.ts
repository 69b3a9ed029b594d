import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { ControlPlaneCall, SandboxDescription } from '../../src/sandbox/sandbox-handle.ts';
import { tempDir } from './e2e-kit.ts';
import { untilChecksPass } from './until-checks-pass.ts';
import { DRDRILL, runDrdrill, startDrdrillUntil, startSandboxProcess, stopProcess } from './process-kit.ts';

const LOCK = '/drdrill/locks/lambda/us-east-1/api-handler';

async function lockValue(description: SandboxDescription): Promise<string | undefined> {
  const ssm = new SSMClient({ region: 'us-east-1', endpoint: description.controlPlaneUrl, credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' } });
  try {
    return (await ssm.send(new GetParameterCommand({ Name: LOCK }))).Parameter?.Value;
  } catch (error) {
    if ((error as Error).name === 'ParameterNotFound') return undefined;
    throw error;
  } finally {
    ssm.destroy();
  }
}

async function callsSince(description: SandboxDescription, since: number): Promise<ControlPlaneCall[]> {
  const calls = (await (await fetch(new URL('/_sandbox/calls', description.controlPlaneUrl))).json()) as ControlPlaneCall[];
  return calls.filter((call) => call.at >= since);
}

describe('the target lock', function () {
  this.timeout(120_000);
  let sandbox: Awaited<ReturnType<typeof startSandboxProcess>>;
  const dirs: string[] = [];

  before(async () => {
    sandbox = await startSandboxProcess();
  });
  after(async () => {
    await sandbox.stop();
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('refuses a second drill on the same target, naming the run that holds it, and is released by the first', async () => {
    const [stateA, outA, stateB, outB] = await Promise.all([tempDir('lock-a'), tempDir('lock-a-out'), tempDir('lock-b'), tempDir('lock-b-out')]);
    dirs.push(stateA, outA, stateB, outB);
    const first = spawn(
      process.execPath,
      [...DRDRILL, 'run', 'test/fixtures/drills/long-hold.drill.ts', '--sandbox-url', sandbox.description.controlPlaneUrl, '--state-dir', stateA, '--out', outA],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const lines = createInterface({ input: first.stdout });
    let firstOutput = '';
    const faultIn = new Promise<void>((resolve) => {
      lines.on('line', (line) => {
        firstOutput += `${line}\n`;
        if (/\bphase\s+recovery\b/.test(line)) resolve();
      });
    });
    await faultIn;
    const held = JSON.parse((await lockValue(sandbox.description)) ?? 'null') as { runId: string; drill: string; pid: number } | null;
    expect(held?.drill).to.equal('long-hold');
    expect(held?.pid).to.equal(first.pid);

    const secondStarted = Date.now();
    const second = await runDrdrill([
      'run',
      'test/fixtures/drills/long-hold.drill.ts',
      '--sandbox-url',
      sandbox.description.controlPlaneUrl,
      '--state-dir',
      stateB,
      '--out',
      outB,
    ]);
    expect(second.code, second.output).to.equal(3);
    expect(second.output).to.include(held?.runId ?? '(no holder)');
    expect(second.output).to.include(`pid ${first.pid}`);
    expect(second.output).to.include('nothing was changed');
    // Its only mutating call was the refused conditional put: nothing of the first run's was touched.
    const mutating = (await callsSince(sandbox.description, secondStarted)).filter((call) => call.mutating && call.status < 300);
    expect(mutating.filter((call) => call.operation !== 'PutParameter' || call.region !== 'us-east-1'), JSON.stringify(mutating)).to.deep.equal([]);
    expect(await lockValue(sandbox.description), 'the lock still names the first run').to.include(held?.runId ?? '?');

    // The first run, stopped normally, rolls back and releases its lock.
    expect(await stopProcess(first, 'SIGINT')).to.equal(3);
    lines.close();
    expect(await lockValue(sandbox.description), firstOutput).to.equal(undefined);
  });

  it('is released by drdrill recover after the holder was SIGKILLed', async () => {
    const [state, out] = await Promise.all([tempDir('lock-kill'), tempDir('lock-kill-out')]);
    // The first test's drill was stopped with its fault in: the check must pass again before a drill may inject.
    await untilChecksPass(sandbox.description);
    dirs.push(state, out);
    // The fault is in once the recovery phase starts.
    const run = await startDrdrillUntil(
      ['run', 'test/fixtures/drills/long-hold.drill.ts', '--sandbox-url', sandbox.description.controlPlaneUrl, '--state-dir', state, '--out', out],
      /\bphase\s+recovery\b/,
    );
    await stopProcess(run.child, 'SIGKILL');
    run.close();
    expect(await lockValue(sandbox.description)).to.be.a('string');
    const recovered = await runDrdrill(['recover', '--state-dir', state]);
    expect(recovered.code, recovered.output).to.equal(0);
    expect(recovered.output).to.include('released 1 target lock(s)');
    expect(await lockValue(sandbox.description)).to.equal(undefined);
  });
});
