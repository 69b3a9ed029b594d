import { GetFunctionConcurrencyCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { expect } from 'chai';
import { execFile, spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { CALL_DEADLINES, worstCallMs } from '../../src/aws/call-deadlines.ts';
import type { SandboxDescription } from '../../src/sandbox/sandbox-handle.ts';
import { tempDir } from './e2e-kit.ts';
import { DRDRILL, startSandboxProcess } from './process-kit.ts';

const run = promisify(execFile);

/** A line matching `pattern` and when it was printed. */
interface Seen {
  readonly line: string;
  readonly at: number;
}

/**
 * A drdrill run against a sandbox in its own process, which the test freezes with SIGSTOP: its
 * kernel still accepts connections on the control plane's port, and nothing ever answers.
 */
class FrozenRun {
  readonly output: string[] = [];
  readonly exited: Promise<{ code: number | null; at: number }>;
  readonly #child;
  readonly #waiters: { pattern: RegExp; resolve: (seen: Seen) => void }[] = [];

  constructor(controlPlaneUrl: string, stateDir: string, out: string) {
    this.#child = spawn(
      process.execPath,
      [...DRDRILL, 'run', 'test/fixtures/drills/short-fault-budget.drill.ts', '--sandbox-url', controlPlaneUrl, '--state-dir', stateDir, '--out', out, '--load', 'builtin'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    for (const stream of [this.#child.stdout, this.#child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        this.output.push(line);
        for (const waiter of [...this.#waiters]) {
          if (!waiter.pattern.test(line)) continue;
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
          waiter.resolve({ line, at: Date.now() });
        }
      });
    }
    const killer = setTimeout(() => this.#child.kill('SIGKILL'), 120_000);
    this.exited = new Promise((resolve) =>
      this.#child.once('exit', (code) => {
        clearTimeout(killer);
        resolve({ code, at: Date.now() });
      }),
    );
  }

  next(pattern: RegExp): Promise<Seen> {
    return new Promise((resolve) => this.#waiters.push({ pattern, resolve }));
  }

  signal(name: NodeJS.Signals): number {
    this.#child.kill(name);
    return Date.now();
  }

  text(): string {
    return this.output.join('\n');
  }
}

async function reservedConcurrency(description: SandboxDescription): Promise<number | undefined> {
  const client = new LambdaClient({ region: 'us-east-1', endpoint: description.controlPlaneUrl, credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' } });
  try {
    return (await client.send(new GetFunctionConcurrencyCommand({ FunctionName: 'api-handler' }))).ReservedConcurrentExecutions;
  } finally {
    client.destroy();
  }
}

const ROLLBACK_RETRY = /rollback of lambda us-east-1 api-handler: attempt 1 of \d+ failed \(AbortError: SIGINT received\); trying again/;

describe('a control plane that accepts connections and never answers', function () {
  this.timeout(150_000);
  const deadlines = CALL_DEADLINES.sandbox;
  let sandbox: Awaited<ReturnType<typeof startSandboxProcess>>;
  let stateDir: string;
  let out: string;

  beforeEach(async () => {
    sandbox = await startSandboxProcess();
    stateDir = await tempDir('frozen-state');
    out = await tempDir('frozen-out');
  });
  afterEach(async () => {
    sandbox.thaw();
    await sandbox.stop();
    await rm(stateDir, { recursive: true, force: true });
    await rm(out, { recursive: true, force: true });
  });

  /** Freezes the control plane once the fault is in, SIGINTs the run, and SIGINTs it again while its rollback call hangs. */
  async function freezeAndInterrupt(drill: FrozenRun): Promise<{ firstSigint: number; answeredMs: number; secondAnsweredMs: number }> {
    await drill.next(/\bphase\s+recovery\b/);
    expect(await reservedConcurrency(sandbox.description)).to.equal(0);
    sandbox.freeze();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const stopping = drill.next(/SIGINT received: stopping the drill/);
    const firstSigint = drill.signal('SIGINT');
    const answered = (await stopping).at - firstSigint;
    // The rollback's first call is now waiting on the frozen control plane.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const retried = drill.next(ROLLBACK_RETRY);
    const secondSigint = drill.signal('SIGINT');
    return { firstSigint, answeredMs: answered, secondAnsweredMs: (await retried).at - secondSigint };
  }

  it('frozen for good: SIGINT cuts the blocked rollback call within a second, and the run ends in exit 4 with undo lines that work when pasted', async () => {
    const drill = new FrozenRun(sandbox.description.controlPlaneUrl, stateDir, out);
    const { firstSigint, answeredMs, secondAnsweredMs } = await freezeAndInterrupt(drill);
    expect(answeredMs, drill.text()).to.be.below(1_000);
    expect(secondAnsweredMs, drill.text()).to.be.below(1_000);
    const { code, at } = await drill.exited;
    expect(code, drill.text()).to.equal(4);
    // The fault's budget (5 s cap + the switch's margin, or one call at its deadlines if longer),
    // then two more calls at their deadlines — the read-back of the targets and the evidence
    // signer's key lookup — and 5 s for the rest of the exit.
    const bound = 3 * worstCallMs(deadlines) + 5_000;
    expect(at - firstSigint, drill.text()).to.be.below(bound);

    // Printed in the summary and again on stderr: one distinct line.
    const undo = [...new Set(drill.output.map((line) => line.trim()).filter((line) => /(^|\s)aws\s/.test(line)))];
    expect(undo, drill.text()).to.have.length(1);
    const [line] = undo as [string];
    expect(line).to.include(`--endpoint-url ${sandbox.description.controlPlaneUrl}`).and.to.include('--region us-east-1');
    sandbox.thaw();
    expect(await reservedConcurrency(sandbox.description)).to.equal(0);
    // Pasted as printed, in a shell whose AWS settings point anywhere else.
    // Pasted as printed (the AWS CLI, as the tests' CI installs it), in a shell logged in elsewhere.
    const elsewhere = { AWS_PROFILE: 'someone-else', AWS_DEFAULT_REGION: 'eu-west-3', AWS_ACCESS_KEY_ID: 'AKIAOTHERACCOUNT0000', AWS_SECRET_ACCESS_KEY: 'other', AWS_SESSION_TOKEN: 'other' };
    await run('sh', ['-c', line], { env: { ...process.env, ...elsewhere }, timeout: 30_000 });
    expect(await reservedConcurrency(sandbox.description)).to.equal(undefined);
  });

  it('thawed during the rollback: the next attempt restores the function and the run exits 3', async () => {
    const drill = new FrozenRun(sandbox.description.controlPlaneUrl, stateDir, out);
    const { answeredMs, secondAnsweredMs } = await freezeAndInterrupt(drill);
    expect(answeredMs, drill.text()).to.be.below(1_000);
    expect(secondAnsweredMs, drill.text()).to.be.below(1_000);
    sandbox.thaw();
    const { code } = await drill.exited;
    expect(code, drill.text()).to.equal(3);
    expect(await reservedConcurrency(sandbox.description)).to.equal(undefined);
  });
});
