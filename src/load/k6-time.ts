/** A k6 timestamp that is not RFC 3339. */
export class K6TimeError extends Error {
  override readonly name = 'K6TimeError';
}

const PREFIX_BYTES = 16;
const cachedPrefix = new Uint8Array(PREFIX_BYTES);
let cachedPrefixValid = false;
let cachedPrefixMs = 0;
/** Why the last k6TimeFromBytes call returned NaN, for parseK6Time's message. */
let lastFault = '';

/**
 * Epoch milliseconds (with the sub-millisecond part kept as a fraction) of an RFC 3339 timestamp as
 * k6 writes it: `2025-03-01T12:00:00.123456789+02:00` or `…Z`, 0–9 fractional digits. The
 * year-to-minute part repeats for thousands of consecutive points, so its value is cached and each
 * call only reads seconds, fraction and offset.
 *
 * @throws K6TimeError for anything else.
 */
export function parseK6Time(text: string): number {
  const bytes = Buffer.from(text, 'utf8');
  const ms = k6TimeFromBytes(bytes, 0, bytes.length);
  if (Number.isNaN(ms)) throw new K6TimeError(`k6 time ${JSON.stringify(text)} ${lastFault}`);
  return ms;
}

/**
 * parseK6Time over the bytes `[start, end)` of a buffer, without making a string (the NDJSON
 * reader's fast path calls it once per sample). NaN for anything that is not RFC 3339.
 */
export function k6TimeFromBytes(bytes: Uint8Array, start: number, end: number): number {
  if (end - start < 20 || bytes[start + 10] !== 84 /* T */ || bytes[start + 16] !== 58 /* : */) {
    return fault('is not RFC 3339 (expected 2025-03-01T12:00:00.123456789Z)');
  }
  if (!samePrefix(bytes, start)) {
    const minuteMs = k6MinuteMs(bytes, start);
    if (Number.isNaN(minuteMs)) return minuteMs;
    cachedPrefix.set(bytes.subarray(start, start + PREFIX_BYTES));
    cachedPrefixValid = true;
    cachedPrefixMs = minuteMs;
  }
  return k6TimeInMinute(bytes, start, end, cachedPrefixMs);
}

/**
 * Epoch ms of the year-to-minute part (the first 16 bytes) of a k6 time at `start`; NaN when it
 * has a non-digit or is no date. A reader that caches this part itself passes it to k6TimeInMinute.
 */
export function k6MinuteMs(bytes: Uint8Array, start: number): number {
  const minuteMs = minuteOf(bytes, start);
  if (minuteMs === undefined) return Number.NaN;
  if (Number.isNaN(minuteMs)) return fault('has no valid date');
  return minuteMs;
}

/**
 * Ten to the power 2 down to -29, each a tenth of the one before, as the fraction loop once
 * divided its way down them: the same doubles, without a division per digit.
 */
const FRACTION_SCALES = ((): Float64Array => {
  const scales = new Float64Array(32);
  let scale = 1000;
  for (let k = 0; k < scales.length; k++) {
    scale /= 10;
    scales[k] = scale;
  }
  return scales;
})();

/**
 * The k6 time `[start, end)` in epoch ms, given the epoch ms of its year-to-minute part (from
 * k6MinuteMs; the caller has checked the `T` and the `:` after the minute). NaN when the seconds,
 * fraction or zone are not RFC 3339.
 */
export function k6TimeInMinute(bytes: Uint8Array, start: number, end: number, minuteMs: number): number {
  const length = end - start;
  const seconds = digits(bytes, start, 17, 2);
  if (seconds < 0) return Number.NaN;
  let ms = minuteMs + seconds * 1000;
  let i = 19;
  if (bytes[start + i] === 46 /* . */) {
    i++;
    let fraction = 0;
    let k = 0;
    let scale = 1000;
    while (i < length) {
      const code = bytes[start + i]!;
      if (code < 48 || code > 57) break;
      scale = k < FRACTION_SCALES.length ? FRACTION_SCALES[k]! : scale / 10;
      fraction += (code - 48) * scale;
      k++;
      i++;
    }
    ms += fraction;
  }
  const zone = bytes[start + i];
  if (zone === 90 /* Z */ && i === length - 1) return ms;
  if ((zone === 43 /* + */ || zone === 45) /* - */ && i === length - 6 && bytes[start + i + 3] === 58) {
    const hours = digits(bytes, start, i + 1, 2);
    const minutes = digits(bytes, start, i + 4, 2);
    if (hours < 0 || minutes < 0) return Number.NaN;
    const offsetMs = (hours * 60 + minutes) * 60_000;
    return zone === 43 ? ms - offsetMs : ms + offsetMs;
  }
  return fault('has no valid zone (expected Z or ±hh:mm)');
}

/** Epoch ms of the year-to-minute part, or undefined at the first non-digit (noted as the fault). */
function minuteOf(bytes: Uint8Array, start: number): number | undefined {
  const year = digits(bytes, start, 0, 4);
  if (year < 0) return undefined;
  const month = digits(bytes, start, 5, 2);
  if (month < 0) return undefined;
  const day = digits(bytes, start, 8, 2);
  if (day < 0) return undefined;
  const hour = digits(bytes, start, 11, 2);
  if (hour < 0) return undefined;
  const minute = digits(bytes, start, 14, 2);
  if (minute < 0) return undefined;
  return Date.UTC(year, month - 1, day, hour, minute);
}

function samePrefix(bytes: Uint8Array, start: number): boolean {
  if (!cachedPrefixValid) return false;
  for (let i = 0; i < PREFIX_BYTES; i++) if (bytes[start + i] !== cachedPrefix[i]) return false;
  return true;
}

function fault(reason: string): number {
  lastFault = reason;
  return Number.NaN;
}

/** The decimal value of `count` digits at `start + at`, or -1 (with the fault noted) at a non-digit. */
function digits(bytes: Uint8Array, start: number, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const code = bytes[start + i] ?? 0;
    if (code < 48 || code > 57) {
      fault(`has a non-digit at ${i}`);
      return -1;
    }
    value = value * 10 + (code - 48);
  }
  return value;
}
