import { expect } from 'chai';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { runCli } from '../../src/cli/cli.ts';
import { readRunRecord } from '../../src/reporters/write-run-directory.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { captureIo, onlyRunDir, tempDir } from './e2e-kit.ts';
import { startDrdrillUntil, stopProcess } from './process-kit.ts';
import { untilChecksPass } from './until-checks-pass.ts';

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
    const [verdict, unreached] = record.verdicts;
    expect(verdict).to.deep.include({ assertion: 'until', status: 'failed' });
    // The until after it was never checked: listed, as not evaluated, naming where the run stopped.
    expect(unreached).to.deep.include({
      assertion: 'until',
      name: 'step never-judged: DNS on secondary within 5 s',
      status: 'not-evaluated',
      observed: 'not evaluated: the run ended before this step (it stopped at step secondary-unhealthy)',
    });
    expect(record.verdicts.map((each) => each.assertion)).to.deep.equal(['until', 'until', 'error-budget']);
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

  it('stopped by SIGINT while it waits: its verdict is not evaluated, with what it had seen, and the untils after it are listed as not reached', async () => {
    await untilChecksPass(sandbox.description);
    const out = await tempDir('until-int-out');
    const stateDir = await tempDir('until-int-state');
    dirs.push(out, stateDir);
    const run = await startDrdrillUntil(
      ['run', 'test/fixtures/drills/until-interrupted.drill.ts', '--sandbox-url', sandbox.description.controlPlaneUrl, '--out', out, '--state-dir', stateDir],
      /step\s+secondary-unhealthy: until/,
    );
    expect(await stopProcess(run.child, 'SIGINT'), run.output.join('\n')).to.equal(3);
    run.close();
    const record = await readRunRecord(await onlyRunDir(out, 'until-interrupted'));
    expect(record.outcome).to.equal('aborted');
    const [waiting, unreached, budget] = record.verdicts;
    expect(waiting, waiting?.observed).to.deep.include({ name: 'step secondary-unhealthy: the health check of secondary to be unhealthy within 30 s', status: 'not-evaluated' });
    expect(waiting?.observed).to.match(/^not evaluated: the run stopped .* after it started, before this could be judged \(seen until then: (nothing observed yet|hc-api-us-west-2 healthy)/);
    expect(unreached).to.deep.include({ status: 'not-evaluated', observed: 'not evaluated: the run ended before this step (it stopped at step secondary-unhealthy)' });
    // The baseline was seen whole before the stop: it keeps its verdict.
    expect(budget).to.deep.include({ assertion: 'error-budget', status: 'passed' });
  });
});
