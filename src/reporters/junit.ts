import { formatFigure } from '../assertions/figure.ts';
import type { Verdict } from '../assertions/verdict.ts';
import type { RunRecord } from '../runner/run-record.ts';
import { formatWindow, isoTime } from './format-time.ts';
import { injectorNames } from './injector-names.ts';
import { serializeXml, type XmlElement } from './xml-tree.ts';

/** Options for `renderJunit`. */
export interface JunitOptions {
  /**
   * Value of each suite's `hostname` attribute. The run record does not say which machine ran
   * the drill, and a report re-rendered later must not claim the renderer's host.
   * @default 'localhost' (the Ant JUnit convention for "unknown")
   */
  readonly hostname?: string;
}

/**
 * Renders finished runs as one JUnit XML document (valid against the Jenkins xUnit
 * junit-10.xsd and readable by the Ant JUnit schema consumers): one `<testsuite>` per run,
 * one `<testcase>` per verdict. Failed verdicts carry `<failure>`, errored ones `<error>`, each
 * with observed vs expected and the evidence window; what an aborted run could not judge is
 * `<skipped>` with the reason, counted in `skipped`, so CI shows it as neither a pass nor a deviation. An aborted run or a failed rollback adds
 * an erroring testcase holding `record.reason`, so CI goes red even when every verdict passed.
 *
 * @example await writeFile('junit.xml', renderJunit([record]))
 */
export function renderJunit(records: readonly RunRecord[], options: JunitOptions = {}): string {
  const suites = records.map((record, index) => suiteOf(record, index, options.hostname ?? 'localhost'));
  // No `skipped` here: junit-10.xsd allows it on a testsuite only.
  const total = (key: 'tests' | 'failures' | 'errors'): number =>
    suites.reduce((sum, suite) => sum + Number(suite.attributes?.[key] ?? 0), 0);
  const seconds = records.reduce((sum, record) => sum + Math.max(0, record.endedAt - record.startedAt), 0);
  return serializeXml({
    name: 'testsuites',
    attributes: {
      name: 'drdrill',
      tests: total('tests'),
      failures: total('failures'),
      errors: total('errors'),
      time: secondsOf(seconds),
    },
    children: suites,
  });
}

function suiteOf(record: RunRecord, index: number, hostname: string): XmlElement {
  const classname = `drdrill.${record.drill.name}`;
  const cases = record.verdicts.map((verdict) => verdictCase(verdict, classname));
  const outcome = outcomeCase(record, classname);
  if (outcome !== undefined) cases.push(outcome);
  const failures = record.verdicts.filter((verdict) => verdict.status === 'failed').length;
  const errors = record.verdicts.filter((verdict) => verdict.status === 'errored').length + (outcome ? 1 : 0);
  return {
    name: 'testsuite',
    attributes: {
      name: record.drill.name,
      tests: cases.length,
      failures,
      errors,
      skipped: record.verdicts.filter((verdict) => verdict.status === 'not-evaluated').length,
      time: secondsOf(record.endedAt - record.startedAt),
      // No zone designator: the Ant schema's timestamp pattern forbids one. It is UTC; the
      // `startedAt` property carries the full ISO form.
      timestamp: isoTime(record.startedAt).slice(0, 19),
      hostname,
      // The Ant schema wants sequential ids; the run id is in the properties.
      id: index,
      package: classname,
      file: record.drill.file,
    },
    children: [
      { name: 'properties', children: propertiesOf(record).map(([name, value]) => ({ name: 'property', attributes: { name, value } })) },
      ...cases,
      { name: 'system-out', children: [runLog(record)] },
    ],
  };
}

function propertiesOf(record: RunRecord): [string, string][] {
  const properties: [string, string][] = [
    ['drill.name', record.drill.name],
    ['drill.file', record.drill.file],
    ['run.id', record.runId],
    ['run.outcome', record.outcome],
    ['run.exitCode', String(record.exitCode)],
    ['run.startedAt', isoTime(record.startedAt)],
    ['run.endedAt', isoTime(record.endedAt)],
    ['environment.name', record.environment.name],
    ['environment.kind', record.environment.kind],
    ['environment.accountId', record.environment.accountId],
    ['environment.regions', record.environment.regions.join(',')],
    ...Object.entries(record.environment.services ?? {}).map(([name, service]): [string, string] => [`service.${name}.regions`, `${service.routing}: ${service.regions.join(',')}`]),
    ['engine', record.engine],
    ['tool.version', `${record.tool.name} ${record.tool.version}`],
    ['requests.total', String(record.totals.requests)],
    ['requests.errors', String(record.totals.errors)],
  ];
  for (const figure of record.figures ?? []) {
    // The text every other output shows, and the raw number (ms or percent) for CI tooling.
    properties.push([`figure.${figure.name}`, formatFigure(figure)], [`figure.${figure.name}.${figure.unit}`, String(figure.value)]);
  }
  const injectors = injectorNames(record);
  if (injectors.length > 0) properties.push(['injectors', injectors.join(',')]);
  if (record.reason !== undefined) properties.push(['run.reason', record.reason]);
  if (record.hostname !== undefined) properties.push(['run.hostname', record.hostname]);
  const evidence = record.evidence;
  if (evidence?.gitRevision !== undefined) properties.push(['git.revision', evidence.gitRevision]);
  if (evidence?.operator !== undefined) {
    if ('arn' in evidence.operator) properties.push(['operator.arn', evidence.operator.arn], ['operator.account', evidence.operator.account]);
    else properties.push(['operator.error', evidence.operator.error]);
  }
  if (evidence?.calls !== undefined) properties.push(['controlPlane.calls', String(evidence.calls.length)]);
  return properties;
}

function verdictCase(verdict: Verdict, classname: string): XmlElement {
  const attributes = {
    classname,
    name: verdict.name,
    time: secondsOf(verdict.window ? verdict.window.to - verdict.window.from : 0),
  };
  const report = verdictReport(verdict);
  switch (verdict.status) {
    case 'passed':
      return { name: 'testcase', attributes, children: [{ name: 'system-out', children: [report] }] };
    case 'failed':
      return {
        name: 'testcase',
        attributes,
        children: [
          {
            name: 'failure',
            attributes: { message: `observed ${verdict.observed}; expected ${verdict.expected}`, type: verdict.assertion },
            children: [report],
          },
        ],
      };
    case 'errored':
      return {
        name: 'testcase',
        attributes,
        children: [
          {
            name: 'error',
            attributes: { message: verdict.observed, type: verdict.assertion },
            children: [report],
          },
        ],
      };
    case 'not-evaluated':
      return {
        name: 'testcase',
        attributes,
        children: [{ name: 'skipped', attributes: { message: verdict.observed, type: verdict.assertion }, children: [report] }],
      };
  }
}

/** The verdict as text, the same for every status, so CI logs read alike. */
function verdictReport(verdict: Verdict): string {
  const lines = [
    `assertion: ${verdict.assertion}`,
    `status:    ${verdict.status}`,
    `observed:  ${verdict.observed}`,
    `expected:  ${verdict.expected}`,
  ];
  if (verdict.service !== undefined) lines.push(`service:   ${verdict.service}`);
  if (verdict.region !== undefined) lines.push(`region:    ${verdict.region}`);
  if (verdict.window) lines.push(`window:    ${formatWindow(verdict.window)}`);
  if (verdict.resolutionMs !== undefined) lines.push(`resolution: ${verdict.resolutionMs} ms`);
  const details = Object.entries(verdict.details ?? {});
  if (details.length > 0) {
    lines.push('details:');
    for (const [key, value] of details) lines.push(`  ${key}: ${String(value)}`);
  }
  return lines.join('\n');
}

/** An erroring testcase for runs that did not finish cleanly; verdicts alone could all pass. */
function outcomeCase(record: RunRecord, classname: string): XmlElement | undefined {
  if (record.outcome !== 'aborted' && record.outcome !== 'rollback-failed') return undefined;
  const aborted = record.outcome === 'aborted';
  const reason = record.reason ?? (aborted ? 'run aborted (no reason recorded)' : 'a rollback failed (no reason recorded)');
  const lines = [`outcome: ${record.outcome} (exit ${record.exitCode})`, `reason:  ${reason}`];
  const failedRollbacks = record.faults.filter((event) => event.kind === 'rollback-failed');
  if (failedRollbacks.length > 0) {
    lines.push('faults that may remain (undo by hand or run `drdrill recover`):');
    for (const event of failedRollbacks) lines.push(`  ${faultLine(event)}`);
  }
  return {
    name: 'testcase',
    // Stable names, so CI history tracks the same test from run to run.
    attributes: {
      classname,
      name: aborted ? 'run completed without abort' : 'every fault rolled back',
      time: secondsOf(record.endedAt - record.startedAt),
    },
    children: [{ name: 'error', attributes: { message: reason, type: record.outcome }, children: [lines.join('\n')] }],
  };
}

/** Phases and fault events with their AWS request ids: the evidence trail CI keeps with the result. */
function runLog(record: RunRecord): string {
  const entries: [number, string][] = [
    ...record.phases.map((mark): [number, string] => [mark.at, `${isoTime(mark.at)} phase ${mark.phase}`]),
    ...record.faults.map((event): [number, string] => [event.at, faultLine(event)]),
  ];
  // Stable sort: at equal times a phase mark stays ahead of the fault it started.
  entries.sort((a, b) => a[0] - b[0]);
  return [`drdrill run ${record.runId}: ${record.outcome}`, ...entries.map(([, line]) => line)].join('\n');
}

function faultLine(event: RunRecord['faults'][number]): string {
  const ids = event.requestIds.length > 0 ? ` [request ids: ${event.requestIds.join(', ')}]` : '';
  const detail = event.detail !== undefined ? ` — ${event.detail}` : '';
  return `${isoTime(event.at)} ${event.kind} ${event.injector} ${event.target}${detail}${ids}`;
}

/** Seconds with millisecond precision; never negative (the schema's time type has no sign). */
function secondsOf(ms: number): string {
  return (Math.max(0, Number.isFinite(ms) ? ms : 0) / 1000).toFixed(3);
}
