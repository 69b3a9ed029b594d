import { formatDuration } from '../drill/duration.ts';
import type { RunRecord } from '../runner/run-record.ts';
import { isoTime } from './format-time.ts';
import { escapeHtml } from './html-escape.ts';

/**
 * The clock the report reads times on: T0 is the first injection (what a recovery is timed from),
 * or the run's start when no fault went in. People compare "T0+4.2 s" at a glance; the ISO time
 * stays one hover away (`title`) for whoever needs to match a log line.
 */
export interface ReportClock {
  /** Epoch ms of T0. */
  readonly t0: number;
  /** What T0 is, for the page's legend: `the first injection (2025-…Z)`. */
  readonly meaning: string;
  /** `T0+4.2 s`, `T0−10 s`. */
  relative(at: number): string;
  /** `relative(at)` in a `<time>` element whose title is the ISO time. */
  html(at: number): string;
}

export function reportClock(record: RunRecord): ReportClock {
  const inject = [...record.faults].filter((event) => event.kind === 'inject').sort((a, b) => a.at - b.at)[0];
  const t0 = inject?.at ?? record.startedAt;
  const relative = (at: number): string => {
    if (!Number.isFinite(at)) return 'unknown time';
    const ms = at - t0;
    return ms >= 0 ? `T0+${formatDuration(ms)}` : `T0−${formatDuration(-ms)}`;
  };
  return {
    t0,
    meaning: `${inject === undefined ? 'the start of the run (no fault went in)' : 'the first injection'}, ${isoTime(t0)}`,
    relative,
    html: (at) => `<time datetime="${escapeHtml(isoTime(at))}" title="${escapeHtml(isoTime(at))}">${escapeHtml(relative(at))}</time>`,
  };
}
