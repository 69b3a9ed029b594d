import { GetFunctionConcurrencyCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import type { SandboxDescription } from '../../src/sandbox/sandbox-handle.ts';
import { tempDir } from './e2e-kit.ts';
import { journalEntries } from './journal-kit.ts';
import { DRDRILL, runDrdrill, seededRandom, startSandboxProcess, stopProcess } from './process-kit.ts';

const RUNS = 20;
const SEED = 20261120;
/** Kill moments span CLI start-up, the baseline, the injection and the held fault. */
const KILL_WINDOW_MS = { from: 200, to: 3200 };

/** What the drill can change in the sandbox, read through the same SDK a drill uses. */
async function snapshot(description: SandboxDescription): Promise<Record<string, number | null>> {
  const state: Record<string, number | null> = {};
  for (const region of description.regions) {
    const client = new LambdaClient({
      region: region.name,
      endpoint: description.controlPlaneUrl,
      credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' },
    });
    try {
      const output = await client.send(new GetFunctionConcurrencyCommand({ FunctionName: 'api-handler' }));
      state[`${region.name}/api-handler`] = output.ReservedConcurrentExecutions ?? null;
    } finally {
      client.destroy();
    }
  }
  return state;
}

/** Where in the run the kill landed, read back from the journal it left. */
async function killedWhere(stateDir: string): Promise<'before-journal' | 'before-injection' | 'fault-in' | 'rolled-back'> {
  const types = (await journalEntries(stateDir)).map((entry) => entry.type);
  if (types.length === 0) return 'before-journal';
  if (types.includes('rolled-back')) return 'rolled-back';
  if (types.includes('intent')) return 'fault-in';
  return 'before-injection';
}

describe('a drill killed with SIGKILL at random moments', function () {
  this.timeout(300_000);
  let sandbox: Awaited<ReturnType<typeof startSandboxProcess>>;

  before(async () => {
    sandbox = await startSandboxProcess();
  });
  after(async () => {
    await sandbox.stop();
  });

  it(`leaves nothing behind once drdrill recover has run (${RUNS} runs)`, async () => {
    const random = seededRandom(SEED);
    const before = await snapshot(sandbox.description);
    const landed: string[] = [];
    for (let run = 0; run < RUNS; run++) {
      const stateDir = await tempDir('crash-state');
      const out = await tempDir('crash-out');
      try {
        const killAfter = Math.round(KILL_WINDOW_MS.from + random() * (KILL_WINDOW_MS.to - KILL_WINDOW_MS.from));
        const child = spawn(
          process.execPath,
          [...DRDRILL, 'run', 'test/fixtures/drills/long-hold.drill.ts', '--sandbox-url', sandbox.description.controlPlaneUrl, '--state-dir', stateDir, '--out', out],
          { stdio: 'ignore' },
        );
        await delay(killAfter);
        await stopProcess(child, 'SIGKILL');
        const where = await killedWhere(stateDir);
        landed.push(where);

        const first = await runDrdrill(['recover', '--state-dir', stateDir]);
        expect(first.code, `run ${run} (killed after ${killAfter} ms, ${where}): ${first.output}`).to.equal(0);
        expect(await snapshot(sandbox.description), `run ${run} (killed after ${killAfter} ms, ${where})`).to.deep.equal(before);

        const second = await runDrdrill(['recover', '--state-dir', stateDir]);
        expect(second.code).to.equal(0);
        expect(second.output).to.include('nothing to recover');
      } finally {
        await rm(stateDir, { recursive: true, force: true });
        await rm(out, { recursive: true, force: true });
      }
    }
    const counts = landed.reduce<Record<string, number>>((acc, where) => ({ ...acc, [where]: (acc[where] ?? 0) + 1 }), {});
    console.log(`      kills landed: ${JSON.stringify(counts)}`);
    // The kills must have covered both sides of the injection, or the test proved less than it says.
    expect(counts['fault-in'] ?? 0, JSON.stringify(counts)).to.be.greaterThan(2);
    expect((counts['before-journal'] ?? 0) + (counts['before-injection'] ?? 0), JSON.stringify(counts)).to.be.greaterThan(2);
  });
});
