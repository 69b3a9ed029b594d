import { expect } from 'chai';
import { firstAnswer } from '../../src/cli/first-answer.ts';
import { flagApprover } from '../../src/cli/flag-approver.ts';
import { describeProgress } from '../../src/cli/progress-line.ts';
import type { Approver } from '../../src/runner/live-run.ts';
import { EXTENSION_ALLOWANCE_MS, LiveSteps } from '../../src/runner/live-steps.ts';
import type { RunScope } from '../../src/runner/run-scope.ts';
import type { Step } from '../../src/steps/step-registry.ts';
import { TimelineBuilder } from '../assertions/timeline-builder.ts';

const PLAN: Step[] = [
  { step: 'hold', name: 'baseline', duration: 3000 },
  { step: 'until', name: 'moved', within: 6000, dns: { region: 'secondary' } },
  { step: 'note', name: 'note-3', text: 'hi' },
];

function liveSteps(): { live: LiveSteps; scope: RunScope; lines: string[] } {
  const lines: string[] = [];
  const scope = { runId: 'r1', drill: { name: 'd' }, timeline: new TimelineBuilder().build(0), log: (line: string) => lines.push(line) } as unknown as RunScope;
  return { live: new LiveSteps(scope, PLAN), scope, lines };
}

describe('the live run', () => {
  it('lists the planned steps and reports the current one with its budget', () => {
    const { live } = liveSteps();
    expect(live.steps.map((step) => step.summary)).to.deep.equal(['hold 3 s', 'until DNS on secondary within 6 s', 'note "hi"']);
    expect(live.current()).to.equal(undefined);
    const [, until] = PLAN;
    if (until === undefined) return;
    const clock = live.begin(until, 6000);
    live.progress('DNS on secondary', '1 of 2 resolvers on us-west-2');
    expect(live.current()).to.deep.include({ step: 'moved', kind: 'until', observed: '1 of 2 resolvers on us-west-2', budgetMs: 6000 });
    expect(describeProgress({ ...(live.current() ?? { step: '', kind: '', awaiting: '', observed: '', startedAt: 0 }), startedAt: clock.startedAt - 23_000 }, clock.startedAt)).to.equal(
      'waiting for DNS on secondary: 1 of 2 resolvers on us-west-2, 23 s of 6 s',
    );
  });

  it('extends a hold or an until, on the timeline with who asked, within the faults’ deadline and the allowance', () => {
    const { live, scope } = liveSteps();
    const [hold, , note] = PLAN;
    if (hold === undefined || note === undefined) return;
    const clock = live.begin(hold, 3000);
    expect(live.extend(2000, 'alice')).to.equal(true);
    expect(clock.endsAt() - clock.startedAt).to.equal(5000);
    expect(scope.timeline.notes.at(-1)).to.deep.include({ operator: 'alice', text: 'extended step baseline by 2 s', step: 'baseline' });
    expect(live.extend(EXTENSION_ALLOWANCE_MS, 'alice'), 'past the allowance').to.equal(false);
    live.watchFaultDeadline(() => clock.startedAt + 6000);
    expect(live.extend(2000, 'alice'), 'past the faults’ deadline').to.equal(false);
    expect(live.extend(1000, 'alice')).to.equal(true);
    live.begin(note, 0);
    expect(live.extend(1000, 'alice'), 'a note has no time to extend').to.equal(false);
  });

  it('puts a note on the timeline with the current step', () => {
    const { live, scope } = liveSteps();
    const [hold] = PLAN;
    if (hold === undefined) return;
    live.begin(hold, 3000);
    live.note('action: page the DB team sooner', 'bob');
    expect(scope.timeline.notes).to.deep.equal([{ at: scope.timeline.notes[0]?.at, operator: 'bob', text: 'action: page the DB team sooner', step: 'baseline' }]);
  });
});

describe('approvers', () => {
  const request = (step: string, signal = new AbortController().signal) => ({ step, question: 'go?', deadline: Date.now() + 1000, signal });

  it('--approve answers the steps it names, or all of them', async () => {
    expect(flagApprover(['fail-back']).canAnswer('fail-back')).to.equal(true);
    expect(flagApprover(['a,b']).canAnswer('b')).to.equal(true);
    expect(flagApprover(['fail-back']).canAnswer('other')).to.equal(false);
    expect(flagApprover(['all']).canAnswer('anything')).to.equal(true);
    expect(await flagApprover(['all']).ask(request('x'))).to.deep.include({ approved: true, via: 'flag' });
  });

  it('several approvers: the first answer wins and the others are told to stop asking', async () => {
    let stoppedAsking = false;
    const slow: Approver = {
      canAnswer: () => true,
      ask: (r) =>
        new Promise((_, reject) =>
          r.signal.addEventListener('abort', () => {
            stoppedAsking = true;
            reject(new Error('aborted'));
          }),
        ),
    };
    const unable: Approver = { canAnswer: () => false, ask: () => Promise.reject(new Error('never asked')) };
    const combined = firstAnswer([unable, slow, flagApprover(['go'])]);
    expect(combined.canAnswer('go')).to.equal(true);
    expect(combined.canAnswer('other')).to.equal(true);
    expect(firstAnswer([unable, flagApprover(['go'])]).canAnswer('other')).to.equal(false);
    expect(await combined.ask(request('go'))).to.deep.include({ approved: true, via: 'flag' });
    expect(stoppedAsking).to.equal(true);
  });
});
