import { formatDuration } from '../drill/duration.ts';

/** Formats a percentage the way every verdict shows rates: two decimals and a `%`. */
export function formatRate(percent: number): string {
  return `${percent.toFixed(2)}%`;
}

/**
 * Formats a measured time with its resolution, e.g. `3.4 s (±0.25 s)`. The resolution uses
 * the unit of the larger of the two so the pair reads at a glance; no resolution (0 or less)
 * gives the bare time.
 */
export function formatTimeWithResolution(ms: number, resolutionMs: number): string {
  if (!(resolutionMs > 0)) return formatDuration(ms);
  const resolution =
    Math.max(ms, resolutionMs) >= 1000 ? `${(resolutionMs / 1000).toFixed(2)} s` : `${Math.round(resolutionMs)} ms`;
  return `${formatDuration(ms)} (±${resolution})`;
}

/** `1 resolver`, `2 resolvers`: counts in sentences. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
