import { z } from 'zod';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;

/**
 * Parses a human duration such as `500ms`, `30s`, `2m`, `1h` or `1m30s` into milliseconds.
 * Returns undefined when the text is not a duration, so callers decide how to report it.
 *
 * @example parseDuration('1m30s') // 90000
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  PART.lastIndex = 0;
  let total = 0;
  let consumed = 0;
  for (let match = PART.exec(trimmed); match !== null; match = PART.exec(trimmed)) {
    const [whole, amount, unit] = match;
    total += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
    consumed += whole.length;
  }
  return consumed === trimmed.length ? total : undefined;
}

/** Formats milliseconds for people: `850 ms`, `3.42 s`, `2 m 5 s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  if (Math.round(abs) < 1000) return `${sign}${Math.round(abs)} ms`;
  // Round before splitting into units, or 59.999 s prints as "60 s" and 119.6 s as "1 m 60 s".
  const hundredths = Math.round(abs / 10);
  if (hundredths < 6000) return `${sign}${(hundredths / 100).toFixed(2).replace(/\.?0+$/, '')} s`;
  const totalSeconds = Math.round(abs / 1000);
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  return `${sign}${minutes} m${seconds > 0 ? ` ${seconds} s` : ''}`;
}

/**
 * A duration field in a drill or an environment: `"30s"` style text, turned into milliseconds.
 * A bare number is refused: `within: 6` reads as six seconds to most people and as 6 ms to the
 * code, and a drill that silently means something else than it says proves nothing.
 */
export const durationSchema = z
  .string({
    error: (issue) => {
      if (issue.input === undefined) return 'required (expected a duration such as "30s")';
      if (typeof issue.input === 'number' && issue.input >= 0) return unitlessMessage(issue.input);
      return `expected a duration such as "500ms", "30s", "2m" or "1m30s", got ${JSON.stringify(issue.input)}`;
    },
  })
  .transform((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === undefined || !Number.isFinite(ms) || ms < 0) {
      ctx.addIssue({
        code: 'custom',
        message: /^\s*\d+(\.\d+)?\s*$/.test(value)
          ? unitlessMessage(Number(value))
          : `expected a duration such as "500ms", "30s", "2m" or "1m30s", got ${JSON.stringify(value)}`,
      });
      return z.NEVER;
    }
    return ms;
  });

/** `a duration needs a unit: write "6s" or "6000ms"` for the bare number 6. */
function unitlessMessage(value: number): string {
  const ms = Number((value * 1000).toPrecision(12));
  return `a duration needs a unit, got the bare number ${JSON.stringify(value)}: write "${value}s" or "${ms}ms"`;
}

/** The text form accepted by `durationSchema`, for drill authors' types. */
export type DurationInput = z.input<typeof durationSchema>;
