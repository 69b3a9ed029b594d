import { expect } from 'chai';
import { renderConsoleSummary } from '../../src/reporters/console-summary.ts';
import { buildFixtureRunRecord, FIXTURE_VERDICTS } from './fixture-run-record.ts';

describe('renderConsoleSummary', () => {
  it('names the drill and outcome, then one line per verdict with its symbol, observed and expected', () => {
    const lines = renderConsoleSummary(buildFixtureRunRecord()).trimEnd().split('\n');
    expect(lines[0]).to.equal('drill primary-lambda-throttle: FAILED (exit 1)');
    expect(lines[1]).to.equal(
      '  environment sandbox (sandbox, account 000000000000), regions us-east-1 → us-west-2, engine builtin',
    );
    expect(lines[2]).to.equal('  run 20250314T090000Z-7f3a, 45 s, 900 requests, 136 errors (15.11%)');
    expect(lines.slice(3, 6)).to.deep.equal([
      '  ✓ DNS converges on us-west-2: observed converged in 7.35 s (±1 s); expected ≤ 10 s',
      '  ✗ error budget holds during the fault: observed 13.5 % errors (136 of 1000); expected ≤ 5 %',
      '  ! traffic fails back to us-east-1: observed no DNS answer from 127.0.0.1:5354 for 4 s after rollback; expected failback within 10 s',
    ]);
    expect(lines.slice(6, 9)).to.deep.equal(['  figures:', '    RTO: 6.8 s (±0.05 s)', '    RTO: detect: 3.85 s']);
    expect(lines).to.include('    Error rate (phase recovery): 27.78%');
  });

  it('ends with the reason when the run was aborted', () => {
    const text = renderConsoleSummary(
      buildFixtureRunRecord({ outcome: 'aborted', exitCode: 3, reason: 'signal SIGINT during phase recovery', verdicts: [], figures: [] }),
    );
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).to.equal('drill primary-lambda-throttle: ABORTED (exit 3)');
    expect(lines.slice(3)).to.deep.equal(['  (no assertions evaluated)', '  reason: signal SIGINT during phase recovery']);
  });

  it('keeps each line of a failed rollback reason, indented under it', () => {
    const text = renderConsoleSummary(
      buildFixtureRunRecord({
        outcome: 'rollback-failed',
        exitCode: 4,
        reason: 'lambda-throttle could not be rolled back:\nrestore reserved concurrency of api-handler in us-east-1 to 100\n',
      }),
    );
    expect(text.trimEnd().split('\n').slice(-2)).to.deep.equal([
      '  rollback failed: lambda-throttle could not be rolled back:',
      '    restore reserved concurrency of api-handler in us-east-1 to 100',
    ]);
  });

  it('keeps terminal control sequences and line breaks from the record out of the output', () => {
    const text = renderConsoleSummary(
      buildFixtureRunRecord({
        verdicts: [{ ...FIXTURE_VERDICTS[1]!, observed: 'body:\n\u001b[2J\u001b[31mboom\u0007\r\tend' }],
      }),
    );
    expect(text).not.to.match(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(text).to.contain('  ✗ error budget holds during the fault: observed body: [2J[31mboom end; expected ≤ 5 %\n');
  });
});
