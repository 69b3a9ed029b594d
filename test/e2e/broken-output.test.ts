import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { tempDir } from './e2e-kit.ts';
import { journalEntries } from './journal-kit.ts';
import { DRDRILL } from './process-kit.ts';

/**
 * The moments a CI log pipe can close, each named by the progress line drdrill prints there.
 * "During the fault" closes as a minute-long hold begins, when drdrill has nothing of its own to
 * print for a minute: only its heartbeat can find out that nobody is reading.
 */
const MOMENTS = [
  { name: 'before inject', drill: 'test/fixtures/drills/brief-fault.drill.ts', line: /\bphase\s+baseline\b/ },
  { name: 'during the fault', drill: 'test/fixtures/drills/long-hold.drill.ts', line: /\bphase\s+recovery\b/ },
  { name: 'during rollback', drill: 'test/fixtures/drills/brief-fault.drill.ts', line: /\bphase\s+failback\b/ },
] as const;

interface ClosedRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** From closing both pipes to the process's exit. */
  readonly exitAfterCloseMs: number;
}

/**
 * Runs the CLI with stdout and stderr on pipes, reads until `moment`, then closes both read ends
 * (as `| head` or a cancelled CI job does) and optionally sends SIGTERM on top.
 */
async function runAndClosePipes(sandbox: Sandbox, drill: string, moment: RegExp, stateDir: string, out: string, sigterm: boolean): Promise<ClosedRun> {
  const child = spawn(
    process.execPath,
    [...DRDRILL, 'run', drill, '--sandbox-url', sandbox.description.controlPlaneUrl, '--out', out, '--state-dir', stateDir, '--load', 'builtin'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  // Backstop only: the assertions below are what judge the run.
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const lines = createInterface({ input: child.stdout });
  let closedAt: number | undefined;
  for await (const line of lines) {
    if (moment.test(line)) {
      closedAt = Date.now();
      lines.close();
      child.stdout.destroy();
      child.stderr.destroy();
      if (sigterm) setTimeout(() => child.kill('SIGTERM'), 100);
      break;
    }
  }
  const end = await exited;
  clearTimeout(killer);
  if (closedAt === undefined) throw new Error(`the run ended (exit ${end.code}) before printing ${moment}`);
  return { code: end.code, signal: end.signal, exitAfterCloseMs: end.at - closedAt };
}

/** The locks of every target the fixtures fault, for finding any still held. */
const LOCKS = ['/drdrill/locks/lambda/us-east-1/api-handler', '/drdrill/locks/lambda/us-east-1/service1-handler'];

async function heldLocks(sandbox: Sandbox): Promise<string[]> {
  const ssm = new SSMClient({ region: 'us-east-1', endpoint: sandbox.description.controlPlaneUrl, credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' } });
  const held: string[] = [];
  try {
    for (const name of LOCKS) {
      try {
        await ssm.send(new GetParameterCommand({ Name: name }));
        held.push(name);
      } catch (error) {
        if ((error as Error).name !== 'ParameterNotFound') throw error;
      }
    }
    return held;
  } finally {
    ssm.destroy();
  }
}

describe('a drill whose stdout and stderr are closed under it', function () {
  this.timeout(90_000);
  let sandbox: Sandbox;
  let stateDir: string;
  let out: string;

  beforeEach(async () => {
    sandbox = await startSandbox();
    stateDir = await tempDir('closed-pipe-state');
    out = await tempDir('closed-pipe-out');
  });
  afterEach(async () => {
    await sandbox.close();
    await rm(stateDir, { recursive: true, force: true });
    await rm(out, { recursive: true, force: true });
  });

  for (const moment of MOMENTS) {
    for (const sigterm of [false, true]) {
      it(`closed ${moment.name}${sigterm ? ', then SIGTERM' : ''}: exits 3 within 10 s with every fault undone and every lock released`, async () => {
        const run = await runAndClosePipes(sandbox, moment.drill, moment.line, stateDir, out, sigterm);
        const summary = JSON.stringify(run);
        // A SIGTERM that lands while Node tears the finished process down (its run rolled back and
        // its journal closed, ~100 ms after the close when nothing was injected) gets the default
        // action whatever listeners the run had: JavaScript no longer runs to hear it. The journal
        // check below proves the run had finished; anything else must exit 3 on its own.
        if (!(sigterm && run.signal === 'SIGTERM')) {
          expect(run.signal, summary).to.equal(null);
          expect(run.code, summary).to.equal(3);
        }
        expect(run.exitAfterCloseMs, summary).to.be.below(10_000);
        // Ground truth from the sandbox: every function that was throttled got its reservation back.
        const byFunction = new Map<string, (number | null)[]>();
        for (const event of sandbox.events()) {
          if (event.type !== 'function-concurrency') continue;
          byFunction.set(`${event.region} ${event.functionName}`, [...(byFunction.get(`${event.region} ${event.functionName}`) ?? []), event.reservedConcurrency]);
        }
        for (const [name, changes] of byFunction) expect(changes, name).to.deep.equal([0, null]);
        if (moment.name !== 'before inject') expect(byFunction.size, 'faults went in before the close').to.be.greaterThan(0);
        expect(await heldLocks(sandbox)).to.deep.equal([]);
        const entries = await journalEntries(stateDir);
        expect(entries.at(-1)?.type, JSON.stringify(entries.at(-1))).to.equal('closed');
      });
    }
  }
});

describe('drdrill list | head', function () {
  this.timeout(30_000);

  it('finishes quietly, exit 0, when its reader stops after the first line', async () => {
    const child = spawn(process.execPath, [...DRDRILL, 'list', 'drills'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const lines = createInterface({ input: child.stdout });
    for await (const line of lines) {
      expect(line).to.match(/\.drill\.ts$/);
      break;
    }
    lines.close();
    child.stdout.destroy();
    expect(await exited, stderr).to.equal(0);
    expect(stderr).to.equal('');
  });
});
