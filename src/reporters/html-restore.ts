import type { RunRecord, StateSnapshot } from '../runner/run-record.ts';
import { escapeHtml } from './html-escape.ts';
import type { ReportClock } from './report-clock.ts';

/**
 * "Was everything put back?", answered at the top of the report: each fault's rollback, and the
 * live state of every target before the drill and after the rollback, setting by setting.
 */
export function renderRestoreSection(record: RunRecord, clock: ReportClock): string {
  const snapshots = record.evidence?.snapshots;
  return `<section id="restore">
<h2>Restored?</h2>
${rollbackLine(record, clock)}
${snapshotTable(snapshots?.before, snapshots?.after, clock)}
</section>`;
}

function rollbackLine(record: RunRecord, clock: ReportClock): string {
  const injected = record.faults.filter((event) => event.kind === 'inject');
  if (injected.length === 0) return '<p class="restore-summary">No fault went in, so there was nothing to roll back.</p>';
  const failed = record.faults.filter((event) => event.kind === 'rollback-failed');
  const rolledBack = record.faults.filter((event) => event.kind === 'rollback');
  const items = [...rolledBack, ...failed]
    .sort((a, b) => a.at - b.at)
    .map((event) => `<li class="${event.kind}">${event.kind === 'rollback' ? 'rolled back' : '<strong>rollback failed</strong>'} ${escapeHtml(event.fault ?? event.injector)} on <span class="mono">${escapeHtml(event.target)}</span> at ${clock.html(event.at)}</li>`);
  const verdict =
    failed.length > 0
      ? `<strong>${failed.length} rollback${failed.length === 1 ? '' : 's'} failed: faults may remain.</strong>`
      : `${rolledBack.length} of ${injected.length} fault${injected.length === 1 ? '' : 's'} rolled back.`;
  return `<p class="restore-summary">${verdict}</p><ul class="rollbacks">${items.join('')}</ul>`;
}

function snapshotTable(before: StateSnapshot | undefined, after: StateSnapshot | undefined, clock: ReportClock): string {
  if (before === undefined && after === undefined) return '<p class="empty">No state snapshots were recorded for this run.</p>';
  const key = (item: { target: string; field: string }): string => `${item.target}\u0000${item.field}`;
  const keys = new Map<string, { target: string; field: string }>();
  for (const item of [...(before?.items ?? []), ...(after?.items ?? [])]) keys.set(key(item), item);
  const value = (snapshot: StateSnapshot | undefined, k: string): string => snapshot?.items.find((item) => key(item) === k)?.value ?? '—';
  const rows = [...keys].map(([k, item]) => {
    const was = value(before, k);
    const is = value(after, k);
    return `<tr class="${was === is ? 'restored' : 'differs'}"><td class="mono">${escapeHtml(item.target)}</td><td>${escapeHtml(item.field)}</td><td>${escapeHtml(was)}</td><td>${escapeHtml(is)}</td><td>${was === is ? 'restored' : '<strong>differs</strong>'}</td></tr>`;
  });
  const stamp = (snapshot: StateSnapshot | undefined): string => (snapshot === undefined ? 'not taken' : clock.html(snapshot.at));
  return `<table class="snapshots">
<thead><tr><th>Target</th><th>Setting</th><th>Before (${stamp(before)})</th><th>After (${stamp(after)})</th><th></th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`;
}
