import { formatDuration } from '../drill/duration.ts';
import type { ControlPlaneCallRecord } from '../runner/run-record.ts';
import { groupCalls, isReadOnlyOperation } from './call-groups.ts';
import { escapeHtml } from './html-escape.ts';
import type { ReportClock } from './report-clock.ts';

/**
 * The control-plane calls an auditor needs, in the order they need them: one row per operation
 * with its count, then every call that could change something on its own row with its AWS
 * request id, then the read-only polling (health-check status, function state) collapsed, since
 * a drill makes hundreds of those and they bury the few calls that matter.
 */
export function renderCallSections(calls: readonly ControlPlaneCallRecord[] | undefined, clock: ReportClock): string {
  if (calls === undefined) return '<p class="empty">Control-plane calls were not recorded for this run (the fault events above carry the request ids of mutating calls).</p>';
  if (calls.length === 0) return '<p class="empty">No control-plane calls were made.</p>';
  const mutating = calls.filter((call) => !isReadOnlyOperation(call.operation));
  const polling = calls.filter((call) => isReadOnlyOperation(call.operation));
  return `${groupTable(calls, clock)}
<h4>Calls that change something (${mutating.length})</h4>
${mutating.length === 0 ? '<p class="empty">None: every call was read-only.</p>' : callTable(mutating, clock, 'mutating')}
${
  polling.length === 0
    ? ''
    : `<details class="polling"><summary>Read-only calls and polling: ${polling.length} call${polling.length === 1 ? '' : 's'} (counted per operation above)</summary>
${callTable(polling, clock, 'polling')}
</details>`
}`;
}

function groupTable(calls: readonly ControlPlaneCallRecord[], clock: ReportClock): string {
  const rows = groupCalls(calls).map(
    (group) =>
      `<tr class="call-group" data-operation="${escapeHtml(`${group.service}.${group.operation}`)}"><td>${escapeHtml(group.service)}</td><td>${escapeHtml(group.operation)}</td><td>${group.readOnly ? 'read-only' : '<strong>changes state</strong>'}</td><td class="num">${group.count.toLocaleString('en-US')}</td><td class="num">${group.errors === 0 ? '0' : `<strong>${group.errors}</strong>`}</td><td>${escapeHtml(group.regions.join(', '))}</td><td>${clock.html(group.firstAt)}${group.count > 1 ? ` … ${clock.html(group.lastAt)}` : ''}</td></tr>`,
  );
  return `<table class="call-groups">
<thead><tr><th>Service</th><th>Operation</th><th>Kind</th><th>Calls</th><th>Errors</th><th>Regions</th><th>When</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`;
}

function callTable(calls: readonly ControlPlaneCallRecord[], clock: ReportClock, kind: 'mutating' | 'polling'): string {
  const rows = calls.map((call) => {
    const outcome = call.errorCode !== undefined ? `${call.httpStatus ?? '—'} ${call.errorCode}` : String(call.httpStatus ?? '—');
    return `<tr class="call call-${kind}${call.errorCode !== undefined ? ' call-error' : ''}"><td>${clock.html(call.startedAt)}<div class="sub">took ${escapeHtml(formatDuration(Math.max(0, call.endedAt - call.startedAt)))}</div></td><td>${escapeHtml(call.service)}</td><td>${escapeHtml(call.operation)}</td><td>${escapeHtml(call.region)}</td><td>${escapeHtml(outcome)}${call.attempts !== undefined && call.attempts > 1 ? `<div class="sub">${call.attempts} attempts</div>` : ''}</td><td class="mono">${escapeHtml(call.requestId ?? '—')}</td></tr>`;
  });
  return `<table class="calls calls-${kind}">
<thead><tr><th>Time</th><th>Service</th><th>Operation</th><th>Region</th><th>HTTP / error</th><th>AWS request id</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`;
}
