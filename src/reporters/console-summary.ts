import { describeFigure, figureNamed, formatFigure } from '../assertions/figure.ts';
import type { VerdictStatus } from '../assertions/verdict.ts';
import { formatDuration } from '../drill/duration.ts';
import { createRedactor } from '../evidence/redact-secrets.ts';
import type { RunRecord } from '../runner/run-record.ts';
import { serviceRows } from './service-rows.ts';

const SYMBOL: Readonly<Record<VerdictStatus, string>> = { passed: '✓', failed: '✗', errored: '!', 'not-evaluated': '–' };

/**
 * A short plain-text summary for the terminal (no colour codes, so it reads the same in a CI
 * log): drill and outcome, one line per verdict (`✓` passed, `✗` failed, `!` errored, `–` not evaluated) with
 * observed vs expected, totals (and per service, when several were loaded), the headline figures as run.json stores them, and the reason when the run was aborted or a rollback failed.
 * Text from the record is flattened to one line per field and stripped of control
 * characters, so a captured response body cannot move the cursor or recolour the terminal.
 *
 * `secrets` are values redacted besides the secret-named environment variables' (request credentials).
 *
 * @example process.stdout.write(renderConsoleSummary(record))
 */
export function renderConsoleSummary(record: RunRecord, secrets: readonly string[] = []): string {
  const { environment, totals } = record;
  const runRate = figureNamed(record.figures, 'errorRate.run');
  const errorRate = runRate === undefined ? '' : ` (${formatFigure(runRate)})`;
  const lines = [
    `drill ${clean(record.drill.name)}: ${record.outcome.toUpperCase()} (exit ${record.exitCode})`,
    `  environment ${clean(environment.name)} (${environment.kind}, account ${clean(environment.accountId)}), ` +
      `regions ${environment.regions.map(clean).join(' → ')}, engine ${clean(record.engine)}`,
    `  run ${clean(record.runId)}, ${formatDuration(record.endedAt - record.startedAt)}, ` +
      `${totals.requests} requests, ${totals.errors} errors${errorRate}`,
  ];
  for (const row of serviceRows(record)) lines.push(`  service ${clean(row.service)}: ${row.requests} requests, ${row.errors} errors (${row.errorRate})`);
  for (const verdict of record.verdicts) {
    lines.push(
      `  ${SYMBOL[verdict.status]} ${clean(verdict.name)}: observed ${clean(verdict.observed)}; expected ${clean(verdict.expected)}`,
    );
  }
  if (record.verdicts.length === 0) lines.push('  (no assertions evaluated)');
  const figures = record.figures ?? [];
  if (figures.length > 0) lines.push('  figures:');
  for (const figure of figures) {
    const expected = figure.expected === undefined ? '' : `; model: ${clean(figure.expected.text)}`;
    lines.push(`    ${clean(figure.label)}${figure.cohort === undefined ? '' : ` [${clean(figure.cohort)}]`}: ${describeFigure(figure)}${expected}`);
  }
  if (record.reason !== undefined) {
    const label = record.outcome === 'rollback-failed' ? 'rollback failed' : 'reason';
    // A rollback failure lists what to undo line by line; keep those lines, indented.
    const [first = '', ...rest] = record.reason.split(/\r?\n/).map(clean).filter((line) => line !== '');
    lines.push(`  ${label}: ${first}`, ...rest.map((line) => `    ${line}`));
  }
  // Terminal output lands in CI logs, which are kept and shared: redact like every file.
  return createRedactor(process.env, secrets)(`${lines.join('\n')}\n`);
}

/** One line, no C0/C1 controls (ESC sequences included). */
function clean(text: string): string {
  return text
    .replace(/[\t\r\n]+/g, ' ')
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, '')
    .trim();
}
