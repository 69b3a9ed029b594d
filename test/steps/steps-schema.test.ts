import { expect } from 'chai';
import { InvalidInputError } from '../../src/drill/invalid-input-error.ts';
import { validateDrill } from '../../src/drill/load-drill.ts';
import { maxFaultDuration } from '../../src/runner/max-fault-duration.ts';
import { drillSteps, stepBudgets } from '../../src/steps/drill-steps.ts';
import { validDrill } from '../drill/valid-drill.ts';

function stepsDrill(steps: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  const { phases: _phases, ...drill } = validDrill();
  return { ...drill, steps, ...extra };
}

const DEMO_STEPS = [
  { step: 'hold', duration: '3s', name: 'baseline' },
  { step: 'inject', fault: 'lambda-throttle-1' },
  { step: 'until', dns: { region: 'secondary' }, within: '6s', name: 'moved' },
  { step: 'hold', duration: '2s' },
  { step: 'revert', fault: 'all' },
  { step: 'until', dns: { region: 'primary' }, within: '6s' },
  { step: 'note', text: 'back home' },
];

function problemsOf(value: unknown): readonly string[] {
  try {
    validateDrill(value, 'test.drill.ts');
  } catch (error) {
    expect(error).to.be.instanceOf(InvalidInputError);
    return (error as InvalidInputError).problems;
  }
  expect.fail('expected the drill to be rejected');
}

describe('steps in a drill', () => {
  it('validates a steps drill and names each step by its kind and position unless it has a name', () => {
    const drill = validateDrill(stepsDrill(DEMO_STEPS));
    expect(drill.phases).to.equal(undefined);
    expect(drillSteps(drill).map((step) => step.name)).to.deep.equal(['baseline', 'inject-2', 'moved', 'hold-4', 'revert-5', 'until-6', 'note-7']);
    expect(drillSteps(drill)[2]).to.deep.include({ step: 'until', within: 6000, dns: { region: 'secondary' } });
  });

  it('budgets the faults by the steps while one is in: verify wait, until, hold, plus a minute', () => {
    const drill = validateDrill(stepsDrill(DEMO_STEPS));
    const budgets = stepBudgets(drillSteps(drill));
    expect(budgets).to.deep.equal({ totalMs: 3000 + 30_000 + 6000 + 2000 + 6000, faultMs: 30_000 + 6000 + 2000 });
    expect(maxFaultDuration(drill)).to.equal(38_000 + 60_000);
  });

  it('counts an approve timeout in the fault budget when it waits with the fault in', () => {
    const steps = [DEMO_STEPS[0], DEMO_STEPS[1], { step: 'approve', question: 'fail back?', timeout: '2m' }, { step: 'revert', fault: 'all' }];
    expect(stepBudgets(drillSteps(validateDrill(stepsDrill(steps)))).faultMs).to.equal(30_000 + 120_000);
  });

  it('turns a phases drill into the steps it stands for, with the same fault budget as before', () => {
    const input = validDrill();
    input['faults'] = [
      { injector: 'lambda-throttle', name: 'first', target: { region: 'primary' } },
      { injector: 'lambda-throttle', name: 'second', after: '4s', target: { region: 'secondary' } },
    ];
    const drill = validateDrill(input);
    const steps = drillSteps(drill);
    expect(steps.map((step) => `${step.step}:${step.name}`)).to.deep.equal([
      'hold:baseline',
      'inject:inject-first',
      'inject:inject-second',
      'verify:verify',
      'hold:recovery',
      'revert:revert',
      'hold:settle',
    ]);
    expect(steps[2]).to.deep.include({ fault: 'second', after: 4000, deferVerify: true });
    // verify timeout + recovery, the stagger of the second fault, and the minute's margin.
    expect(maxFaultDuration(drill)).to.equal(30_000 + 8000 + 4000 + 60_000);
    expect(stepBudgets(steps).totalMs).to.equal(3000 + 4000 + 30_000 + 8000 + 8000);
  });

  it('refuses an unknown step kind, naming the field and the kinds there are', () => {
    const problems = problemsOf(stepsDrill([{ step: 'wait', duration: '1s' }, ...DEMO_STEPS.slice(1)]));
    expect(problems.join('\n')).to.match(/steps\[0\]\.step: .*"inject".*"note"/);
  });

  it('refuses an until without within', () => {
    const problems = problemsOf(stepsDrill([DEMO_STEPS[0], DEMO_STEPS[1], { step: 'until', dns: { region: 'secondary' } }]));
    expect(problems.join('\n')).to.match(/steps\[2\]\.within: required/);
  });

  it('refuses an until with no condition, or two', () => {
    expect(problemsOf(stepsDrill([DEMO_STEPS[1], { step: 'until', within: '5s' }])).join('\n')).to.match(/steps\[1\]: expected one condition: dns, traffic, errorRate, healthCheck/);
    const two = { step: 'until', within: '5s', dns: { region: 'secondary' }, errorRate: { atMost: 1 } };
    expect(problemsOf(stepsDrill([DEMO_STEPS[1], two])).join('\n')).to.match(/steps\[1\]\.errorRate: expected exactly one condition, got dns and errorRate/);
  });

  it('refuses a revert of a fault no earlier step injected, or one already reverted', () => {
    expect(problemsOf(stepsDrill([{ step: 'revert', fault: 'lambda-throttle-1' }, DEMO_STEPS[1]])).join('\n')).to.match(
      /steps\[0\]\.fault: "lambda-throttle-1" is not in at this step: .*in at this point: none/,
    );
    expect(problemsOf(stepsDrill([DEMO_STEPS[1], { step: 'revert', fault: 'nope' }])).join('\n')).to.match(/steps\[1\]\.fault: "nope" is not in at this step/);
    const twice = [DEMO_STEPS[1], { step: 'revert', fault: 'all' }, { step: 'revert', fault: 'lambda-throttle-1' }];
    expect(problemsOf(stepsDrill(twice)).join('\n')).to.match(/steps\[2\]\.fault: "lambda-throttle-1" is not in at this step/);
  });

  it('refuses a fault no step injects, one injected twice, and a fault the drill lacks', () => {
    expect(problemsOf(stepsDrill([DEMO_STEPS[0]])).join('\n')).to.match(/faults\[0\]: fault "lambda-throttle-1" is injected by no step/);
    expect(problemsOf(stepsDrill([DEMO_STEPS[1], DEMO_STEPS[1]])).join('\n')).to.match(/steps\[1\]\.fault: "lambda-throttle-1" is already injected by steps\[0\]/);
    expect(problemsOf(stepsDrill([DEMO_STEPS[1], { step: 'inject', fault: 'ghost' }])).join('\n')).to.match(/steps\[1\]\.fault: "ghost" is not the name of a fault of this drill \(its faults: lambda-throttle-1\)/);
  });

  it('refuses both steps and phases, and neither', () => {
    expect(problemsOf({ ...validDrill(), steps: DEMO_STEPS }).join('\n')).to.match(/steps: expected steps or phases, not both/);
    const { phases: _phases, ...neither } = validDrill();
    expect(problemsOf(neither).join('\n')).to.match(/phases: required: a drill gives phases, or steps/);
  });

  it('refuses two steps of one name and an assertion over a step the drill lacks', () => {
    expect(problemsOf(stepsDrill([DEMO_STEPS[0], { ...DEMO_STEPS[3], name: 'baseline' }, DEMO_STEPS[1]])).join('\n')).to.match(/steps\[1\]\.name: "baseline" is already the name of steps\[0\]/);
    const assertions = [{ assertion: 'error-budget', maxErrorRate: 1, steps: { from: 'moved', to: 'nowhere' } }];
    expect(problemsOf(stepsDrill(DEMO_STEPS, { assertions })).join('\n')).to.match(/assertions\[0\]\.steps\.to: "nowhere" is not the name of a step of this drill/);
  });

  it('refuses a staggered fault in a steps drill: a hold says that there', () => {
    const input = stepsDrill(DEMO_STEPS);
    input['faults'] = [{ injector: 'lambda-throttle', after: '2s', target: { region: 'primary' } }];
    expect(problemsOf(input).join('\n')).to.match(/faults\[0\]\.after: only a phases drill staggers faults with after/);
  });
});
