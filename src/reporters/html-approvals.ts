import type { RunRecord } from '../runner/run-record.ts';
import { isoTime } from './format-time.ts';
import { escapeHtml } from './html-escape.ts';

/**
 * Who approved what and when, and the notes written during the run: one plain section, absent
 * from a run that had neither.
 */
export function renderApprovalsSection(record: RunRecord): string {
  const approvals = record.approvals ?? [];
  const notes = record.notes ?? [];
  if (approvals.length === 0 && notes.length === 0) return '';
  const approvalRows = approvals
    .map(
      (a) =>
        `<tr><td class="mono">${escapeHtml(isoTime(a.at))}</td><td>${escapeHtml(a.step)}</td><td>${escapeHtml(a.question)}</td><td>${a.approved ? 'approved' : 'declined'}</td><td>${escapeHtml(a.operator)}</td><td>${escapeHtml(a.via)}</td><td>${escapeHtml(a.comment ?? '')}</td></tr>`,
    )
    .join('\n');
  const noteRows = notes
    .map((n) => `<tr><td class="mono">${escapeHtml(isoTime(n.at))}</td><td>${escapeHtml(n.step ?? '')}</td><td>${escapeHtml(n.operator)}</td><td>${escapeHtml(n.text)}</td></tr>`)
    .join('\n');
  return `<section id="approvals">
<h2>Approvals and notes</h2>
${approvals.length === 0 ? '<p class="empty">No approvals were asked for.</p>' : `<table class="approvals">
<thead><tr><th>Answered</th><th>Step</th><th>Question</th><th>Answer</th><th>By</th><th>Via</th><th>Comment</th></tr></thead>
<tbody>
${approvalRows}
</tbody>
</table>`}
${notes.length === 0 ? '' : `<table class="notes">
<thead><tr><th>Time</th><th>Step</th><th>By</th><th>Note</th></tr></thead>
<tbody>
${noteRows}
</tbody>
</table>`}
</section>`;
}
