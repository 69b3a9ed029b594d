import { expect } from 'chai';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { runCli } from '../../src/cli/cli.ts';
import { readRunRecord } from '../../src/reporters/write-run-directory.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { captureIo, onlyRunDir, tempDir } from './e2e-kit.ts';

describe('an until that never comes true', function () {
  this.timeout(90_000);
  let sandbox: Sandbox;
  const dirs: string[] = [];
  before(async () => {
    sandbox = await startSandbox();
  });
  after(async () => {
    await sandbox.close();
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('fails after its budget with what it saw last, skips the steps after it, rolls back and exits 1', async () => {
    const out = await tempDir('until-out');
    const stateDir = await tempDir('until-state');
    dirs.push(out, stateDir);
    const io = captureIo();
    const code = await runCli(['run', 'test/fixtures/drills/until-never.drill.ts', '--sandbox-url', sandbox.description.controlPlaneUrl, '--out', out, '--state-dir', stateDir], io);
    expect(code, io.text()).to.equal(1);
    const record = await readRunRecord(await onlyRunDir(out, 'until-never'));
    expect(record.outcome).to.equal('failed');
    const [verdict] = record.verdicts;
    expect(verdict).to.deep.include({ assertion: 'until', status: 'failed' });
    // The secondary's check stayed healthy for real: that is what the verdict says it saw last.
    expect(verdict?.observed).to.match(/^not within 3 s; last observed: hc-api-us-west-2 healthy/);
    const started = record.steps?.find((event) => event.kind === 'started' && event.step === 'secondary-unhealthy')?.at ?? 0;
    const ended = record.steps?.find((event) => event.kind === 'ended' && event.step === 'secondary-unhealthy');
    expect(ended?.status).to.equal('failed');
    expect((ended?.at ?? 0) - started).to.be.within(3000, 3600);
    expect(record.steps?.some((event) => event.step === 'never-reached')).to.equal(false);
    // Rolled back by the run's one rollback, right after the until gave up: throttled, then restored.
    const rollback = record.faults.find((event) => event.kind === 'rollback');
    expect((rollback?.at ?? 0) - (ended?.at ?? 0)).to.be.within(0, 2000);
    expect(sandbox.events().flatMap((e) => (e.type === 'function-concurrency' ? [e.reservedConcurrency] : []))).to.deep.equal([0, null]);
    const journal = await readFile(path.join(stateDir, 'journal', `${record.runId}.ndjson`), 'utf8');
    expect(journal.trim().split('\n').at(-1)).to.include('"type":"closed"');
  });
});
