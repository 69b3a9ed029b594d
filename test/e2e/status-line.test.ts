import { expect } from 'chai';
import { readRunRecord } from '../../src/reporters/write-run-directory.ts';
import { onlyRunDir, useSandbox } from './e2e-kit.ts';
import { runDrdrill, runOnPty } from './process-kit.ts';

const FAILBACK = 'test/fixtures/drills/approve-failback.drill.ts';
const LONG_HOLD = 'test/fixtures/drills/long-hold.drill.ts';
/** How the status line redraws itself in place. */
const REDRAW = '\r\u001b[2K';

describe('the terminal status line', function () {
  this.timeout(180_000);
  const suite = useSandbox('status-line');
  async function folders(): Promise<string[]> {
    const { out, stateDir } = await suite.folders();
    return ['--sandbox-url', suite.sandbox.description.controlPlaneUrl, '--out', out, '--state-dir', stateDir];
  }

  it('redraws what is awaited, the rate, the error rate and the share by region in a terminal; n writes a note and y approves', async () => {
    const args = await folders();
    const { code, output } = await runOnPty(['run', FAILBACK, ...args], { answer: 'nthe room saw 5xx\ry' });
    expect(code, output).to.equal(0);
    const frames = output.split(REDRAW).slice(1);
    expect(frames.length, 'redrawn in place').to.be.at.least(10);
    expect(output).to.match(/moved: waiting for DNS on secondary: [^│]+ │ api \d+\.\d req\/s \d+\.\d % err us-(east-1|west-2) \d+ %/);
    expect(output).to.match(/y approve · N decline │ fail-back: waiting for approval of "Fail back to the primary\?": nobody has answered, [^│]+│ api \d+\.\d req\/s/);
    const record = await readRunRecord(await onlyRunDir(args[3] ?? '', 'approve-failback'));
    expect(record.approvals?.[0]).to.deep.include({ step: 'fail-back', approved: true, via: 'terminal' });
    const note = record.notes?.find((each) => each.text === 'the room saw 5xx');
    expect(note?.step).to.equal('fail-back');
    expect(note?.operator).to.match(/\S+@\S+/);
    expect((note?.at ?? 0) <= (record.approvals?.[0]?.at ?? 0), 'the note before the approval').to.equal(true);
  });

  it('aborts and rolls back when x is pressed twice', async () => {
    const args = await folders();
    const { code, output } = await runOnPty(['run', LONG_HOLD, ...args], { answer: 'xx', trigger: '1 fault in' });
    expect(code, output).to.equal(3);
    const record = await readRunRecord(await onlyRunDir(args[3] ?? '', 'long-hold'));
    expect(record.reason).to.match(/^aborted: aborted at the terminal by \S+@\S+$/);
    // Ground truth: the sandbox throttled the function, then had it restored.
    expect(suite.sandbox.events().flatMap((e) => (e.type === 'function-concurrency' ? [e.reservedConcurrency] : []))).to.deep.equal([0, null]);
    const aborted = record.steps?.find((event) => event.kind === 'ended' && event.status === 'aborted');
    expect(aborted, 'the hold ended early').to.not.equal(undefined);
    expect(record.endedAt - record.startedAt).to.be.below(30_000);
  });

  it('prints plain progress lines only without a terminal', async () => {
    const args = await folders();
    const { code, output } = await runDrdrill(['run', FAILBACK, '--approve', 'all', ...args]);
    expect(code, output).to.equal(0);
    expect(output).to.include('step            moved: until DNS on secondary within 10 s');
    expect(output).to.not.include('\u001b[');
    expect(output).to.not.include('\r');
    expect(output).to.not.include('n note · x abort');
  });
});
