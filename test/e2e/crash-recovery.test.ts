import { GetFunctionConcurrencyCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { expect } from 'chai';
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import type { SandboxDescription } from '../../src/sandbox/sandbox-handle.ts';
import { tempDir } from './e2e-kit.ts';
import { journalEntries } from './journal-kit.ts';
import { DRDRILL, runDrdrill, seededRandom, startSandboxProcess, stopProcess } from './process-kit.ts';

const RUNS = 20;
const SEED = 20261120;
/**
 * Kill moments span CLI start-up, the plan, the injection and the held fault. Each is a random
 * delay after a moment the run itself announces, not after a fixed time from spawn: how long
 * start-up takes depends on the machine's load, and a fixed window lets every kill land on one
 * side of the injection on a busy machine (or the other on a fast one).
 */
const KILL_ANCHORS = [
  { after: 'start', pattern: undefined, from: 200, upTo: 1500 },
  { after: 'the plan line', pattern: / plan {2,}/, from: 0, upTo: 300 },
  { after: 'the inject line', pattern: / inject {2,}/, from: 0, upTo: 2000 },
] as const;

/** Resolves once the child has printed a line matching `pattern`; rejects if it exits first. */
function printed(child: ChildProcessByStdio<null, Readable, null>, pattern: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString('utf8');
      if (pattern.test(seen)) {
        child.stdout.off('data', onData);
        child.stdout.resume();
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`drdrill exited (${code}) before printing ${pattern}: ${seen}`)));
  });
}

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
        const anchor = KILL_ANCHORS[run % KILL_ANCHORS.length]!;
        const delayMs = Math.round(anchor.from + random() * (anchor.upTo - anchor.from));
        const killAfter = `${delayMs} ms after ${anchor.after}`;
        const child = spawn(
          process.execPath,
          [...DRDRILL, 'run', 'test/fixtures/drills/long-hold.drill.ts', '--sandbox-url', sandbox.description.controlPlaneUrl, '--state-dir', stateDir, '--out', out],
          { stdio: ['ignore', 'pipe', 'ignore'] },
        );
        if (anchor.pattern !== undefined) await printed(child, anchor.pattern);
        else child.stdout.resume();
        await delay(delayMs);
        await stopProcess(child, 'SIGKILL');
        const where = await killedWhere(stateDir);
        landed.push(where);

        const first = await runDrdrill(['recover', '--state-dir', stateDir]);
        expect(first.code, `run ${run} (killed ${killAfter}, ${where}): ${first.output}`).to.equal(0);
        expect(await snapshot(sandbox.description), `run ${run} (killed ${killAfter}, ${where})`).to.deep.equal(before);

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
