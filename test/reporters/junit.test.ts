import { expect } from 'chai';
import { XMLParser } from 'fast-xml-parser';
import { renderJunit } from '../../src/reporters/junit.ts';
import type { RunRecord } from '../../src/runner/run-record.ts';
import { buildFixtureRunRecord, FIXTURE_START, FIXTURE_VERDICTS } from './fixture-run-record.ts';
import { JUNIT_XSD, xmllintValidate } from './xmllint.ts';

interface ParsedOutcome {
  readonly type: string;
  readonly message: string;
  readonly '#text'?: string;
}
interface ParsedCase {
  readonly classname: string;
  readonly name: string;
  readonly time: string;
  readonly failure?: ParsedOutcome;
  readonly error?: ParsedOutcome;
  readonly 'system-out'?: string;
}
interface ParsedSuite {
  readonly name: string;
  readonly tests: string;
  readonly failures: string;
  readonly errors: string;
  readonly time: string;
  readonly properties: { readonly property: readonly { name: string; value: string }[] };
  readonly testcase: readonly ParsedCase[];
  readonly 'system-out': string;
}
interface ParsedDocument {
  readonly testsuites: {
    readonly tests: string;
    readonly failures: string;
    readonly errors: string;
    readonly time: string;
    readonly testsuite: readonly ParsedSuite[];
  };
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: false,
  htmlEntities: true,
  isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name),
});

function parse(xml: string): ParsedDocument {
  return parser.parse(xml) as ParsedDocument;
}

function expectValid(xml: string): void {
  const result = xmllintValidate(xml, JUNIT_XSD);
  expect(result.valid, `xmllint rejected the JUnit document:\n${result.output}\n${xml}`).to.equal(true);
}

function propertiesOf(suite: ParsedSuite): Record<string, string> {
  return Object.fromEntries(suite.properties.property.map((property) => [property.name, property.value]));
}

const aborted = buildFixtureRunRecord({
  runId: 'run-aborted',
  outcome: 'aborted',
  exitCode: 3,
  reason: 'guardrail: error rate 42 % over 30 s exceeded the stop condition (≤ 25 %)',
  verdicts: [FIXTURE_VERDICTS[0]!],
});

const hostileName = `evil <drill> & "quotes" 'apostrophes' \u0001\u001b[31m Zürich 😀 ≤`;
const hostile = buildFixtureRunRecord({
  runId: 'run-hostile',
  outcome: 'rollback-failed',
  exitCode: 4,
  reason: 'rollback of lambda-throttle failed: AccessDenied <User: arn:aws:iam::1:user/x> & more\u0000',
  drill: { name: hostileName, description: 'd', file: 'drills/x.drill.ts', definition: { faults: [{ kind: 'ssm-failure-flag' }] } },
  faults: [
    { kind: 'inject', at: FIXTURE_START + 1000, injector: 'ssm-failure-flag', target: 'ssm:us-east-1:/flags/fail', requestIds: ['r-1'] },
    {
      kind: 'rollback-failed',
      at: FIXTURE_START + 9000,
      injector: 'ssm-failure-flag',
      target: 'ssm:us-east-1:/flags/fail',
      requestIds: ['r-2'],
      detail: 'AccessDenied',
    },
  ],
  verdicts: [
    {
      assertion: 'error-budget',
      name: `budget < 5 % & "strict" \u0007`,
      status: 'failed',
      observed: `500 × 3 <html>&nbsp;</html>\nsecond line\tTab`,
      expected: '≤ 5 %',
      window: { from: FIXTURE_START + 1000, to: FIXTURE_START + 4000 },
      details: { 'resolver "a"': '<b>', count: 3, ok: false, missing: null },
    },
  ],
});

describe('renderJunit', () => {
  it('writes documents that validate against junit-10.xsd for passed, failed, errored, aborted and rollback-failed runs', () => {
    expectValid(renderJunit([buildFixtureRunRecord()]));
    expectValid(renderJunit([buildFixtureRunRecord(), aborted, hostile]));
    expectValid(renderJunit([hostile]));
    expectValid(renderJunit([]));
  });

  it('is checked by a schema validation that does reject a suite without its failures count', () => {
    const broken = renderJunit([buildFixtureRunRecord()]).replace(/(<testsuite [^>]*?) failures="\d+"/, '$1');
    expect(xmllintValidate(broken, JUNIT_XSD)).to.deep.include({ valid: false });
    expect(xmllintValidate(broken, JUNIT_XSD).output).to.contain("attribute 'failures' is required");
  });

  it('writes one suite per run and one testcase per verdict, with counts in the attributes that match the verdicts', () => {
    const records = [buildFixtureRunRecord(), buildFixtureRunRecord({ runId: 'second', outcome: 'passed', exitCode: 0, verdicts: [FIXTURE_VERDICTS[0]!] })];
    const { testsuites } = parse(renderJunit(records));
    expect(testsuites.testsuite).to.have.length(2);
    const [first, second] = testsuites.testsuite;
    expect(first).to.include({ name: 'primary-lambda-throttle', tests: '3', failures: '1', errors: '1', skipped: '0', time: '45.000' });
    expect(first!.testcase.map((testcase) => testcase.name)).to.deep.equal(FIXTURE_VERDICTS.map((verdict) => verdict.name));
    expect(second).to.include({ tests: '1', failures: '0', errors: '0', id: '1' });
    expect(testsuites).to.include({ tests: '4', failures: '1', errors: '1', time: '90.000' });
  });

  it('names each testcase drdrill.<drill> and times it by its evidence window in seconds', () => {
    const [suite] = parse(renderJunit([buildFixtureRunRecord()])).testsuites.testsuite;
    expect(suite!.testcase.map((testcase) => [testcase.classname, testcase.time])).to.deep.equal([
      ['drdrill.primary-lambda-throttle', '7.350'],
      ['drdrill.primary-lambda-throttle', '20.000'],
      ['drdrill.primary-lambda-throttle', '0.000'],
    ]);
    expect(suite).to.include({ timestamp: '2025-03-14T09:00:00', package: 'drdrill.primary-lambda-throttle', hostname: 'localhost', id: '0' });
  });

  it('reports a failed verdict as <failure> with observed vs expected and the ISO evidence window', () => {
    const [, failed] = parse(renderJunit([buildFixtureRunRecord()])).testsuites.testsuite[0]!.testcase;
    expect(failed!.failure).to.include({ type: 'error-budget', message: 'observed 13.5 % errors (136 of 1000); expected ≤ 5 %' });
    expect(failed!.failure!['#text']).to.contain('window:    2025-03-14T09:00:10.000Z → 2025-03-14T09:00:30.000Z (20 s)');
    expect(failed!.error).to.equal(undefined);
  });

  it('reports an errored verdict as <error> and a passed one with neither', () => {
    const [passed, , errored] = parse(renderJunit([buildFixtureRunRecord()])).testsuites.testsuite[0]!.testcase;
    expect(errored!.error).to.include({ type: 'failback', message: FIXTURE_VERDICTS[2]!.observed });
    expect(errored!.failure).to.equal(undefined);
    expect(passed!.failure).to.equal(undefined);
    expect(passed!.error).to.equal(undefined);
    expect(passed!['system-out']).to.contain('observed:  converged in 7.35 s (±1 s)');
  });

  it('adds an erroring testcase with the reason when a run was aborted, so CI goes red even if every verdict passed', () => {
    const [suite] = parse(renderJunit([aborted])).testsuites.testsuite;
    expect(suite).to.include({ tests: '2', failures: '0', errors: '1' });
    const outcome = suite!.testcase[1]!;
    expect(outcome.name).to.equal('run completed without abort');
    expect(outcome.error).to.include({ type: 'aborted', message: aborted.reason });
  });

  it('adds an erroring testcase naming the faults that may remain when a rollback failed', () => {
    const [suite] = parse(renderJunit([hostile])).testsuites.testsuite;
    expect(suite).to.include({ tests: '2', failures: '1', errors: '1' });
    const outcome = suite!.testcase[1]!;
    expect(outcome.name).to.equal('every fault rolled back');
    expect(outcome.error!.type).to.equal('rollback-failed');
    expect(outcome.error!['#text']).to.contain('rollback-failed ssm-failure-flag ssm:us-east-1:/flags/fail — AccessDenied [request ids: r-2]');
  });

  it('carries the drill metadata as properties, injectors included', () => {
    const [suite] = parse(renderJunit([buildFixtureRunRecord()])).testsuites.testsuite;
    expect(propertiesOf(suite!)).to.include({
      'environment.name': 'sandbox',
      'environment.kind': 'sandbox',
      'environment.accountId': '000000000000',
      'environment.regions': 'us-east-1,us-west-2',
      engine: 'builtin',
      'run.id': '20250314T090000Z-7f3a',
      'run.outcome': 'failed',
      injectors: 'lambda-throttle',
    });
  });

  it('round-trips special characters and drops the ones XML cannot hold', () => {
    const [suite] = parse(renderJunit([hostile])).testsuites.testsuite;
    const strip = (text: string): string => text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
    expect(suite!.name).to.equal(strip(hostileName));
    const testcase = suite!.testcase[0]!;
    expect(testcase.name).to.equal(strip(hostile.verdicts[0]!.name));
    expect(testcase.classname).to.equal(`drdrill.${strip(hostileName)}`);
    expect(testcase.failure!.message).to.equal(`observed ${hostile.verdicts[0]!.observed}; expected ≤ 5 %`);
    expect(testcase.failure!['#text']).to.contain('resolver "a": <b>');
    expect(propertiesOf(suite!)['run.reason']).to.equal(strip(hostile.reason!));
    expect(propertiesOf(suite!)['injectors']).to.equal('ssm-failure-flag');
  });

  it('writes the fault events with their AWS request ids into the suite log, in time order with the phases', () => {
    const [suite] = parse(renderJunit([buildFixtureRunRecord()])).testsuites.testsuite;
    const lines = suite!['system-out'].split('\n');
    expect(lines[0]).to.equal('drdrill run 20250314T090000Z-7f3a: failed');
    expect(lines.slice(1).map((line) => line.split(' ').slice(1, 3).join(' '))).to.deep.equal([
      'phase baseline',
      'phase fault',
      'inject lambda-throttle',
      'verified lambda-throttle',
      'phase recovery',
      'phase failback',
      'rollback lambda-throttle',
      'phase settle',
    ]);
    expect(suite!['system-out']).to.contain('[request ids: 3f1c2a9e-0001]');
  });

  it('never writes a negative time, which the schema would reject', () => {
    const backwards: RunRecord = buildFixtureRunRecord({ endedAt: FIXTURE_START - 5000, verdicts: [] });
    const xml = renderJunit([backwards]);
    expect(parse(xml).testsuites.testsuite[0]).to.include({ time: '0.000' });
    expectValid(xml);
  });
});
