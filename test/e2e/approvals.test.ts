import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli } from '../../src/cli/cli.ts';
import { runCommand } from '../../src/cli/run-command.ts';
import { readRunRecord } from '../../src/reporters/write-run-directory.ts';
import type { Approver } from '../../src/runner/live-run.ts';
import type { RunRecord } from '../../src/runner/run-record.ts';
import { captureIo, onlyRunDir, useSandbox } from './e2e-kit.ts';
import { runOnPty } from './process-kit.ts';

const FAILBACK = 'test/fixtures/drills/approve-failback.drill.ts';
const TIMEOUT = 'test/fixtures/drills/approve-timeout.drill.ts';
/** How long the person at the pseudo-terminal takes to answer. */
const THINKING_MS = 2000;

describe('approve steps', function () {
  this.timeout(180_000);
  const suite = useSandbox('approvals');
  const folders = suite.folders;
  const concurrencyBetween = (from: number, to: number): (number | null)[] =>
    suite.sandbox.events().flatMap((e) => (e.type === 'function-concurrency' && e.at >= from && e.at <= to ? [e.reservedConcurrency] : []));


  it('waits at the terminal with the fault in and load on, goes on once approved, and records who approved', async () => {
    const { out, stateDir } = await folders();
    const { code, output } = await runOnPty(['run', FAILBACK, '--sandbox-url', suite.sandbox.description.controlPlaneUrl, '--out', out, '--state-dir', stateDir], { answer: 'y', delayMs: THINKING_MS });
    expect(code, output).to.equal(0);
    expect(output).to.match(/approve step "fail-back": Fail back to the primary\? \[y\/N\]/);
    const dir = await onlyRunDir(out, 'approve-failback');
    const record = await readRunRecord(dir);
    const [approval] = record.approvals ?? [];
    expect(approval).to.deep.include({ step: 'fail-back', question: 'Fail back to the primary?', approved: true, via: 'terminal' });
    if (approval === undefined) return;
    expect(approval.at - approval.askedAt, 'the question waited for the person').to.be.at.least(THINKING_MS - 100);
    expectFaultInAndLoadOn(record, approval.askedAt, approval.at);
    expect(record.steps?.filter((event) => event.kind === 'ended').map((event) => `${event.step}:${event.status ?? ''}`)).to.deep.equal([
      'baseline:passed',
      'inject-2:passed',
      'moved:passed',
      'fail-back:passed',
      'revert-5:passed',
      'back:passed',
      'note-7:passed',
    ]);
    const html = await readFile(path.join(dir, 'index.html'), 'utf8');
    expect(html).to.include('<h2>Retro</h2>');
    expect(html).to.match(/<td>fail-back<\/td><td>Fail back to the primary\?<\/td><td>approved<\/td><td>[^<]+<\/td><td>terminal<\/td>/);
    expect(html).to.include('traffic is home');
  });

  function expectFaultInAndLoadOn(record: RunRecord, from: number, to: number): void {
    // Ground truth: the sandbox's function stayed throttled the whole time the question waited.
    expect(concurrencyBetween(from, to), 'no change to the function while waiting').to.deep.equal([]);
    const throttled = suite.sandbox.events().filter((e) => e.type === 'function-concurrency' && e.at < from);
    expect(throttled.map((e) => (e.type === 'function-concurrency' ? e.reservedConcurrency : 'x'))).to.deep.equal([0]);
    const rollback = record.faults.find((event) => event.kind === 'rollback');
    expect(rollback?.at ?? 0).to.be.greaterThan(to);
    // Load went on: every whole second of the wait has requests at about the drill's 20 req/s.
    const buckets = record.series.points.filter((point) => point.t >= from && point.t + record.series.bucketMs <= to);
    expect(buckets.length).to.be.at.least(1);
    for (const bucket of buckets) expect(bucket.requests).to.be.at.least(10);
  }

  it('goes on at once with --approve, recorded as approved by flag with the operator identity', async () => {
    const { out, stateDir } = await folders();
    const io = captureIo();
    const code = await runCli(['run', FAILBACK, '--approve', 'fail-back', '--sandbox-url', suite.sandbox.description.controlPlaneUrl, '--out', out, '--state-dir', stateDir], io);
    expect(code, io.text()).to.equal(0);
    const record = await readRunRecord(await onlyRunDir(out, 'approve-failback'));
    const operator = record.evidence?.operator;
    expect(operator !== undefined && 'arn' in operator).to.equal(true);
    expect(record.approvals).to.have.length(1);
    expect(record.approvals?.[0]).to.deep.include({ step: 'fail-back', approved: true, via: 'flag', operator: operator !== undefined && 'arn' in operator ? operator.arn : '?', comment: '--approve fail-back' });
    expect(io.text()).to.match(/approve {9}fail-back: approved by \S+ \(flag\)/);
  });

  it('stops with exit 3 and rolls everything back when nobody answers in time, the fault in until then', async () => {
    const { out, stateDir } = await folders();
    // A console that is connected but whose operator never answers.
    const silent: Approver = { canAnswer: () => true, ask: (request) => new Promise((_, reject) => request.signal.addEventListener('abort', () => reject(new Error('closed')))) };
    const io = captureIo();
    const code = await runCommand({ files: [TIMEOUT], env: 'sandbox', sandboxUrl: suite.sandbox.description.controlPlaneUrl, out, stateDir, approvers: [silent] }, io);
    expect(code, io.text()).to.equal(3);
    const record = await readRunRecord(await onlyRunDir(out, 'approve-timeout'));
    expect(record.outcome).to.equal('aborted');
    expect(record.reason).to.equal('aborted: nobody answered approve step "go-on" within 2 s');
    expect(record.approvals ?? []).to.deep.equal([]);
    const ended = record.steps?.find((event) => event.kind === 'ended' && event.step === 'go-on');
    expect(ended?.status).to.equal('aborted');
    const asked = record.steps?.find((event) => event.kind === 'started' && event.step === 'go-on')?.at ?? 0;
    expect((ended?.at ?? 0) - asked).to.be.within(1900, 3500);
    // Throttled, then restored by the rollback; the journal closed with nothing left in.
    expect(suite.sandbox.events().flatMap((e) => (e.type === 'function-concurrency' ? [e.reservedConcurrency] : []))).to.deep.equal([0, null]);
    const journal = await readFile(path.join(stateDir, 'journal', `${record.runId}.ndjson`), 'utf8');
    expect(journal).to.include('"type":"rolled-back"');
    expect(journal.trim().split('\n').at(-1)).to.include('"type":"closed"');
  });
});
