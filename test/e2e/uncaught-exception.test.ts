import { GetFunctionConcurrencyCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { expect } from 'chai';
import { rm } from 'node:fs/promises';
import type { SandboxDescription } from '../../src/sandbox/sandbox-handle.ts';
import { tempDir } from './e2e-kit.ts';
import { journalEntries } from './journal-kit.ts';
import { runDrdrill, startSandboxProcess } from './process-kit.ts';

async function primaryConcurrency(description: SandboxDescription): Promise<number | null> {
  const client = new LambdaClient({
    region: description.regions[0]?.name ?? 'us-east-1',
    endpoint: description.controlPlaneUrl,
    credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' },
  });
  try {
    return (await client.send(new GetFunctionConcurrencyCommand({ FunctionName: 'api-handler' }))).ReservedConcurrentExecutions ?? null;
  } finally {
    client.destroy();
  }
}

describe('an uncaught exception during the fault', function () {
  this.timeout(120_000);
  let sandbox: Awaited<ReturnType<typeof startSandboxProcess>>;

  before(async () => {
    sandbox = await startSandboxProcess();
  });
  after(async () => {
    await sandbox.stop();
  });

  for (const [mode, announced] of [
    ['throw', 'uncaught exception: Error: a timer in the drill file threw'],
    ['reject', 'unhandled promise rejection: Error: a promise in the drill file rejected'],
  ] as const) {
    it(`rolls back and exits 3 when the drill file's code ${mode === 'throw' ? 'throws from a timer' : 'leaves a rejection unhandled'}`, async () => {
      const stateDir = await tempDir('uncaught-state');
      const out = await tempDir('uncaught-out');
      try {
        const before = await primaryConcurrency(sandbox.description);
        const run = await runDrdrill(
          ['run', 'test/fixtures/drills/crash-in-fault.drill.ts', '--sandbox-url', sandbox.description.controlPlaneUrl, '--state-dir', stateDir, '--out', out],
          90_000,
          { CRASH_SANDBOX_URL: sandbox.description.controlPlaneUrl, CRASH_MODE: mode },
        );
        expect(run.code, run.output).to.equal(3);
        expect(run.output).to.include(announced);
        // The exception came after injection (the fixture waits for the call), and rollback followed it.
        const types = (await journalEntries(stateDir)).map((entry) => entry.type);
        expect(types, types.join(' ')).to.include.members(['intent', 'applied', 'rolled-back', 'closed']);
        expect(await primaryConcurrency(sandbox.description)).to.equal(before);
      } finally {
        await rm(stateDir, { recursive: true, force: true });
        await rm(out, { recursive: true, force: true });
      }
    });
  }
});
