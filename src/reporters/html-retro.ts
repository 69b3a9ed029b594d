import { formatDuration } from '../drill/duration.ts';
import type { RunRecord } from '../runner/run-record.ts';
import type { NoteEvent } from '../runner/timeline.ts';
import { escapeHtml } from './html-escape.ts';
import type { ReportClock } from './report-clock.ts';

/** A note that is an action item: it begins `action:` (any case), as people type it in the room. */
const ACTION = /^\s*action\s*:\s*/i;

export function isActionItem(note: Pick<NoteEvent, 'text'>): boolean {
  return ACTION.test(note.text);
}

/**
 * What the retro after a game day starts from: who took part (every operator seen in an approval
 * or a note), the action items (notes beginning `action:`), the approvals and every note, each on
 * the report's clock. Absent from a run that had neither approvals nor notes.
 */
export function renderRetroSection(record: RunRecord, clock: ReportClock): string {
  const approvals = record.approvals ?? [];
  const notes = record.notes ?? [];
  if (approvals.length === 0 && notes.length === 0) return '';
  const actions = notes.filter(isActionItem);
  return `<section id="retro">
<h2>Retro</h2>
<h3>Participants</h3>
${participants(record)}
<h3>Action items</h3>
${
  actions.length === 0
    ? '<p class="empty">No note began with “action:”.</p>'
    : `<ol class="action-items">${actions.map((note) => `<li>${escapeHtml(note.text.replace(ACTION, ''))} <span class="sub">— ${escapeHtml(note.operator)}, ${clock.html(note.at)}${note.step === undefined ? '' : `, during ${escapeHtml(note.step)}`}</span></li>`).join('')}</ol>`
}
<h3>Approvals</h3>
${
  approvals.length === 0
    ? '<p class="empty">No approvals were asked for.</p>'
    : `<table class="approvals">
<thead><tr><th>Answered</th><th>Step</th><th>Question</th><th>Answer</th><th>By</th><th>Via</th><th>Comment</th></tr></thead>
<tbody>
${approvals
  .map(
    (a) =>
      `<tr><td>${clock.html(a.at)}<div class="sub">waited ${escapeHtml(formatDuration(a.at - a.askedAt))}</div></td><td>${escapeHtml(a.step)}</td><td>${escapeHtml(a.question)}</td><td>${a.approved ? 'approved' : '<strong>declined</strong>'}</td><td>${escapeHtml(a.operator)}</td><td>${escapeHtml(a.via)}</td><td>${escapeHtml(a.comment ?? '')}</td></tr>`,
  )
  .join('\n')}
</tbody>
</table>`
}
<h3>Notes</h3>
${
  notes.length === 0
    ? '<p class="empty">No notes were written.</p>'
    : `<table class="notes">
<thead><tr><th>Time</th><th>Step</th><th>By</th><th>Note</th></tr></thead>
<tbody>
${notes.map((n) => `<tr${isActionItem(n) ? ' class="action"' : ''}><td>${clock.html(n.at)}</td><td>${escapeHtml(n.step ?? '')}</td><td>${escapeHtml(n.operator)}</td><td>${escapeHtml(n.text)}</td></tr>`).join('\n')}
</tbody>
</table>`
}
</section>`;
}

function participants(record: RunRecord): string {
  const seen = new Map<string, { approvals: number; notes: number }>();
  const tally = (operator: string, kind: 'approvals' | 'notes'): void => {
    const entry = seen.get(operator) ?? { approvals: 0, notes: 0 };
    entry[kind] += 1;
    seen.set(operator, entry);
  };
  for (const approval of record.approvals ?? []) tally(approval.operator, 'approvals');
  for (const note of record.notes ?? []) tally(note.operator, 'notes');
  const count = (n: number, noun: string): string => (n === 0 ? '' : `${n} ${noun}${n === 1 ? '' : 's'}`);
  return `<ul class="participants">${[...seen]
    .map(([operator, { approvals, notes }]) => `<li><span class="name">${escapeHtml(operator)}</span> <span class="sub">${escapeHtml([count(approvals, 'approval'), count(notes, 'note')].filter((part) => part !== '').join(', '))}</span></li>`)
    .join('')}</ul>`;
}
