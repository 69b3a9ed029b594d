import { expect } from 'chai';
import { InvalidInputError } from '../../src/drill/invalid-input-error.ts';
import { validateDrill, validateEnvironment } from '../../src/drill/load-drill.ts';
import { validDrill } from './valid-drill.ts';

function problemsOf(value: unknown): readonly string[] {
  try {
    validateDrill(value, 'test.drill.ts');
  } catch (error) {
    expect(error).to.be.instanceOf(InvalidInputError);
    return (error as InvalidInputError).problems;
  }
  expect.fail('expected the drill to be rejected');
}

describe('drill validation', () => {
  it('accepts a valid drill and turns durations into milliseconds', () => {
    const drill = validateDrill(validDrill());
    expect(drill.phases).to.deep.equal({ baseline: 3000, recovery: 8000, settle: 8000, verifyTimeout: 30_000 });
    expect(drill.load.timeout).to.equal(2000);
    expect(drill.probes.dnsInterval).to.equal(250);
  });

  it('names the path of a missing fault target', () => {
    const drill = validDrill();
    drill['faults'] = [{ injector: 'lambda-throttle' }];
    expect(problemsOf(drill)).to.deep.equal(['faults[0].target: required (expected object)']);
  });

  it('explains a duration it cannot read', () => {
    const drill = validDrill();
    drill['phases'] = { baseline: '5 parsecs', recovery: '8s', settle: '8s' };
    const [problem] = problemsOf(drill);
    expect(problem).to.match(/^phases\.baseline: expected a duration such as "500ms", "30s".*got "5 parsecs"$/);
  });

  it('lists the known injectors when given an unknown one', () => {
    const drill = validDrill();
    drill['faults'] = [{ injector: 'lambda-explode', target: { region: 'primary' } }];
    const [problem] = problemsOf(drill);
    expect(problem).to.match(/^faults\[0\]\.injector: /);
    expect(problem).to.include('lambda-throttle');
  });

  it('refuses a negative rate', () => {
    const drill = validDrill();
    drill['load'] = { rate: -5 };
    expect(problemsOf(drill)).to.deep.equal(['load.rate: expected a rate above 0 requests per second']);
  });

  it('refuses a region that is neither a role, a position nor an AWS region name', () => {
    const drill = validDrill();
    drill['faults'] = [{ injector: 'lambda-throttle', target: { region: 'east' } }];
    const [problem] = problemsOf(drill);
    expect(problem).to.match(/^faults\[0\]\.target\.region: /);
    expect(problem).to.include('primary');
  });

  it('accepts a region by role, by position and by AWS name (checked against the environment later)', () => {
    for (const region of ['tertiary', 3, 'eu-west-2']) {
      const drill = validDrill();
      drill['faults'] = [{ injector: 'lambda-throttle', target: { region } }];
      expect(validateDrill(drill).faults[0]).to.deep.include({ target: { region } });
    }
  });

  it('reports misspelt fields instead of ignoring them', () => {
    const drill = validDrill();
    drill['phase'] = { baseline: '1s' };
    expect(problemsOf(drill)).to.deep.equal(['(top level): unknown field "phase"']);
  });

  it('reports every problem at once', () => {
    const drill = validDrill();
    drill['load'] = { rate: 0 };
    drill['assertions'] = [];
    expect(problemsOf(drill)).to.have.length(2);
  });
});

describe('environment validation', () => {
  it('names the bad account id and region', () => {
    try {
      validateEnvironment({
        name: 'prod',
        kind: 'aws',
        accountId: '1234',
        regions: { primary: 'us-east-1', secondary: 'mars-1' },
        dnsResolvers: ['1.1.1.1:53'],
        services: {},
      });
      expect.fail('expected rejection');
    } catch (error) {
      const problems = (error as InvalidInputError).problems;
      expect(problems).to.include('accountId: expected a 12-digit AWS account id');
      expect(problems.some((p) => p.startsWith('regions.secondary: expected an AWS region'))).to.equal(true);
      expect(problems).to.include('services: expected at least one service');
    }
  });
});
