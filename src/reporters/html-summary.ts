import { describeFigure, figureNamed, formatFigure, type Figure } from '../assertions/figure.ts';
import { VERDICT_STATUSES, type VerdictStatus } from '../assertions/verdict.ts';
import { formatDuration } from '../drill/duration.ts';
import type { RunOutcome, RunRecord } from '../runner/run-record.ts';
import { escapeHtml } from './html-escape.ts';
import { rtoSplits } from './rto-split.ts';

export const OUTCOME_LABEL: Readonly<Record<RunOutcome, string>> = {
  passed: 'passed',
  failed: 'failed',
  aborted: 'aborted',
  'rollback-failed': 'rollback failed',
};

export const STATUS_LABEL: Readonly<Record<VerdictStatus, string>> = {
  passed: '✓ passed',
  failed: '✗ failed',
  errored: '! errored',
  'not-evaluated': '– not evaluated',
};

/** What the outcome means, in one sentence a facilitator can read out. */
const OUTCOME_SENTENCE: Readonly<Record<RunOutcome, string>> = {
  passed: 'Every assertion passed and every fault was rolled back.',
  failed: 'The system deviated: at least one assertion failed. Every fault was rolled back.',
  aborted: 'The run was stopped before it finished; every fault was rolled back. What it could not judge is marked “not evaluated”.',
  'rollback-failed': 'A rollback failed: faults may remain. Undo them as the reason below says, or run drdrill recover.',
};

/** The verdict, first thing on the page: outcome, the sentence it stands for, and the assertions counted by status. */
export function renderVerdictBanner(record: RunRecord): string {
  const counts = VERDICT_STATUSES.map((status) => [status, record.verdicts.filter((verdict) => verdict.status === status).length] as const)
    .filter(([status, n]) => n > 0 || status === 'passed' || status === 'failed')
    .map(([status, n]) => `<span class="count status-${status}${n > 0 ? ' nonzero' : ''}">${n} ${escapeHtml(STATUS_LABEL[status].replace(/^\S+ /, ''))}</span>`);
  return `<section id="verdict" class="verdict-banner outcome-${escapeHtml(record.outcome)}">
<div class="verdict-word">${escapeHtml(OUTCOME_LABEL[record.outcome].toUpperCase())}</div>
<div class="verdict-text"><p>${escapeHtml(OUTCOME_SENTENCE[record.outcome])}</p><p class="counts">Assertions: ${counts.join(' · ')}</p></div>
</section>`;
}

/**
 * The RTO split as large figures, one row per loaded service: how long until the health check
 * noticed, until DNS answered the secondary everywhere, until clients recovered. Read from
 * run.json's figures (never recomputed), with each figure's resolution and definition beneath.
 */
export function renderRtoSection(record: RunRecord): string {
  const splits = rtoSplits(record).filter((split) => split.parts.some((part) => part.figure !== undefined) || (record.environment.services !== undefined && Object.keys(record.environment.services).length > 1));
  if (splits.length === 0) return '<section id="rto"><h2>Recovery time</h2><p class="empty">This run measured no recovery time (no fault moved traffic).</p></section>';
  const rows = splits.map((split) => {
    const cards = split.parts.map((part) => rtoCard(part.label, part.figure, part.key, cutOff(record, part.figure)));
    return `<div class="rto-row"${split.service === undefined ? '' : ` data-service="${escapeHtml(split.service)}"`}>
${split.service === undefined ? '' : `<h3>service ${escapeHtml(split.service)}</h3>`}
<div class="rto-cards">${cards.join('<div class="rto-arrow" aria-hidden="true">→</div>')}</div>
</div>`;
  });
  return `<section id="rto">
<h2>Recovery time, split</h2>
${rows.join('\n')}
<p class="note">Each time is from the first injection. Detect: the health check reported unhealthy. DNS shift: the probed resolvers answered the secondary for good. Clients recovered: the RTO, sustained client success.</p>
</section>`;
}

/**
 * Why a figure says less than it seems, when it does: a stopped run's figure whose window reached
 * the stop (a "never" there means "not before the run was stopped", not "never would have"), or
 * a stopped run's figure that was never measured.
 */
function cutOff(record: RunRecord, figure: Figure | undefined): string | undefined {
  if (record.abortedAt === undefined) return undefined;
  if (figure?.window !== undefined && figure.window.to < record.abortedAt) return undefined;
  return `not evaluated: the run stopped ${formatDuration(Math.max(0, record.abortedAt - record.startedAt))} after it started`;
}

function rtoCard(label: string, figure: Figure | undefined, key: string, caveat: string | undefined): string {
  if (figure === undefined) {
    return `<div class="rto-card missing" data-part="${key}"><div class="label">${escapeHtml(label)}</div><div class="big">—</div>${caveat === undefined ? '<div class="sub">not measured</div>' : `<div class="caveat">${escapeHtml(caveat)}</div>`}</div>`;
  }
  const resolution = describeFigure(figure).slice(formatFigure(figure).length).trim();
  // A part that does not apply says why instead of a definition of what never happened.
  const sub = figure.value === null && figure.inapplicable !== undefined ? figure.inapplicable : `${resolution === '' ? '' : `${resolution} · `}${figure.definition}`;
  return `<div class="rto-card${caveat === undefined ? '' : ' cut-off'}" data-part="${key}" data-figure="${escapeHtml(figure.name)}"><div class="label">${escapeHtml(label)}</div><div class="big">${escapeHtml(formatFigure(figure))}</div>${caveat === undefined ? '' : `<div class="caveat">${escapeHtml(caveat)}</div>`}<div class="sub">${escapeHtml(sub)}</div></div>`;
}

/** The run at a glance: requests, errors, duration and the other headline figures. */
export function renderTotals(record: RunRecord): string {
  const { requests, errors } = record.totals;
  const runRate = figureNamed(record.figures, 'errorRate.run');
  const cards: [string, string][] = [
    ['Requests', requests.toLocaleString('en-US')],
    ['Errors', `${errors.toLocaleString('en-US')} (${runRate === undefined ? '—' : formatFigure(runRate)})`],
    ['Duration', formatDuration(record.endedAt - record.startedAt)],
  ];
  for (const name of ['dns.convergence', 'failback'] as const) {
    const figure = figureNamed(record.figures, name);
    if (figure !== undefined) cards.push([figure.label, formatFigure(figure)]);
  }
  return `<section class="totals">${cards.map(([label, value]) => `<div class="card"><div class="label">${escapeHtml(label)}</div><div class="value">${escapeHtml(value)}</div></div>`).join('')}</section>`;
}
