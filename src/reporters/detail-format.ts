import { formatRate } from '../assertions/verdict-format.ts';
import { formatDuration } from '../drill/duration.ts';
import { escapeHtml } from './html-escape.ts';
import type { ReportClock } from './report-clock.ts';

/** Anything above this is an epoch-ms timestamp rather than a count or a duration (it is 1973). */
const EPOCH_FLOOR_MS = 1e11;

/**
 * One verdict detail as a person reads it, as HTML. Assertions store details for machines
 * (`recoveryMs: 2767.05810546875`, `longestOutageStartedAt: 1796161270443.058`); the report names
 * them in words and formats the values by what their key says they are: `…Ms` a duration,
 * `…At` a time on the report's clock (ISO on hover), other numbers rounded, `null` as a dash.
 */
export function formatDetail(key: string, value: string | number | boolean | null, clock: ReportClock): { label: string; html: string } {
  const label = detailLabel(key);
  if (value === null) return { label, html: '—' };
  if (typeof value === 'boolean') return { label, html: value ? 'yes' : 'no' };
  if (typeof value === 'string') return { label, html: escapeHtml(value) };
  if (/At$/.test(key) && value > EPOCH_FLOOR_MS) return { label, html: clock.html(value) };
  if (/(Ms| ms)$/.test(key)) return { label, html: escapeHtml(formatDuration(value)) };
  if (/(Percent| %)$/.test(key)) return { label, html: escapeHtml(formatRate(value)) };
  // An epoch time under a key that does not say so is still a time, never a 13-digit number.
  if (value > EPOCH_FLOOR_MS) return { label, html: clock.html(value) };
  return { label, html: escapeHtml(formatNumber(value)) };
}

/**
 * `longestOutageStartedAt` → `longest outage started`, `recoveryMs` → `recovery`,
 * `latency p50 ms` → `latency p50`; other keys (a resolver's address) as they are.
 */
export function detailLabel(key: string): string {
  if (/^[a-z][a-z0-9 ]* (ms|%)$/i.test(key)) return key.replace(/ (ms|%)$/i, '');
  if (!/^[a-z][A-Za-z0-9]*$/.test(key)) return key;
  const words = key
    .replace(/(Ms|At|Percent)$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return words === '' ? key : words;
}

/** A count with thousands separators, anything else to at most two decimals. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return Number(value.toFixed(2)).toLocaleString('en-US', { maximumFractionDigits: 2 });
}
