import { CloudWatchClient, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { expect } from 'chai';
import { waitUntil } from '../../src/util/wait-until.ts';
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { runCli } from '../../src/cli/cli.ts';
import { readRunRecord } from '../../src/reporters/write-run-directory.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { captureIo, onlyRunDir, tempDir } from './e2e-kit.ts';
import { journalEntries } from './journal-kit.ts';
import { DRDRILL, startSandboxProcess } from './process-kit.ts';

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

  describe('a stop condition on a CloudWatch alarm', () => {
    let sandbox: Sandbox;
    let out: string;
    let stateDir: string;
    let cloudWatch: CloudWatchClient;
    const setAlarm = async (state: 'OK' | 'ALARM'): Promise<number> => {
      await cloudWatch.send(new SetAlarmStateCommand({ AlarmName: 'drdrill-stop-condition', StateValue: state, StateReason: `test set ${state}` }));
      return Date.now();
    };
    beforeEach(async () => {
      sandbox = await startSandbox();
      cloudWatch = new CloudWatchClient({
        region: 'us-east-1',
        endpoint: sandbox.description.controlPlaneUrl,
        credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' },
      });
      out = await tempDir('alarm-out');
      stateDir = await tempDir('alarm-state');
    });
    afterEach(async () => {
      cloudWatch.destroy();
      await sandbox.close();
      await rm(out, { recursive: true, force: true });
      await rm(stateDir, { recursive: true, force: true });
    });

    it('aborts the drill and rolls back within 2 s of the alarm entering ALARM, exiting 3', async () => {
      const io = captureIo();
      const run = runCli(
        ['run', 'test/fixtures/drills/alarm-stop.drill.ts', '--sandbox-url', sandbox.description.controlPlaneUrl, '--out', out, '--state-dir', stateDir],
        io,
      );
      // Trip the alarm once the fault is in (the sandbox's own record of the throttle).
      await waitUntil(() => sandbox.events().some((e) => e.type === 'function-concurrency' && e.reservedConcurrency === 0), { interval: 20, timeout: 20_000 });
      const trippedAt = await setAlarm('ALARM');
      const code = await run;
      expect(code, io.text()).to.equal(3);
      const record = await readRunRecord(await onlyRunDir(out, 'alarm-stop'));
      expect(record.outcome).to.equal('aborted');
      expect(record.reason).to.include('drdrill-stop-condition').and.to.include('ALARM');
      const rolledBackAt = record.faults.find((f) => f.kind === 'rollback')?.at ?? Number.NaN;
      const abortedAt = record.abortedAt ?? Number.NaN;
      console.log(`      alarm → abort ${abortedAt - trippedAt} ms; alarm → rollback done ${rolledBackAt - trippedAt} ms`);
      expect(abortedAt - trippedAt).to.be.within(0, 2000);
      expect(rolledBackAt - trippedAt).to.be.within(0, 2000);
      const concurrency = sandbox.events().flatMap((e) => (e.type === 'function-concurrency' ? [e.reservedConcurrency] : []));
      expect(concurrency).to.deep.equal([0, null]);
    });

    it('refuses to start while an alarm is already in ALARM, injecting nothing', async () => {
      await setAlarm('ALARM');
      const io = captureIo();
      const code = await runCli(
        ['run', 'test/fixtures/drills/alarm-stop.drill.ts', '--sandbox-url', sandbox.description.controlPlaneUrl, '--out', out, '--state-dir', stateDir],
        io,
      );
      expect(code, io.text()).to.equal(3);
      expect(io.text()).to.include('drdrill-stop-condition');
      expect(sandbox.events().filter((e) => e.type === 'function-concurrency')).to.deep.equal([]);
      expect((await journalEntries(stateDir)).filter((entry) => entry.type === 'intent')).to.deep.equal([]);
    });

    it('treats a stop alarm that does not exist as bad input, naming the field', async () => {
      const io = captureIo();
      const code = await runCli(
        ['run', 'test/fixtures/drills/alarm-missing.drill.ts', '--sandbox-url', sandbox.description.controlPlaneUrl, '--out', out, '--state-dir', stateDir],
        io,
      );
      expect(code, io.text()).to.equal(2);
      expect(io.text()).to.include('guardrails.stopOnAlarms[0].name').and.to.include('no-such-alarm');
      expect(sandbox.events().filter((e) => e.type === 'function-concurrency')).to.deep.equal([]);
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
          // The runner's progress line only: the closing figures also name "phase recovery".
          if (/^\s*\+\s*[\d.]+s phase\s+recovery\b/.test(line)) {
            await sandbox.stop();
            child.kill('SIGINT');
          }
        }
        const code = child.exitCode ?? (await new Promise<number | null>((resolve) => child.once('exit', resolve)));
        expect(code, output).to.equal(4);
        expect(output).to.include('ROLLBACK FAILED');
        expect(output).to.include(`aws --endpoint-url ${sandbox.description.controlPlaneUrl} lambda delete-function-concurrency --region us-east-1 --function-name api-handler`);
      } finally {
        await sandbox.stop();
        await rm(stateDir, { recursive: true, force: true });
        await rm(out, { recursive: true, force: true });
      }
    });
  });
});
