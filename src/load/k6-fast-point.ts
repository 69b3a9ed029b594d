import { pointLabels, type LabelRule, type PointLabels, type SampleTags } from './k6-point-labels.ts';
import { k6MinuteMs, k6TimeInMinute } from './k6-time.ts';
import { KnownBytes } from './known-bytes.ts';

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const TYPE_FIRST_PREFIX = '{"type":"Point","data":{"time":"';
/** Where the metric's name starts in k6's current envelope, after `{"metric":"`. */
const METRIC_NAME_AT = 11;
const VALUE_KEY = new KnownBytes(Buffer.from('","value":'));
const TAGS_KEY = new KnownBytes(Buffer.from(',"tags":'));
const METADATA_KEY = Buffer.from(',"metadata":');
const NULL = Buffer.from('null');
const NAME = Buffer.from('name');
const STATUS = Buffer.from('status');
const REGION = Buffer.from('region');
const TARGET = Buffer.from('target');
const ADDRESS = Buffer.from('address');
const ERROR_CODE = Buffer.from('error_code');
/** Year to minute of a k6 time (`2025-03-01T12:00`): the part consecutive points share. */
const MINUTE_BYTES = 16;
/** Shortest k6 time: `2025-03-01T12:00:00Z`. */
const MIN_TIME_BYTES = 20;
/** Ten to the power 0..22: the powers a double holds exactly. */
const EXACT_POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => 10 ** k);
/** Digits whose integer a double holds exactly (below 2^53). */
const MAX_EXACT_DIGITS = 15;

/** One of the two envelopes k6 has written a Point in: what comes before the time and after the tags. */
interface Layout {
  readonly prefix: KnownBytes;
  readonly suffix: Buffer;
}

function layout(prefix: string, suffix: string): Layout {
  return { prefix: new KnownBytes(Buffer.from(prefix)), suffix: Buffer.from(suffix) };
}

/**
 * Reads a sample Point laid out exactly as k6 writes it straight from the bytes, without making a
 * string of the line or calling JSON.parse: when every line is a sample, those two are most of the
 * cost. A point is `{"metric":"<m>","type":"Point","data":{"time":"<t>","value":<v>,"tags":<tags>}}`
 * (k6's current envelope) or `{"type":"Point","data":{…},"metric":"<m>"}` (older k6), optionally
 * with `,"metadata":{…}` after the tags, where the time is RFC 3339, the value a JSON number and the
 * tags (and metadata) null or a flat object of strings with no escapes and no control characters.
 * Any other line, even one JSON.parse would read alike, gets -1 and the caller parses it in full:
 * within that shape, what the bytes say is what JSON.parse would say, so the two readings agree.
 *
 * Per line, the envelope and the time's year-to-minute are compared four bytes at a time with the
 * previous point's, and the tags with the few tag sets seen last, whose labels were worked out once.
 */
export class K6FastPointReader {
  readonly #metricFirst: Layout;
  /** The first byte of the metric's name (its closing quote if it has none). */
  readonly #metricNameStart: number;
  readonly #typeFirst: Layout;
  readonly #rule: LabelRule;
  /** Recent decoded values per tag, indexed by TagKey. */
  readonly #tagValues = Array.from({ length: TAG_KEYS }, () => new RecentStrings());
  readonly #recentTags = new RecentTags();
  /** The year-to-minute bytes of the last time read, and their epoch ms. */
  readonly #minute = new KnownBytes(new Uint8Array(MINUTE_BYTES));
  #minuteMs = Number.NaN;
  /** Length of the last time read. */
  #timeBytes = 0;
  readonly #tags: SampleTags = {};
  #viewBuffer: Buffer | undefined;
  #view: DataView | undefined;
  /** Set by a successful read: the point's time (epoch ms), value and labels. */
  endMs = 0;
  value = 0;
  labels: PointLabels | undefined;

  constructor(sampleMetric: string, rule: LabelRule) {
    this.#metricFirst = layout(`{"metric":"${sampleMetric}","type":"Point","data":{"time":"`, '}}');
    this.#metricNameStart = Buffer.from(`${sampleMetric}"`)[0]!;
    this.#typeFirst = layout(TYPE_FIRST_PREFIX, `},"metric":"${sampleMetric}"}`);
    this.#rule = rule;
  }

  /** Forget the view of the last buffer: the next one may be new memory, or old memory refilled. */
  newBuffer(): void {
    this.#viewBuffer = undefined;
  }

  /**
   * Reads a point in k6's current envelope starting at `start` (before `limit`) into endMs, value
   * and labels; returns where the point's JSON ends (after its last `}`), or -1.
   */
  readMetricFirst(buffer: Buffer, start: number, limit: number): number {
    // Most lines of a full k6 stream are points of other metrics: one byte of the name tells them apart.
    if (buffer[start + METRIC_NAME_AT] !== this.#metricNameStart) return -1;
    return this.#read(buffer, start, limit, this.#metricFirst);
  }

  /** readMetricFirst for the older envelope (type first, metric last). */
  readTypeFirst(buffer: Buffer, start: number, limit: number): number {
    return this.#read(buffer, start, limit, this.#typeFirst);
  }

  #read(buffer: Buffer, start: number, limit: number, envelope: Layout): number {
    const view = this.#viewOf(buffer);
    const timeAt = start + envelope.prefix.length;
    if (timeAt + MIN_TIME_BYTES > limit || !envelope.prefix.isAt(buffer, view, start, limit)) return -1;
    const timeEnd = this.#readTime(buffer, view, timeAt, limit);
    if (timeEnd === -1 || !VALUE_KEY.isAt(buffer, view, timeEnd, limit)) return -1;
    const valueEnd = this.#readValue(buffer, timeEnd + VALUE_KEY.length, limit);
    if (valueEnd === -1 || !TAGS_KEY.isAt(buffer, view, valueEnd, limit)) return -1;
    let at = valueEnd + TAGS_KEY.length;
    const known = this.#recentTags.find(buffer, view, at, limit);
    let labels: PointLabels;
    if (known !== undefined) {
      labels = known.labels;
      at += known.bytes.length;
    } else {
      const tagsEnd = this.#parseTags(buffer, at, limit, this.#tags);
      if (tagsEnd === -1) return -1;
      labels = pointLabels(this.#tags, this.#rule);
      this.#recentTags.remember(buffer, at, tagsEnd, labels);
      at = tagsEnd;
    }
    if (buffer[at] === COMMA && matches(buffer, at, limit, METADATA_KEY)) {
      at = flatStringsEnd(buffer, at + METADATA_KEY.length, limit);
      if (at === -1) return -1;
    }
    if (!matches(buffer, at, limit, envelope.suffix)) return -1;
    this.labels = labels;
    return at + envelope.suffix.length;
  }

  /** Reads the time at `at` into endMs; returns where it ends (at its closing quote), or -1. */
  #readTime(buffer: Buffer, view: DataView, at: number, limit: number): number {
    // Mostly as long as the last one. A time has no quote, so if the bytes up to a quote there
    // read as a time, that quote is the first; if not, the quote is looked for.
    const guess = at + this.#timeBytes;
    if (guess < limit && buffer[guess] === QUOTE && this.#readTimeTo(buffer, view, at, guess, limit)) return guess;
    let end = at + MIN_TIME_BYTES;
    while (end < limit && buffer[end] !== QUOTE) end++;
    return end < limit && this.#readTimeTo(buffer, view, at, end, limit) ? end : -1;
  }

  /** Reads the time `[at, end)` into endMs; false if it is not RFC 3339. */
  #readTimeTo(buffer: Buffer, view: DataView, at: number, end: number, limit: number): boolean {
    if (end - at < MIN_TIME_BYTES || buffer[at + 16] !== COLON) return false;
    if (!this.#minute.isAt(buffer, view, at, limit)) {
      // The separators too, which k6MinuteMs does not look at: no byte of the time may be a backslash.
      if (buffer[at + 4] !== MINUS || buffer[at + 7] !== MINUS || buffer[at + 10] !== 0x54 /* T */ || buffer[at + 13] !== COLON) return false;
      const minuteMs = k6MinuteMs(buffer, at);
      if (Number.isNaN(minuteMs)) return false;
      this.#minute.set(buffer, at);
      this.#minuteMs = minuteMs;
    }
    const endMs = k6TimeInMinute(buffer, at, end, this.#minuteMs);
    if (Number.isNaN(endMs)) return false;
    this.endMs = endMs;
    this.#timeBytes = end - at;
    return true;
  }

  /**
   * Reads the JSON number at `start` into value; returns where it ends, or -1 if JSON's grammar
   * (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`) does not allow it (Number() would read
   * `.5`, `+1` or `0x1f`, where JSON.parse refuses the line) or it is not finite. A plain decimal
   * of up to 15 digits is computed on the way: its digits as an integer and the power of ten are
   * both exact doubles, so the one division is correctly rounded, which is what JSON.parse
   * returns. Anything else (an exponent, more digits) goes to Number(), which reads JSON numbers alike.
   */
  #readValue(buffer: Buffer, start: number, limit: number): number {
    let at = start;
    const negative = buffer[at] === MINUS;
    if (negative) at++;
    let mantissa = 0;
    let digitCount = 0;
    let fractionDigits = 0;
    let code = at < limit ? buffer[at]! : -1;
    if (code === ZERO) {
      digitCount = 1;
      code = ++at < limit ? buffer[at]! : -1;
    } else if (code > ZERO && code <= NINE) {
      do {
        mantissa = mantissa * 10 + (code - ZERO);
        digitCount++;
        code = ++at < limit ? buffer[at]! : -1;
      } while (code >= ZERO && code <= NINE);
    } else {
      return -1;
    }
    if (code === DOT) {
      code = ++at < limit ? buffer[at]! : -1;
      if (code < ZERO || code > NINE) return -1;
      do {
        mantissa = mantissa * 10 + (code - ZERO);
        digitCount++;
        fractionDigits++;
        code = ++at < limit ? buffer[at]! : -1;
      } while (code >= ZERO && code <= NINE);
    }
    let exact = digitCount <= MAX_EXACT_DIGITS;
    if (code === 0x65 /* e */ || code === 0x45 /* E */) {
      at++;
      if (buffer[at] === 0x2b /* + */ || buffer[at] === MINUS) at++;
      const exponentEnd = digitsEnd(buffer, at, limit);
      if (exponentEnd === at) return -1;
      at = exponentEnd;
      exact = false;
    }
    if (at >= limit) return -1;
    let value: number;
    if (exact) {
      const magnitude = fractionDigits > 0 ? mantissa / EXACT_POWERS_OF_TEN[fractionDigits]! : mantissa;
      value = negative ? -magnitude : magnitude;
    } else {
      value = Number(buffer.toString('latin1', start, at));
      if (!Number.isFinite(value)) return -1;
    }
    this.value = value;
    return at;
  }

  /** A DataView of the buffer being read (one per buffer), for comparing four bytes at a time. */
  #viewOf(buffer: Buffer): DataView {
    if (this.#viewBuffer !== buffer) {
      this.#viewBuffer = buffer;
      this.#view = viewOf(buffer);
    }
    return this.#view!;
  }

  /** Reads null or a flat object of plain strings at `at` into `tags`; returns where it ends, or -1. */
  #parseTags(buffer: Buffer, at: number, limit: number, tags: SampleTags): number {
    tags.status = tags.errorCode = tags.region = tags.address = tags.target = tags.name = undefined;
    return flatStringsEnd(buffer, at, limit, (keyStart, keyEnd, valueStart, valueEnd) => {
      const key = sampleTagKey(buffer, keyStart, keyEnd);
      if (key === TagKey.Other) return;
      // A repeated key: the last one counts, as in JSON.parse.
      const value = this.#tagValues[key]!.get(buffer, valueStart, valueEnd);
      if (key === TagKey.Status) tags.status = value;
      else if (key === TagKey.Region) tags.region = value;
      else if (key === TagKey.Address) tags.address = value;
      else if (key === TagKey.Target) tags.target = value;
      else if (key === TagKey.ErrorCode) tags.errorCode = value;
      else tags.name = value;
    });
  }
}

/**
 * Where `null` or a flat object of plain strings at `at` ends, or -1; `onEntry` sees each key and
 * value (the metadata's are read past unseen).
 */
function flatStringsEnd(
  buffer: Buffer,
  at: number,
  limit: number,
  onEntry?: (keyStart: number, keyEnd: number, valueStart: number, valueEnd: number) => void,
): number {
  if (matches(buffer, at, limit, NULL)) return at + NULL.length;
  if (buffer[at] !== OPEN_BRACE) return -1;
  at++;
  if (buffer[at] === CLOSE_BRACE) return at + 1;
  for (;;) {
    if (buffer[at] !== QUOTE) return -1;
    const keyEnd = plainStringEnd(buffer, at + 1, limit);
    if (keyEnd === -1 || buffer[keyEnd + 1] !== COLON || buffer[keyEnd + 2] !== QUOTE) return -1;
    const valueClose = plainStringEnd(buffer, keyEnd + 3, limit);
    if (valueClose === -1) return -1;
    onEntry?.(at + 1, keyEnd, keyEnd + 3, valueClose);
    const next = buffer[valueClose + 1];
    if (next === CLOSE_BRACE) return valueClose + 2;
    if (next !== COMMA) return -1;
    at = valueClose + 2;
  }
}

/**
 * The closing quote of a JSON string whose text starts at `at`, or -1 if it has an escape or a
 * control character (JSON.parse decodes the one and refuses the other) or does not close.
 */
function plainStringEnd(buffer: Buffer, at: number, limit: number): number {
  for (; at < limit; at++) {
    const code = buffer[at]!;
    if (code === QUOTE) return at;
    if (code === BACKSLASH || code < 0x20) return -1;
  }
  return -1;
}

/**
 * Strings last decoded from bytes, so a tag value that repeats on every line (a region, a status)
 * is decoded once, and the SampleStore's intern gets the same string each time.
 */
class RecentStrings {
  static readonly SIZE = 8;
  readonly #bytes: Buffer[] = [];
  readonly #strings: string[] = [];
  #next = 0;

  get(buffer: Buffer, start: number, end: number): string {
    const length = end - start;
    for (let i = 0; i < this.#bytes.length; i++) {
      const known = this.#bytes[i]!;
      if (known.length === length && matches(buffer, start, end, known)) return this.#strings[i]!;
    }
    const text = buffer.toString('utf8', start, end);
    const slot = this.#next;
    this.#next = (slot + 1) % RecentStrings.SIZE;
    this.#bytes[slot] = Buffer.from(buffer.subarray(start, end));
    this.#strings[slot] = text;
    return text;
  }
}

/** A tag set's bytes (`{…}` or `null`) and the labels they give. */
interface KnownTags {
  readonly bytes: KnownBytes;
  readonly labels: PointLabels;
  /** The set the point after this set's last point carried: tried first next time. */
  next: KnownTags | undefined;
}

/**
 * Tag sets last read, byte for byte, with the labels they gave. Consecutive points mostly carry
 * one of a few tag sets (a region each, a failure), so a line whose tags equal a recent set's
 * bytes is read by one comparison: parsing those same bytes would give the same labels. Sets
 * mostly follow each other in a pattern (two regions in turn), so the set that followed the last
 * one before is compared first.
 */
class RecentTags {
  static readonly SIZE = 4;
  readonly #known: KnownTags[] = [];
  #next = 0;
  #last: KnownTags | undefined;

  find(buffer: Buffer, view: DataView, at: number, limit: number): KnownTags | undefined {
    const predicted = this.#last?.next;
    if (predicted !== undefined && predicted.bytes.isAt(buffer, view, at, limit)) {
      this.#last = predicted;
      return predicted;
    }
    for (let i = 0; i < this.#known.length; i++) {
      const known = this.#known[i]!;
      if (known !== predicted && known.bytes.isAt(buffer, view, at, limit)) {
        this.#follow(known);
        return known;
      }
    }
    return undefined;
  }

  remember(buffer: Buffer, at: number, tagsEnd: number, labels: PointLabels): void {
    const slot = this.#next;
    this.#next = (slot + 1) % RecentTags.SIZE;
    const known: KnownTags = { bytes: new KnownBytes(buffer.subarray(at, tagsEnd)), labels, next: undefined };
    // A set may still lead to the one this replaces: its bytes still give its labels, so it still reads right.
    this.#known[slot] = known;
    this.#follow(known);
  }

  #follow(known: KnownTags): void {
    if (this.#last !== undefined) this.#last.next = known;
    this.#last = known;
  }
}

function viewOf(bytes: Buffer): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** The tags a sample is made of, as indexes into the reader's caches. */
const TagKey = { Status: 0, Region: 1, Address: 2, Target: 3, ErrorCode: 4, Name: 5, Other: -1 } as const;
type TagKey = (typeof TagKey)[keyof typeof TagKey];
const TAG_KEYS = 6;

/** Which sample tag `[start, end)` names; keys are told apart by length, then bytes. */
function sampleTagKey(buffer: Buffer, start: number, end: number): TagKey {
  switch (end - start) {
    case 4:
      return matches(buffer, start, end, NAME) ? TagKey.Name : TagKey.Other;
    case 6:
      if (matches(buffer, start, end, STATUS)) return TagKey.Status;
      if (matches(buffer, start, end, REGION)) return TagKey.Region;
      return matches(buffer, start, end, TARGET) ? TagKey.Target : TagKey.Other;
    case 7:
      return matches(buffer, start, end, ADDRESS) ? TagKey.Address : TagKey.Other;
    case 10:
      return matches(buffer, start, end, ERROR_CODE) ? TagKey.ErrorCode : TagKey.Other;
    default:
      return TagKey.Other;
  }
}

function isDigit(code: number | undefined): boolean {
  return code !== undefined && code >= ZERO && code <= NINE;
}

/** Where the digits from `at` end (`at` itself when there are none). */
function digitsEnd(buffer: Buffer, at: number, limit: number): number {
  while (at < limit && isDigit(buffer[at])) at++;
  return at;
}

/** Whether the bytes at `at` (before `end`) are `expected`. */
export function matches(buffer: Uint8Array, at: number, end: number, expected: Uint8Array): boolean {
  if (at < 0 || at + expected.length > end) return false;
  for (let i = 0; i < expected.length; i++) if (buffer[at + i] !== expected[i]) return false;
  return true;
}
