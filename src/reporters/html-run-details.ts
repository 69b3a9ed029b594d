import { describeChain } from '../drill/region-ref.ts';
import { formatDuration } from '../drill/duration.ts';
import type { RunRecord } from '../runner/run-record.ts';
import { isoTime } from './format-time.ts';
import { escapeHtml } from './html-escape.ts';
import { injectorNames } from './injector-names.ts';
import type { ReportClock } from './report-clock.ts';

/** Where and how the drill ran, as terms: environment, account, regions, engine, run id, times. */
export function renderRunFacts(record: RunRecord): string {
  const { environment } = record;
  const injectors = injectorNames(record);
  const rows: [string, string][] = [
    ['Environment', `${environment.name} (${environment.kind})`],
    ['Account', environment.accountId],
    ['Regions', describeChain(environment.regions, ' · ')],
    ['Engine', record.engine],
    ['Run id', record.runId],
    ['Started', isoTime(record.startedAt)],
    ['Ended', isoTime(record.endedAt)],
    ['Duration', formatDuration(record.endedAt - record.startedAt)],
    ['Drill file', record.drill.file],
  ];
  if (injectors.length > 0) rows.push(['Injectors', injectors.join(', ')]);
  const operator = record.evidence?.operator;
  if (operator !== undefined) rows.push(['Operator', 'arn' in operator ? operator.arn : `unknown (${operator.error})`]);
  if (record.evidence?.gitRevision !== undefined) rows.push(['Git revision', record.evidence.gitRevision]);
  rows.push(['Tool', `${record.tool.name} ${record.tool.version}`]);
  return `<dl class="meta">${rows.map(([term, value]) => `<div><dt>${escapeHtml(term)}</dt><dd>${escapeHtml(value)}</dd></div>`).join('')}</dl>`;
}

export function renderFaultTable(record: RunRecord, clock: ReportClock): string {
  if (record.faults.length === 0) return '<p class="empty">No faults were injected.</p>';
  const rows = [...record.faults]
    .sort((a, b) => a.at - b.at)
    .map(
      (event) =>
        `<tr class="fault-${escapeHtml(event.kind)}"><td>${clock.html(event.at)}</td><td>${escapeHtml(event.kind)}</td><td>${escapeHtml(event.fault ?? event.injector)}<div class="sub">${escapeHtml(event.injector)}</div></td><td class="mono">${escapeHtml(event.target)}</td><td>${escapeHtml(event.detail ?? '')}</td><td class="mono">${event.requestIds.map(escapeHtml).join('<br>')}</td></tr>`,
    )
    .join('\n');
  return `<table class="faults">
<thead><tr><th>Time</th><th>Event</th><th>Fault</th><th>Target</th><th>Detail</th><th>AWS request ids</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
}

/** The steps as they ran: when each started, how long it took, how it ended and what it saw last. */
export function renderStepTable(record: RunRecord, clock: ReportClock): string {
  const steps = record.steps ?? [];
  if (steps.length === 0) return '<p class="empty">No step ran (a record from before drills ran as steps shows its phases only).</p>';
  const rows = steps
    .filter((event) => event.kind === 'started')
    .map((started) => {
      const ended = steps.find((event) => event.kind === 'ended' && event.step === started.step && event.at >= started.at);
      return `<tr class="step step-${escapeHtml(ended?.status ?? 'running')}"><td>${escapeHtml(started.step)}</td><td>${escapeHtml(started.type)}</td><td>${clock.html(started.at)}</td><td>${ended === undefined ? '—' : escapeHtml(formatDuration(ended.at - started.at))}</td><td>${escapeHtml(ended?.status ?? 'did not end')}</td><td>${escapeHtml(ended?.observed ?? '')}</td></tr>`;
    })
    .join('\n');
  return `<table class="steps">
<thead><tr><th>Step</th><th>Kind</th><th>Started</th><th>Took</th><th>Ended</th><th>Observed</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
}

export function renderPhaseTable(record: RunRecord, clock: ReportClock): string {
  if (record.phases.length === 0) return '<p class="empty">No phase started.</p>';
  const rows = record.phases
    .map((mark, index) => {
      const end = record.phases[index + 1]?.at ?? record.endedAt;
      return `<tr><td>${escapeHtml(mark.phase)}</td><td>${clock.html(mark.at)}</td><td>${escapeHtml(formatDuration(end - mark.at))}</td></tr>`;
    })
    .join('\n');
  return `<table class="phases">
<thead><tr><th>Phase</th><th>Started</th><th>Duration</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
}
