import { readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { RunRecord } from '../runner/run-record.ts';
import { writeAtomic } from './atomic-write.ts';
import { isoTime } from './format-time.ts';
import { escapeHtml } from './html-escape.ts';
import { figureNamed, formatFigure } from '../assertions/figure.ts';
import { inlineJson, uplotAssets } from './uplot-assets.ts';
import { readRunRecord, RUN_FILES } from './write-run-directory.ts';

/** One run as the history lists it. */
export interface HistoryEntry {
  /** `<drill>/<run-id>`, relative to the reports root, with `/` separators. */
  readonly path: string;
  readonly record: RunRecord;
}

/** The figures the history charts and lists, by their run.json names. */
const HISTORY_FIGURES = ['dns.convergence', 'rto', 'errorRate.fault'] as const;

const DRILL_COLOURS = ['#2b6cb0', '#dd6b20', '#2f855a', '#6b46c1', '#b83280', '#2c7a7b', '#975a16', '#4a5568'] as const;

/**
 * Finds every run under a reports root laid out as `<root>/<drill>/<run-id>/run.json`, oldest
 * first. Directories without a readable, valid run.json are skipped (a run still being
 * written, or someone's scratch folder), and listed in `skipped`.
 */
export async function collectHistory(root: string): Promise<{ entries: HistoryEntry[]; skipped: string[] }> {
  const base = resolve(root);
  const entries: HistoryEntry[] = [];
  const skipped: string[] = [];
  const dirs = async (dir: string): Promise<string[]> => {
    try {
      return (await readdir(dir, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
    } catch {
      return [];
    }
  };
  for (const drill of await dirs(base)) {
    for (const run of await dirs(join(base, drill))) {
      try {
        const record = await readRunRecord(join(base, drill, run));
        entries.push({ path: `${drill}/${run}`, record });
      } catch {
        skipped.push(`${drill}/${run}`);
      }
    }
  }
  entries.sort((a, b) => a.record.startedAt - b.record.startedAt || a.path.localeCompare(b.path));
  return { entries, skipped };
}

/**
 * Renders the history page: one table row per run (newest first, linking to its report) and
 * three charts across runs, one line per drill: DNS convergence time, RTO and error rate
 * during the fault, so a nightly regression stands out as a step in a line. Self-contained
 * like the run report.
 */
export function renderHistoryHtml(entries: readonly HistoryEntry[]): string {
  const uplot = uplotAssets();
  const drills = [...new Set(entries.map((entry) => entry.record.drill.name))].sort();
  const x = entries.map((entry) => Math.round(entry.record.startedAt / 1000));
  const per = (name: (typeof HISTORY_FIGURES)[number], scale: number) =>
    drills.map((drill) => entries.map((entry) => {
      if (entry.record.drill.name !== drill) return null;
      const value = figureNamed(entry.record.figures, name)?.value;
      return value === undefined || value === null ? null : Math.round((value / scale) * 100) / 100;
    }));
  const data = {
    x,
    drills: drills.map((name, index) => ({ name, colour: DRILL_COLOURS[index % DRILL_COLOURS.length] })),
    charts: [
      { title: 'DNS convergence (s)', values: per('dns.convergence', 1000) },
      { title: 'RTO (s)', values: per('rto', 1000) },
      { title: 'Error rate, phase fault (%)', values: per('errorRate.fault', 1) },
    ],
  };
  const rows = [...entries].reverse().map((entry) => {
    const { record } = entry;
    const shown = (name: (typeof HISTORY_FIGURES)[number]): string => {
      const figure = figureNamed(record.figures, name);
      return figure === undefined ? '—' : formatFigure(figure);
    };
    const href = entry.path.split('/').map(encodeURIComponent).join('/');
    return `<tr class="run outcome-row-${escapeHtml(record.outcome)}"><td class="mono">${escapeHtml(isoTime(record.startedAt))}</td><td><a href="${escapeHtml(`${href}/${RUN_FILES.html}`)}">${escapeHtml(record.drill.name)}</a><div class="sub mono">${escapeHtml(record.runId)}</div></td><td>${escapeHtml(record.environment.name)}</td><td><span class="badge outcome-${escapeHtml(record.outcome)}">${escapeHtml(record.outcome)}</span></td><td>${escapeHtml(shown('dns.convergence'))}</td><td>${escapeHtml(shown('rto'))}</td><td>${escapeHtml(shown('errorRate.fault'))}</td><td>${record.verdicts.filter((v) => v.status === 'passed').length}/${record.verdicts.length}</td></tr>`;
  });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>drdrill — run history</title>
<style>${uplot.css}</style>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>drdrill run history</h1>
<p class="sub">${entries.length} run${entries.length === 1 ? '' : 's'} of ${drills.length} drill${drills.length === 1 ? '' : 's'}. Each line is one drill; a jump from one night to the next is a regression to look at.</p>
<script type="application/json" id="history-data">${inlineJson(data)}</script>
<div id="history-charts" data-rendered="0"></div>
<table class="runs">
<thead><tr><th>Started (UTC)</th><th>Drill / run</th><th>Environment</th><th>Outcome</th><th>DNS convergence</th><th>RTO</th><th>Error rate (phase fault)</th><th>Assertions passed</th></tr></thead>
<tbody>
${rows.join('\n') || '<tr><td colspan="8" class="empty">No runs yet.</td></tr>'}
</tbody>
</table>
</main>
<script>${uplot.js}</script>
<script>${HISTORY_SCRIPT}</script>
</body>
</html>
`;
}

/**
 * Rewrites `<root>/index.html` from every run under `root`. Called after each run is written;
 * cheap enough (one run.json read per run) for years of nightly runs of a few drills.
 * `transform` lets the caller redact the page like every other output.
 */
export async function writeHistoryIndex(root: string, transform: (html: string) => string = (html) => html): Promise<{ file: string; runs: number }> {
  const { entries } = await collectHistory(root);
  const file = join(resolve(root), 'index.html');
  await writeAtomic(file, (temp) => writeFile(temp, transform(renderHistoryHtml(entries)), 'utf8'));
  return { file, runs: entries.length };
}

const HISTORY_SCRIPT = String.raw`
(function () {
  'use strict';
  var host = document.getElementById('history-charts');
  var source = document.getElementById('history-data');
  if (!host || !source || typeof uPlot !== 'function') return;
  var data = JSON.parse(source.textContent);
  if (data.x.length === 0) return;
  var charts = [];
  data.charts.forEach(function (c) {
    var wrap = document.createElement('div');
    wrap.className = 'chart';
    host.appendChild(wrap);
    var series = [{ label: 'run' }].concat(data.drills.map(function (d) {
      return { label: d.name, stroke: d.colour, width: 2, spanGaps: true, points: { show: true, size: 6, fill: d.colour } };
    }));
    charts.push(new uPlot({
      title: c.title, width: Math.max(360, host.clientWidth || 960), height: 180,
      scales: { x: { time: true }, y: { range: function (u, min, max) { return [0, Math.max(1, max * 1.15)]; } } },
      cursor: { sync: { key: 'drdrill-history' } },
      series: series,
    }, [data.x].concat(c.values), wrap));
  });
  host.setAttribute('data-rendered', String(charts.length));
  window.addEventListener('resize', function () { charts.forEach(function (u) { u.setSize({ width: Math.max(360, host.clientWidth), height: u.height }); }); });
})();
`;

const STYLE = `
body { margin: 0; color: #1a202c; font: 14px/1.45 -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, Arial, sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; }
.sub { color: #4a5568; font-size: 12px; }
.mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
.chart { margin: 12px 0; break-inside: avoid; }
.u-title { font-size: 13px; font-weight: 600; text-align: left; }
table { width: 100%; border-collapse: collapse; font-size: 13px; margin-top: 16px; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid #e2e8f0; }
th { background: #f7fafc; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-weight: 600; font-size: 12px; border: 1px solid currentColor; }
.outcome-passed { color: #276749; background: #e6f6ec; }
.outcome-failed, .outcome-rollback-failed { color: #9b2c2c; background: #fde8e8; }
.outcome-aborted { color: #8a4b08; background: #fff3dc; }
.empty { color: #4a5568; }
* { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
@media print { main { max-width: none; padding: 0; } tr { break-inside: avoid; } }
`;
