/** A k6 timestamp that is not RFC 3339. */
export class K6TimeError extends Error {
  override readonly name = 'K6TimeError';
}

let cachedPrefix = '';
let cachedPrefixMs = 0;

/**
 * Epoch milliseconds (with the sub-millisecond part kept as a fraction) of an RFC 3339 timestamp as
 * k6 writes it: `2025-03-01T12:00:00.123456789+02:00` or `…Z`, 0–9 fractional digits. The
 * year-to-minute part repeats for thousands of consecutive points, so its value is cached and each
 * call only reads seconds, fraction and offset.
 *
 * @throws K6TimeError for anything else.
 */
export function parseK6Time(text: string): number {
  if (text.length < 20 || text.charCodeAt(10) !== 84 /* T */ || text.charCodeAt(16) !== 58 /* : */) {
    throw new K6TimeError(`k6 time ${JSON.stringify(text)} is not RFC 3339 (expected 2025-03-01T12:00:00.123456789Z)`);
  }
  const prefix = text.slice(0, 16);
  if (prefix !== cachedPrefix) {
    const minuteMs = Date.UTC(
      digits(text, 0, 4),
      digits(text, 5, 2) - 1,
      digits(text, 8, 2),
      digits(text, 11, 2),
      digits(text, 14, 2),
    );
    if (Number.isNaN(minuteMs)) throw new K6TimeError(`k6 time ${JSON.stringify(text)} has no valid date`);
    cachedPrefix = prefix;
    cachedPrefixMs = minuteMs;
  }
  let ms = cachedPrefixMs + digits(text, 17, 2) * 1000;
  let i = 19;
  if (text.charCodeAt(i) === 46 /* . */) {
    i++;
    let fraction = 0;
    let scale = 1000;
    while (i < text.length) {
      const code = text.charCodeAt(i);
      if (code < 48 || code > 57) break;
      scale /= 10;
      fraction += (code - 48) * scale;
      i++;
    }
    ms += fraction;
  }
  const zone = text.charCodeAt(i);
  if (zone === 90 /* Z */ && i === text.length - 1) return ms;
  if ((zone === 43 /* + */ || zone === 45) /* - */ && i === text.length - 6 && text.charCodeAt(i + 3) === 58) {
    const offsetMs = (digits(text, i + 1, 2) * 60 + digits(text, i + 4, 2)) * 60_000;
    return zone === 43 ? ms - offsetMs : ms + offsetMs;
  }
  throw new K6TimeError(`k6 time ${JSON.stringify(text)} has no valid zone (expected Z or ±hh:mm)`);
}

function digits(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) throw new K6TimeError(`k6 time ${JSON.stringify(text)} has a non-digit at ${i}`);
    value = value * 10 + (code - 48);
  }
  return value;
}
