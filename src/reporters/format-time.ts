import { formatDuration } from '../drill/duration.ts';

/** Epoch ms as ISO 8601 UTC with milliseconds; `invalid time (x)` rather than a throw for bad input. */
export function isoTime(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : `invalid time (${ms})`;
}

/** An evidence window for people: `2025-03-14T09:00:10.000Z → 2025-03-14T09:00:18.400Z (8.4 s)`. */
export function formatWindow(window: { readonly from: number; readonly to: number }): string {
  return `${isoTime(window.from)} → ${isoTime(window.to)} (${formatDuration(window.to - window.from)})`;
}
