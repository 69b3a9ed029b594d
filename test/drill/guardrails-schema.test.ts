import { expect } from 'chai';
import { InvalidInputError } from '../../src/drill/invalid-input-error.ts';
import { validateDrill } from '../../src/drill/load-drill.ts';
import { resolveStopAlarm } from '../../src/drill/stop-alarm.ts';
import { validDrill } from './valid-drill.ts';

/** A valid drill whose `guardrails` is `guardrails` (left out when undefined). */
function drillWith(guardrails?: unknown): Record<string, unknown> {
  return { ...validDrill(), ...(guardrails === undefined ? {} : { guardrails }) };
}

function problemsOf(guardrails: unknown): readonly string[] {
  try {
    validateDrill(drillWith(guardrails), 'test.drill.ts');
  } catch (error) {
    expect(error).to.be.instanceOf(InvalidInputError);
    return (error as InvalidInputError).problems;
  }
  expect.fail('expected the drill to be rejected');
}

const REGION_EXPECTED = 'expected a role ("primary", "secondary", "tertiary", …) or an AWS region such as "us-east-1"';

describe('drill guardrails: stopOnAlarms and alarmPollInterval', () => {
  it('polls alarms every second by default, with or without a guardrails block, and lists none', () => {
    for (const guardrails of [undefined, {}]) {
      expect(validateDrill(drillWith(guardrails)).guardrails).to.deep.equal({ alarmPollInterval: 1000 });
    }
  });

  it('defaults an alarm to the primary region and keeps logical or literal regions as written', () => {
    const { guardrails } = validateDrill(
      drillWith({ stopOnAlarms: [{ name: 'api-5xx' }, { name: 'api-5xx', region: 'secondary' }, { name: 'global-errors', region: 'us-east-1' }], alarmPollInterval: '250ms' }),
    );
    expect(guardrails.stopOnAlarms).to.deep.equal([
      { name: 'api-5xx', region: 'primary' },
      { name: 'api-5xx', region: 'secondary' },
      { name: 'global-errors', region: 'us-east-1' },
    ]);
    expect(guardrails.alarmPollInterval).to.equal(250);
  });

  it('resolves a logical region through the environment and leaves a literal one alone', () => {
    const environment = { regions: ['eu-west-1', 'eu-central-1'] };
    expect(resolveStopAlarm({ name: 'a', region: 'secondary' }, environment)).to.deep.equal({ name: 'a', region: 'eu-central-1', logicalRegion: 'secondary' });
    expect(resolveStopAlarm({ name: 'a', region: 'us-east-1' }, environment)).to.deep.equal({ name: 'a', region: 'us-east-1' });
  });

  it('names the field and what it expected for a bad alarm entry', () => {
    expect(problemsOf({ stopOnAlarms: [{ name: 'ok' }, { region: 'primary' }] })).to.deep.equal([
      'guardrails.stopOnAlarms[1].name: required (expected the name of a CloudWatch alarm)',
    ]);
    expect(problemsOf({ stopOnAlarms: [{ name: '' }] })).to.deep.equal(['guardrails.stopOnAlarms[0].name: expected the name of a CloudWatch alarm']);
    expect(problemsOf({ stopOnAlarms: [{ name: 'x'.repeat(256) }] })).to.deep.equal([
      'guardrails.stopOnAlarms[0].name: expected an alarm name of at most 255 characters',
    ]);
    expect(problemsOf({ stopOnAlarms: [{ name: 'a', region: 'east' }] })).to.deep.equal([`guardrails.stopOnAlarms[0].region: ${REGION_EXPECTED}, got "east"`]);
    expect(problemsOf({ stopOnAlarms: [{ name: 'a', region: 2 }] })).to.deep.equal([`guardrails.stopOnAlarms[0].region: ${REGION_EXPECTED}, got 2`]);
    expect(problemsOf({ stopOnAlarms: [{ name: 'a', arn: 'arn:aws:cloudwatch:…' }] })).to.deep.equal(['guardrails.stopOnAlarms[0]: unknown field "arn"']);
  });

  it('wants a non-empty list of alarms', () => {
    expect(problemsOf({ stopOnAlarms: [] })).to.deep.equal(['guardrails.stopOnAlarms: expected at least one alarm']);
    expect(problemsOf({ stopOnAlarms: 'api-5xx' })).to.deep.equal([
      'guardrails.stopOnAlarms: expected a list of alarms such as [{ name: "api-5xx", region: "primary" }]',
    ]);
  });

  it('keeps the poll interval between 100 ms and 60 s, inclusive', () => {
    expect(validateDrill(drillWith({ alarmPollInterval: '100ms' })).guardrails.alarmPollInterval).to.equal(100);
    expect(validateDrill(drillWith({ alarmPollInterval: '1m' })).guardrails.alarmPollInterval).to.equal(60_000);
    expect(problemsOf({ alarmPollInterval: '50ms' })).to.deep.equal([
      'guardrails.alarmPollInterval: expected an interval of at least 100 ms (DescribeAlarms is rate-limited), got 50 ms',
    ]);
    expect(problemsOf({ alarmPollInterval: '61s' })).to.deep.equal([
      'guardrails.alarmPollInterval: expected an interval of at most 60 s, or the stop condition acts too late; got 61000 ms',
    ]);
    expect(problemsOf({ alarmPollInterval: 'often' })[0]).to.match(/^guardrails\.alarmPollInterval: expected a duration such as "500ms".*got "often"$/);
  });
});
