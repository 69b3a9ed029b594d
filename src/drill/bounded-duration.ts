import { z } from 'zod';
import { durationSchema, formatDuration } from './duration.ts';

/**
 * setTimeout's ceiling (2^31 − 1 ms, about 24.8 days): a longer delay fires after 1 ms instead,
 * so a phase past it would end at once with its fault in.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The longest any one duration of a drill may be. A drill is a game day, not a soak test; and six
 * of these end to end (the lock's lifetime adds phases, fault cap and switch margin) stay far
 * below MAX_TIMER_MS.
 */
export const MAX_DRILL_DURATION_MS = 24 * 3_600_000;

export interface DurationBounds {
  /** Smallest accepted value in ms. */
  readonly min: number;
  /** Largest accepted value in ms. @default MAX_DRILL_DURATION_MS */
  readonly max?: number;
  /** Why the floor is where it is, for the message (e.g. "a DNS probe every 0 ms is a busy loop"). */
  readonly why?: string;
}

/**
 * A duration field with a floor and a ceiling, checked when the drill is validated, before
 * anything is touched. The message names the bound and the value given.
 *
 * @example boundedDuration({ min: 10, why: 'each probe is a DNS query per resolver' })
 */
export function boundedDuration(bounds: DurationBounds) {
  const max = bounds.max ?? MAX_DRILL_DURATION_MS;
  const floor = readable(bounds.min);
  return durationSchema.pipe(
    z
      .number()
      .min(bounds.min, {
        error: (issue) => `expected a duration of at least ${floor}${bounds.why === undefined ? '' : ` (${bounds.why})`}, got ${describeMs(issue.input)}`,
      })
      .max(max, {
        error: (issue) => `expected a duration of at most ${readable(max)}, got ${describeMs(issue.input)}`,
      }),
  );
}

/** `24 h` rather than `1440 m`: bounds are round numbers and read best that way. */
function readable(ms: number): string {
  return ms >= 3_600_000 && ms % 3_600_000 === 0 ? `${ms / 3_600_000} h` : formatDuration(ms);
}

function describeMs(value: unknown): string {
  return typeof value === 'number' && Number.isFinite(value) ? `${value} ms` : String(value);
}
