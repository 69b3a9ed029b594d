import { expect } from 'chai';
import { markNotEvaluated } from '../../src/assertions/not-evaluated.ts';
import type { Verdict } from '../../src/assertions/verdict.ts';

const START = Date.UTC(2025, 2, 14, 9, 0, 0);
const STOP = { at: START + 12_000, startedAt: START };
const verdict = (status: Verdict['status'], window?: { from: number; to: number }): Verdict => ({
  assertion: 'rto',
  name: `${status} ${window === undefined ? 'no window' : `to +${(window.to - START) / 1000} s`}`,
  status,
  observed: 'clients never recovered',
  expected: '≤ 10 s',
  ...(window === undefined ? {} : { window }),
});

describe('markNotEvaluated', () => {
  it('marks what an aborted run could not judge as not evaluated, saying when it stopped and what it had seen', () => {
    const [cutOff, missing, errored] = markNotEvaluated(
      [verdict('failed', { from: START + 10_000, to: START + 14_000 }), verdict('failed'), verdict('errored')],
      STOP,
    );
    expect([cutOff?.status, missing?.status, errored?.status]).to.deep.equal(['not-evaluated', 'not-evaluated', 'not-evaluated']);
    expect(cutOff?.observed).to.equal('not evaluated: the run stopped 12 s after it started, before this could be judged (seen until then: clients never recovered)');
    expect(cutOff).to.deep.include({ expected: '≤ 10 s', window: { from: START + 10_000, to: START + 14_000 } });
  });

  it('keeps a failure whose evidence was complete before the stop, and every pass', () => {
    const before = verdict('failed', { from: START, to: START + 10_000 });
    const atStop = verdict('errored', { from: START, to: STOP.at });
    const passed = verdict('passed', { from: START, to: START + 20_000 });
    expect(markNotEvaluated([before, atStop, passed], STOP)).to.deep.equal([before, atStop, passed]);
  });
});
