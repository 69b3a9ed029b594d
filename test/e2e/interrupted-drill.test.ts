import { GetFunctionConcurrencyCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { tempDir } from './e2e-kit.ts';

/** Runs the CLI as a real process, signals it once the fault is in, and reports how it ended. */
async function runAndSignal(
  sandbox: Sandbox,
  signal: NodeJS.Signals,
  stateDir: string,
  out: string,
): Promise<{ code: number | null; output: string; concurrencyWhenSignalled: number | undefined }> {
  const child = spawn(
    process.execPath,
    ['bin/drdrill.js', 'run', 'test/fixtures/drills/long-hold.drill.ts', '--sandbox-url', sandbox.description.controlPlaneUrl, '--out', out, '--state-dir', stateDir],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 45_000);
  let concurrencyWhenSignalled: number | undefined;
  const lines = createInterface({ input: child.stdout });
  for await (const line of lines) {
    output += `${line}\n`;
    // The runner's progress line only: the closing figures also name "phase recovery".
    if (/^\s*\+\s*[\d.]+s phase\s+recovery\b/.test(line)) {
      concurrencyWhenSignalled = await reservedConcurrency(sandbox);
      child.kill(signal);
    }
  }
  const code = await new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (exitCode) => resolve(exitCode));
  });
  clearTimeout(killer);
  return { code, output, concurrencyWhenSignalled };
}

async function reservedConcurrency(sandbox: Sandbox): Promise<number | undefined> {
  const client = new LambdaClient({
    region: 'us-east-1',
    endpoint: sandbox.description.controlPlaneUrl,
    credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' },
  });
  try {
    return (await client.send(new GetFunctionConcurrencyCommand({ FunctionName: 'api-handler' }))).ReservedConcurrentExecutions;
  } finally {
    client.destroy();
  }
}

describe('a drill interrupted during the fault', function () {
  this.timeout(60_000);
  let sandbox: Sandbox;
  let stateDir: string;
  let out: string;

  beforeEach(async () => {
    sandbox = await startSandbox();
    stateDir = await tempDir('signal-state');
    out = await tempDir('signal-out');
  });
  afterEach(async () => {
    await sandbox.close();
    await rm(stateDir, { recursive: true, force: true });
    await rm(out, { recursive: true, force: true });
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`exits 3 on ${signal} with the function's concurrency back to what it was`, async () => {
      const { code, output, concurrencyWhenSignalled } = await runAndSignal(sandbox, signal, stateDir, out);
      expect(concurrencyWhenSignalled, 'the fault was in when the signal was sent').to.equal(0);
      expect(code, output).to.equal(3);
      expect(output).to.include(`${signal} received`);
      expect(await reservedConcurrency(sandbox)).to.equal(undefined);
      const changes = sandbox.events().flatMap((e) => (e.type === 'function-concurrency' ? [e.reservedConcurrency] : []));
      expect(changes).to.deep.equal([0, null]);
    });
  }
});
