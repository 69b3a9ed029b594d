import { describeFigure, figureNamed, formatFigure } from '../assertions/figure.ts';
import { escapeControlChars } from '../util/escape-control-chars.ts';
import type { VerdictStatus } from '../assertions/verdict.ts';
import { formatDuration } from '../drill/duration.ts';
import type { RunRecord } from '../runner/run-record.ts';
import { isoTime } from './format-time.ts';
import { serviceRows } from './service-rows.ts';

const STATUS: Readonly<Record<VerdictStatus, string>> = { passed: '✅ passed', failed: '❌ failed', errored: '⚠️ errored', 'not-evaluated': '⏭️ not evaluated' };
const OUTCOME: Readonly<Record<RunRecord['outcome'], string>> = {
  passed: '✅ PASSED',
  failed: '❌ FAILED',
  aborted: '⚠️ ABORTED',
  'rollback-failed': '🚨 ROLLBACK FAILED',
};

/**
 * A GitHub-flavoured Markdown summary of one run for CI step summaries
 * (`cat summary.md >> $GITHUB_STEP_SUMMARY`): outcome, key numbers (requests, error rate,
 * DNS convergence, RTO, failback), requests and error rate per service when several were loaded, every headline figure as run.json stores it, and one table
 * row per verdict with observed vs expected.
 * Record text is escaped so a `|`, backtick or HTML in a verdict cannot break the table.
 */
export function renderMarkdownSummary(record: RunRecord): string {
  const figure = (name: string): string => {
    const found = figureNamed(record.figures, name);
    return found === undefined ? '—' : formatFigure(found);
  };
  const lines = [
    `### ${OUTCOME[record.outcome]} — drill \`${code(record.drill.name)}\` (exit ${record.exitCode})`,
    '',
    `Run \`${code(record.runId)}\` on ${cell(record.environment.name)} (${record.environment.kind}, account ${cell(record.environment.accountId)}), ` +
      `${record.environment.regions.map(cell).join(' → ')}, ${isoTime(record.startedAt)}, ${formatDuration(record.endedAt - record.startedAt)}.`,
    '',
    '| Requests | Errors | DNS convergence | RTO | Failback |',
    '| ---: | ---: | ---: | ---: | ---: |',
    `| ${record.totals.requests} | ${record.totals.errors} (${figure('errorRate.run')}) | ${figure('dns.convergence')} | ${figure('rto')} | ${figure('failback')} |`,
    '',
  ];
  const services = serviceRows(record);
  if (services.length > 0) {
    lines.push('| Service | Requests | Errors | Error rate |', '| --- | ---: | ---: | ---: |');
    for (const row of services) lines.push(`| \`${code(row.service)}\` | ${row.requests} | ${row.errors} | ${row.errorRate} |`);
    lines.push('');
  }
  const figures = record.figures ?? [];
  if (figures.length > 0) {
    lines.push('| Figure | Value | Model predicts | Definition |', '| --- | ---: | --- | --- |');
    for (const each of figures) {
      const label = `${each.label}${each.cohort === undefined ? '' : ` (${each.cohort})`}`;
      lines.push(`| ${cell(label)} \`${code(each.name)}\` | ${cell(describeFigure(each))} | ${each.expected === undefined ? '—' : cell(each.expected.text)} | ${cell(each.definition)} |`);
    }
    lines.push('');
  }
  if (record.verdicts.length === 0) {
    lines.push('_No assertions were evaluated._', '');
  } else {
    lines.push('| Assertion | Status | Observed | Expected |', '| --- | --- | --- | --- |');
    for (const verdict of record.verdicts) {
      lines.push(`| ${cell(verdict.name)} | ${STATUS[verdict.status]} | ${cell(verdict.observed)} | ${cell(verdict.expected)} |`);
    }
    lines.push('');
  }
  if (record.reason !== undefined) {
    lines.push(`> **${record.outcome === 'rollback-failed' ? 'Rollback failed — faults may remain' : 'Reason'}:** ${cell(record.reason).replace(/<br>/g, '<br>> ')}`, '');
  }
  return `${lines.join('\n')}\n`;
}

/** Text safe in a table cell: no pipes, newlines, HTML or emphasis markers; control characters shown as `\x1b`. */
function cell(text: string): string {
  return escapeControlChars(text.replace(/\r\n/g, '\n').replace(/\t/g, ' '))
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|])/g, '\\$1')
    .replace(/\r?\n/g, '<br>');
}

/** Text safe inside an inline code span (where a backslash is literal, so `\x1b` shows as written). */
function code(text: string): string {
  return escapeControlChars(text.replace(/[`\r\n]/g, ' '));
}
