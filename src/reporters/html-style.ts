/**
 * The report's stylesheet, screen and print. Printed (or saved as PDF) it is an A4 document:
 * sections start where they fit, charts and cards never split across pages, interactive bits
 * (hover legends, the collapsed polling list) are left out, and links to nowhere are not shown.
 */
export const REPORT_STYLE = `
:root { --fg: #1a202c; --muted: #4a5568; --line: #e2e8f0; --bg: #ffffff; --panel: #f7fafc;
  --pass: #276749; --pass-bg: #e6f6ec; --fail: #9b2c2c; --fail-bg: #fde8e8; --err: #8a4b08; --err-bg: #fff3dc; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 14px/1.45 -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main, footer { max-width: 1120px; margin: 0 auto; padding: 0 24px; }
main { padding-top: 24px; }
h1 { font-size: 24px; margin: 0; }
h2 { font-size: 17px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
.title { display: flex; align-items: center; gap: 14px; flex-wrap: wrap; }
.description { color: var(--muted); margin: 6px 0 0; }
.meta { display: grid; grid-template-columns: repeat(auto-fill, minmax(240px, 1fr)); gap: 6px 24px; margin: 16px 0 0; }
.meta div { min-width: 0; }
.meta dt { font-size: 11px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.meta dd { margin: 0; overflow-wrap: anywhere; }
.badge { display: inline-block; padding: 2px 10px; border-radius: 999px; font-weight: 600; font-size: 13px;
  border: 1px solid currentColor; white-space: nowrap; }
.outcome-passed, .badge.status-passed { color: var(--pass); background: var(--pass-bg); }
.outcome-failed, .badge.status-failed, .outcome-rollback-failed { color: var(--fail); background: var(--fail-bg); }
.outcome-aborted, .badge.status-errored { color: var(--err); background: var(--err-bg); }
.badge.status-not-evaluated { color: var(--muted); background: var(--panel); border-style: dashed; }
tr.status-not-evaluated td { color: var(--muted); }
.run-line { margin: 6px 0 0; color: var(--muted); font-size: 13px; }
.verdict-banner { display: flex; align-items: center; gap: 20px; margin-top: 16px; padding: 14px 18px; border-radius: 8px; border: 2px solid currentColor; }
.verdict-banner .verdict-word { font-size: 34px; font-weight: 800; letter-spacing: .02em; line-height: 1; }
.verdict-banner .verdict-text { color: var(--fg); }
.verdict-banner p { margin: 0; }
.verdict-banner .counts { margin-top: 4px; color: var(--muted); font-size: 13px; }
.count.nonzero.status-failed { color: var(--fail); font-weight: 600; }
.count.nonzero.status-errored { color: var(--err); font-weight: 600; }
#rto .rto-row { margin: 10px 0 0; }
#rto h3 { font-size: 14px; margin: 0 0 6px; color: var(--muted); font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.rto-cards { display: flex; align-items: stretch; gap: 8px; }
.rto-card { flex: 1 1 0; min-width: 0; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; break-inside: avoid; }
.rto-card .label { font-size: 11px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.rto-card .big { font-size: 30px; font-weight: 700; font-variant-numeric: tabular-nums; line-height: 1.2; }
.rto-card[data-part="clients"] { border-color: var(--fg); }
.rto-card.missing .big, .rto-card.cut-off .big { color: var(--muted); }
.rto-card.cut-off { border-style: dashed; }
.rto-card .caveat { font-size: 12px; font-weight: 600; color: var(--muted); }
.rto-card .sub { font-size: 11px; }
.rto-arrow { align-self: center; color: var(--muted); font-size: 20px; }
.restore-summary { margin: 0 0 6px; }
.rollbacks { margin: 0 0 8px; padding-left: 20px; font-size: 13px; }
tr.differs td { background: var(--fail-bg); }
.verdict-figures { margin: 0 0 4px; }
.verdict-figures .figure-value { font-size: 16px; font-weight: 700; font-variant-numeric: tabular-nums; }
time[title] { text-decoration: underline dotted var(--muted); text-underline-offset: 2px; cursor: help; white-space: nowrap; }
details.polling { margin-top: 10px; }
details.polling summary { cursor: pointer; color: var(--muted); }
h3 { font-size: 14px; margin: 16px 0 6px; }
h4 { font-size: 13px; margin: 12px 0 6px; }
.participants { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 6px 20px; margin: 0; }
.action-items li { margin: 2px 0; }
tr.action td { background: #fffbea; }
.reason { border: 1px solid var(--fail); background: var(--fail-bg); border-radius: 6px; padding: 10px 14px; margin-top: 18px; }
.reason h2 { border: 0; margin: 0 0 4px; font-size: 15px; color: var(--fail); }
.reason p { margin: 0; white-space: pre-wrap; }
.totals { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 12px; margin-top: 20px; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; }
.card .label { font-size: 11px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.card .value { font-size: 17px; font-weight: 600; }
table { width: 100%; border-collapse: collapse; font-size: 13px; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); overflow-wrap: break-word; }
/* Ids, ARNs and targets may break anywhere; words and numbers keep whole (no "Lambd a", "restore d"). */
td.mono, td .mono { overflow-wrap: anywhere; }
table.snapshots td:last-child, table.call-groups td:nth-child(n+3) { white-space: nowrap; }
th { background: var(--panel); font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.status-failed td:first-child { box-shadow: inset 3px 0 var(--fail); }
tr.status-errored td:first-child { box-shadow: inset 3px 0 var(--err); }
.name { font-weight: 600; }
.sub { color: var(--muted); font-size: 12px; }
.mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
.details { display: grid; grid-template-columns: auto 1fr auto 1fr; gap: 0 10px; margin: 6px 0 0; font-size: 12px; color: var(--muted); }
.details dd { margin: 0; }
.empty { color: var(--muted); }
figure { margin: 0; }
.timeline-figure .chart { margin: 0 0 6px; break-inside: avoid; }
.timeline-figure .u-title { font-size: 13px; font-weight: 600; text-align: left; padding-left: 8px; }
.timeline-figure .u-legend { font-size: 12px; }
.lane-states { font-size: 12px; }
.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 4px 16px; padding: 0; margin: 8px 0 0; font-size: 12px; color: var(--muted); }
.legend li { display: flex; align-items: center; gap: 6px; }
.legend .swatch { width: 12px; height: 12px; border-radius: 2px; display: inline-block; }
.legend .stroke { width: 16px; height: 3px; display: inline-block; }
.note { font-size: 12px; color: var(--muted); margin: 6px 0 0; }
footer { color: var(--muted); font-size: 12px; padding-top: 24px; padding-bottom: 32px; }
* { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  body { font-size: 9.5pt; }
  main, footer { max-width: none; padding: 0; }
  h2, h3, h4 { break-after: avoid; }
  tr, .chart, .card, .rto-card, .rto-row, .reason, .verdict-banner, figure .legend, .details { break-inside: avoid; }
  /* Sections flow on (no half-empty pages); the auditor's evidence starts on a page of its own. */
  #evidence { break-before: page; }
  .timeline-figure .chart { margin-bottom: 4px; }
  /* uPlot's hover legends and cursor are controls; the figure's own legend names every colour. */
  .u-legend, .u-cursor-x, .u-cursor-y, .u-select { display: none; }
  .rto-card .sub { font-size: 7.5pt; }
  /* Controls are for the screen: the polling list (counted per operation above) and hover hints. */
  details.polling > :not(summary) { display: none; }
  details.polling summary { list-style: none; cursor: auto; }
  time[title] { text-decoration: none; }
  thead { display: table-header-group; }
  .verdict-banner .verdict-word { font-size: 26pt; }
  .rto-card .big { font-size: 20pt; }
  .meta { grid-template-columns: repeat(3, minmax(0, 1fr)); }
}
`;
