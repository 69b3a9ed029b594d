import { GetFunctionConcurrencyCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { JournalEntry } from '../../src/runner/journal.ts';
import type { ControlPlaneCall, SandboxDescription } from '../../src/sandbox/sandbox-handle.ts';
import { tempDir } from './e2e-kit.ts';
import { journalEntries } from './journal-kit.ts';
import { DRDRILL, runDrdrill, stopProcess, useSandboxProcess } from './process-kit.ts';

const CONCURRENT_TRIALS = 5;

/** The primary function's reserved concurrency, read through the same SDK a drill uses (0 while the fault is in). */
async function primaryConcurrency(description: SandboxDescription): Promise<number | null> {
  const region = description.regions[0]?.name ?? 'us-east-1';
  const client = new LambdaClient({ region, endpoint: description.controlPlaneUrl, credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' } });
  try {
    return (await client.send(new GetFunctionConcurrencyCommand({ FunctionName: 'api-handler' }))).ReservedConcurrentExecutions ?? null;
  } finally {
    client.destroy();
  }
}

async function mutatingCalls(description: SandboxDescription): Promise<ControlPlaneCall[]> {
  const response = await fetch(new URL('/_sandbox/calls', description.controlPlaneUrl));
  return ((await response.json()) as ControlPlaneCall[]).filter((call) => call.mutating);
}

/**
 * Runs the long-hold drill until its journal says the fault is applied, then SIGKILLs it. A run
 * that ends first (the sandbox still failing back from the previous test, so the baseline was not
 * steady and nothing was injected) is started again.
 */
async function killMidFault(description: SandboxDescription | 'embedded', stateDir: string, out: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  const sandboxFlags = description === 'embedded' ? [] : ['--sandbox-url', description.controlPlaneUrl];
  while (Date.now() < deadline) {
    const child = spawn(process.execPath, [...DRDRILL, 'run', 'test/fixtures/drills/long-hold.drill.ts', ...sandboxFlags, '--state-dir', stateDir, '--out', out], {
      stdio: 'ignore',
    });
    while (child.exitCode === null && Date.now() < deadline) {
      if ((await journalEntries(stateDir)).some((entry) => entry.type === 'applied')) {
        await stopProcess(child, 'SIGKILL');
        return;
      }
      await delay(50);
    }
    await stopProcess(child, 'SIGKILL');
    // Its journal closed cleanly (nothing injected): out of the way, so the next one is the only one.
    await rm(path.join(stateDir, 'journal'), { recursive: true, force: true });
    await delay(500);
  }
  throw new Error('the drill never journaled an applied fault within 60 s');
}

async function journalFile(stateDir: string): Promise<string> {
  const [name] = (await readdir(path.join(stateDir, 'journal'))).filter((file) => file.endsWith('.ndjson'));
  if (name === undefined) throw new Error(`no journal in ${stateDir}`);
  return path.join(stateDir, 'journal', name);
}

/** Rewrites the journal's run header, as a test of what recover does with what it finds. */
async function editRunHeader(stateDir: string, edit: (run: Extract<JournalEntry, { type: 'run' }>) => object): Promise<void> {
  const file = await journalFile(stateDir);
  const lines = (await readFile(file, 'utf8')).split('\n');
  const header = JSON.parse(lines[0] ?? '{}') as Extract<JournalEntry, { type: 'run' }>;
  lines[0] = JSON.stringify(edit(header));
  await writeFile(file, lines.join('\n'));
}

function isClosed(entries: readonly JournalEntry[]): boolean {
  return entries.some((entry) => entry.type === 'closed');
}

describe('drdrill recover', function () {
  this.timeout(300_000);
  const suite = useSandboxProcess('recover');

  it('leaves the journal open when the control plane is frozen, and a second recover undoes everything once it thaws', async () => {
    await killMidFault(suite.sandbox.description, suite.stateDir, suite.out);
    const sandboxPid = suite.sandbox.description.process?.pid;
    if (sandboxPid === undefined) throw new Error('the sandbox does not say which process it runs in');
    process.kill(sandboxPid, 'SIGSTOP');
    let frozen;
    try {
      frozen = await runDrdrill(['recover', '--state-dir', suite.stateDir]);
    } finally {
      process.kill(sandboxPid, 'SIGCONT');
    }
    expect(frozen.code, frozen.output).to.equal(4);
    expect(frozen.output).to.match(/did not answer within \d+ s; nothing was undone and the journal is left open/);
    expect(isClosed(await journalEntries(suite.stateDir)), 'journal closed while the fault was in').to.equal(false);
    expect(await primaryConcurrency(suite.sandbox.description)).to.equal(0);

    const thawed = await runDrdrill(['recover', '--state-dir', suite.stateDir]);
    expect(thawed.code, thawed.output).to.equal(0);
    expect(thawed.output).to.include('1 fault(s) undone');
    expect(thawed.output).to.include('released 1 target lock(s)');
    expect(await primaryConcurrency(suite.sandbox.description)).to.equal(null);
    expect(isClosed(await journalEntries(suite.stateDir))).to.equal(true);
  });

  it('closes the journal of a run whose embedded sandbox died with it, since its state went too', async () => {
    await killMidFault('embedded', suite.stateDir, suite.out);
    const result = await runDrdrill(['recover', '--state-dir', suite.stateDir]);
    expect(result.code, result.output).to.equal(0);
    expect(result.output).to.match(/its sandbox \(pid \d+\) has exited, and the fault with it/);
    expect(isClosed(await journalEntries(suite.stateDir))).to.equal(true);
  });

  it('reports a corrupt journal and still recovers the good one beside it', async () => {
    await killMidFault(suite.sandbox.description, suite.stateDir, suite.out);
    const corrupt = path.join(suite.stateDir, 'journal', '0000-corrupt.ndjson');
    await writeFile(corrupt, '{"type":"run","runId":"corrupt"}\n{not json at all\n{"type":"closed","at":1,"outcome":"x"}\n');
    const result = await runDrdrill(['recover', '--state-dir', suite.stateDir]);
    expect(result.code, result.output).to.equal(4);
    expect(result.output).to.include(`${corrupt}: unreadable`);
    expect(result.output).to.include('1 fault(s) undone');
    expect(await primaryConcurrency(suite.sandbox.description)).to.equal(null);
  });

  it('recovers a run whose pid now belongs to an unrelated live process', async () => {
    await killMidFault(suite.sandbox.description, suite.stateDir, suite.out);
    const stranger: ChildProcess = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      const pid = stranger.pid;
      if (pid === undefined) throw new Error('could not start a stand-in process');
      await editRunHeader(suite.stateDir, (run) => ({ ...run, pid, ...(run.process === undefined ? {} : { process: { ...run.process, pid } }) }));
      const result = await runDrdrill(['recover', '--state-dir', suite.stateDir]);
      expect(result.code, result.output).to.equal(0);
      expect(result.output).to.not.match(/^skipped /m);
      expect(result.output).to.include('1 fault(s) undone');
      expect(await primaryConcurrency(suite.sandbox.description)).to.equal(null);
    } finally {
      await stopProcess(stranger, 'SIGKILL');
    }
  });

  it("refuses a journal of another account, changes nothing, and leaves it open", async () => {
    await killMidFault(suite.sandbox.description, suite.stateDir, suite.out);
    let accountId = '';
    await editRunHeader(suite.stateDir, (run) => {
      accountId = run.environment.accountId;
      return { ...run, environment: { ...run.environment, accountId: '999999999999' } };
    });
    const before = (await mutatingCalls(suite.sandbox.description)).length;
    const refused = await runDrdrill(['recover', '--state-dir', suite.stateDir]);
    expect(refused.code, refused.output).to.equal(4);
    expect(refused.output).to.match(new RegExp(`written for account 999999999999, but these credentials are for account ${accountId}`));
    expect((await mutatingCalls(suite.sandbox.description)).length).to.equal(before);
    expect(await primaryConcurrency(suite.sandbox.description)).to.equal(0);
    expect(isClosed(await journalEntries(suite.stateDir))).to.equal(false);

    // Put right, the same journal recovers: refusing lost nothing.
    await editRunHeader(suite.stateDir, (run) => ({ ...run, environment: { ...run.environment, accountId } }));
    const recovered = await runDrdrill(['recover', '--state-dir', suite.stateDir]);
    expect(recovered.code, recovered.output).to.equal(0);
    expect(await primaryConcurrency(suite.sandbox.description)).to.equal(null);
  });

  it('exits 2 naming --state-dir when the state folder is missing or a regular file', async () => {
    const missing = await runDrdrill(['recover', '--state-dir', path.join(suite.stateDir, 'nope')]);
    expect(missing.code, missing.output).to.equal(2);
    expect(missing.output).to.match(/--state-dir: .*nope does not exist/);
    const file = path.join(suite.stateDir, 'a-file');
    await writeFile(file, 'x');
    const regular = await runDrdrill(['recover', '--state-dir', file]);
    expect(regular.code, regular.output).to.equal(2);
    expect(regular.output).to.match(/--state-dir: .*a-file is a file, not a folder/);
  });

  it(`undoes a journal once when two recovers start together (${CONCURRENT_TRIALS} trials)`, async () => {
    const undos: number[] = [];
    for (let trial = 0; trial < CONCURRENT_TRIALS; trial++) {
      const trialState = await tempDir('recover-both');
      try {
        await killMidFault(suite.sandbox.description, trialState, suite.out);
        const before = (await mutatingCalls(suite.sandbox.description)).length;
        const [first, second] = await Promise.all([runDrdrill(['recover', '--state-dir', trialState]), runDrdrill(['recover', '--state-dir', trialState])]);
        expect(first.code, first.output).to.equal(0);
        expect(second.code, second.output).to.equal(0);
        const undoCalls = (await mutatingCalls(suite.sandbox.description)).slice(before).filter((call) => call.operation.includes('FunctionConcurrency'));
        const rolledBack = (await journalEntries(trialState)).filter((entry) => entry.type === 'rolled-back');
        undos.push(undoCalls.length);
        expect(undoCalls.length, `trial ${trial}: ${first.output}\n---\n${second.output}`).to.equal(1);
        expect(rolledBack.length, `trial ${trial}`).to.equal(1);
        expect(await primaryConcurrency(suite.sandbox.description)).to.equal(null);
      } finally {
        await rm(trialState, { recursive: true, force: true });
      }
    }
    console.log(`      undo calls per trial: ${JSON.stringify(undos)}`);
  });
});
