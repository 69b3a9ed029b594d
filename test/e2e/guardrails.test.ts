import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { runCli } from '../../src/cli/cli.ts';
import { readRunRecord } from '../../src/reporters/write-run-directory.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { captureIo, onlyRunDir, tempDir } from './e2e-kit.ts';
import { DRDRILL, startSandboxProcess, stopProcess } from './process-kit.ts';

describe('guardrails', function () {
  this.timeout(60_000);

  describe('a stop condition on the error rate', () => {
    let sandbox: Sandbox;
    let out: string;
    let stateDir: string;
    before(async () => {
      sandbox = await startSandbox();
      out = await tempDir('guard-out');
      stateDir = await tempDir('guard-state');
    });
    after(async () => {
      await sandbox.close();
      await rm(out, { recursive: true, force: true });
      await rm(stateDir, { recursive: true, force: true });
    });

    it('aborts the drill and rolls back within 2 s of the breach, exiting 3', async () => {
      const io = captureIo();
      const code = await runCli(
        ['run', 'test/fixtures/drills/blast-radius.drill.ts', '--sandbox-url', sandbox.description.controlPlaneUrl, '--out', out, '--state-dir', stateDir],
        io,
      );
      expect(code, io.text()).to.equal(3);
      const record = await readRunRecord(await onlyRunDir(out, 'blast-radius'));
      expect(record.outcome).to.equal('aborted');
      expect(record.reason).to.match(/stop condition: [\d.]+% of the last \d+ requests failed \(limit 20% over 1000 ms\)/);
      const injectedAt = record.faults.find((f) => f.kind === 'inject')?.at ?? Number.NaN;
      const rolledBackAt = record.faults.find((f) => f.kind === 'rollback')?.at ?? Number.NaN;
      expect(record.abortedAt).to.be.a('number');
      const abortedAt = record.abortedAt as number;
      console.log(`      breach → abort ${abortedAt - injectedAt} ms after injection; rollback done ${rolledBackAt - abortedAt} ms after abort`);
      expect(abortedAt).to.be.greaterThan(injectedAt);
      expect(rolledBackAt - abortedAt).to.be.within(0, 2000);
      const concurrency = sandbox.events().flatMap((e) => (e.type === 'function-concurrency' ? [e.reservedConcurrency] : []));
      expect(concurrency).to.deep.equal([0, null]);
    });
  });

  describe('a rollback that cannot reach the control plane', () => {
    it('exits 4 and prints the AWS CLI line that undoes the fault', async () => {
      const sandbox = await startSandboxProcess();
      const stateDir = await tempDir('rb-state');
      const out = await tempDir('rb-out');
      try {
        const child = spawn(
          process.execPath,
          [...DRDRILL, 'run', 'test/fixtures/drills/long-hold.drill.ts', '--sandbox-url', sandbox.description.controlPlaneUrl, '--out', out, '--state-dir', stateDir],
          { stdio: ['ignore', 'pipe', 'pipe'] },
        );
        let output = '';
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        for await (const line of createInterface({ input: child.stdout })) {
          output += `${line}\n`;
          if (/\bphase\s+recovery\b/.test(line)) {
            await sandbox.stop();
            child.kill('SIGINT');
          }
        }
        const code = child.exitCode ?? (await new Promise<number | null>((resolve) => child.once('exit', resolve)));
        expect(code, output).to.equal(4);
        expect(output).to.include('ROLLBACK FAILED');
        expect(output).to.include('aws lambda delete-function-concurrency --region us-east-1 --function-name api-handler');
      } finally {
        await sandbox.stop();
        await rm(stateDir, { recursive: true, force: true });
        await rm(out, { recursive: true, force: true });
      }
    });
  });
});
