import { describeFigure, formatLimit, type Figure } from '../assertions/figure.ts';
import type { Verdict } from '../assertions/verdict.ts';
import { formatDuration } from '../drill/duration.ts';
import type { RunRecord } from '../runner/run-record.ts';
import { formatDetail } from './detail-format.ts';
import { escapeHtml } from './html-escape.ts';
import { STATUS_LABEL } from './html-summary.ts';
import type { ReportClock } from './report-clock.ts';

/**
 * Every verdict with what it measured, for people: its figures (from run.json's `figures`, the
 * ones it measured, with the bounds a custom check set), its details in words with durations in
 * s/ms and times on the report's clock, and its evidence window from T0 (ISO on hover).
 */
export function renderVerdictTable(record: RunRecord, clock: ReportClock): string {
  if (record.verdicts.length === 0) return '<p class="empty">No assertions were evaluated.</p>';
  const rows = record.verdicts.map((verdict) => verdictRow(record, verdict, clock)).join('\n');
  return `<table class="verdicts">
<thead><tr><th>Status</th><th>Assertion</th><th>Observed</th><th>Expected</th><th>Evidence window</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
}

function verdictRow(record: RunRecord, verdict: Verdict, clock: ReportClock): string {
  const details = Object.entries(verdict.details ?? {});
  const detailList =
    details.length === 0
      ? ''
      : `<dl class="details">${details
          .map(([key, value]) => {
            const { label, html } = formatDetail(key, value, clock);
            return `<dt>${escapeHtml(label)}</dt><dd>${html}</dd>`;
          })
          .join('')}</dl>`;
  const figures = (record.figures ?? []).filter((figure) => figure.source === verdict.name);
  const resolution = verdict.resolutionMs !== undefined ? `<div class="sub">resolution ±${escapeHtml(formatDuration(verdict.resolutionMs))}</div>` : '';
  return `<tr class="verdict status-${escapeHtml(verdict.status)}">
<td><span class="badge status-${escapeHtml(verdict.status)}">${escapeHtml(STATUS_LABEL[verdict.status])}</span></td>
<td><div class="name">${escapeHtml(verdict.name)}</div><div class="sub">${escapeHtml([verdict.assertion, verdict.service, verdict.region].filter((part) => part !== undefined).join(' · '))}</div></td>
<td>${figureList(figures, 'observed')}${escapeHtml(verdict.observed)}${resolution}${detailList}</td>
<td>${figureList(figures.filter((figure) => figure.limit !== undefined), 'expected')}${escapeHtml(verdict.expected)}</td>
<td>${windowCell(verdict.window, clock)}</td>
</tr>`;
}

/** A verdict's figures as large numbers, measured or expected (a custom check's bounds). */
function figureList(figures: readonly Figure[], side: 'observed' | 'expected'): string {
  if (figures.length === 0) return '';
  const item = (figure: Figure): string => {
    const value = side === 'observed' ? describeFigure(figure) : figure.limit === undefined ? '—' : formatLimit(figure.limit, figure.unit);
    return `<div class="figure-${side}" data-figure="${escapeHtml(figure.name)}"><span class="figure-value">${escapeHtml(value)}</span> <span class="sub">${escapeHtml(figure.label)}</span></div>`;
  };
  return `<div class="verdict-figures">${figures.map(item).join('')}</div>`;
}

/** An evidence window on the report's clock, its length, ISO times on hover. */
export function windowCell(window: Verdict['window'], clock: ReportClock): string {
  if (window === undefined) return '<span class="sub">—</span>';
  return `${clock.html(window.from)} → ${clock.html(window.to)} <span class="sub">(${escapeHtml(formatDuration(window.to - window.from))})</span>`;
}

/** Every headline figure with its definition and window, as stored in run.json. */
export function renderFigureTable(record: RunRecord, clock: ReportClock): string {
  const figures = record.figures ?? [];
  if (figures.length === 0) return '<p class="empty">This run recorded no headline figures.</p>';
  const rows = figures.map(
    (figure) => `<tr class="figure" data-figure="${escapeHtml(figure.name)}">
<td><div class="name">${escapeHtml(figure.label)}${figure.cohort === undefined ? '' : ` <span class="badge">${escapeHtml(figure.cohort)}</span>`}</div><div class="sub mono">${escapeHtml(figure.name)}</div></td>
<td class="figure-value">${escapeHtml(describeFigure(figure))}</td>
<td>${figure.expected !== undefined ? escapeHtml(figure.expected.text) : figure.limit !== undefined ? escapeHtml(formatLimit(figure.limit, figure.unit)) : '<span class="sub">—</span>'}</td>
<td>${escapeHtml(figure.definition)}${figure.source === undefined ? '<div class="sub">measured with default options</div>' : `<div class="sub">measured by “${escapeHtml(figure.source)}”</div>`}</td>
<td>${windowCell(figure.window, clock)}</td>
</tr>`,
  );
  return `<table class="figures">
<thead><tr><th>Figure</th><th>Value</th><th>Expected</th><th>Definition</th><th>Window</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`;
}
