import { k6TimeFromBytes } from './k6-time.ts';

/** The tags of a point that make up a sample (k6 tag names: status, error_code, region, address, target, name). */
export interface SampleTags {
  status?: string | undefined;
  errorCode?: string | undefined;
  region?: string | undefined;
  address?: string | undefined;
  target?: string | undefined;
  name?: string | undefined;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const TYPE_POINT = Buffer.from('"type":"Point"');
const TYPE_POINT_AFTER_METRIC = Buffer.from('","type":"Point"');
const TYPE_LAYOUT_PREFIX = Buffer.from('{"type":"Point","data":{"time":"');
const TIME_KEY = Buffer.from('"time":"');
const VALUE_KEY = Buffer.from('"value":');
const TAGS_KEY = Buffer.from('"tags":');
const NULL = Buffer.from('null');
const NAME = Buffer.from('name');
const STATUS = Buffer.from('status');
const REGION = Buffer.from('region');
const TARGET = Buffer.from('target');
const ADDRESS = Buffer.from('address');
const ERROR_CODE = Buffer.from('error_code');
/** Ten to the power 0..22: the powers a double holds exactly. */
const EXACT_POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => 10 ** k);
/** Digits whose integer a double holds exactly (below 2^53). */
const MAX_EXACT_DIGITS = 15;

/**
 * Reads a sample Point laid out as k6 writes it (`data` = time, value, tags with plain string
 * values) straight from the bytes, without making a string of the line or calling JSON.parse: when
 * every line is a sample, those two are most of the cost. `read` returns false, having set nothing
 * the caller uses, for anything else (escapes, other layouts, bad values): the caller then parses
 * the line in full.
 *
 * Positions are found the way a search from the start of the line would find them; where the line
 * starts with one of k6's two envelopes the keys sit at known places, so no search runs at all.
 */
export class K6FastPointReader {
  readonly #metricBytes: number;
  /** `{"metric":"<m>","type":"Point","data":{"time":"`: k6's current envelope, up to the time. */
  readonly #metricLayoutPrefix: Buffer;
  /** Its bytes after `{"metric":"<m>"`. */
  readonly #metricLayoutTail: Buffer;
  readonly #metricLayoutTailView: DataView;
  /** Recent decoded values per tag, indexed by TagKey. */
  readonly #tagValues = Array.from({ length: TAG_KEYS }, () => new RecentStrings());
  readonly #recentTags = new RecentTags();
  /** Next backslash at or after the last line asked about, in #escapeBuffer (its length when none). */
  #escapeAt = 0;
  #escapeBuffer: Uint8Array | undefined;
  #viewBuffer: Buffer | undefined;
  #view: DataView | undefined;
  /** Set by a successful read: the point's time (epoch ms) and value. */
  endMs = 0;
  value = 0;

  constructor(sampleMetric: string) {
    this.#metricBytes = Buffer.byteLength(sampleMetric);
    this.#metricLayoutPrefix = Buffer.from(`{"metric":"${sampleMetric}","type":"Point","data":{"time":"`);
    this.#metricLayoutTail = this.#metricLayoutPrefix.subarray(Buffer.byteLength(`{"metric":"${sampleMetric}"`));
    this.#metricLayoutTailView = new DataView(this.#metricLayoutTail.buffer, this.#metricLayoutTail.byteOffset, this.#metricLayoutTail.length);
  }

  /** A DataView of the buffer being read (one per buffer), for comparing four bytes at a time. */
  #viewOf(buffer: Buffer): DataView {
    if (this.#viewBuffer !== buffer) {
      this.#viewBuffer = buffer;
      this.#view = new DataView(buffer.buffer, buffer.byteOffset, buffer.length);
    }
    return this.#view!;
  }

  /** Forget where escapes were: the next buffer may be new memory, or old memory refilled. */
  newBuffer(): void {
    this.#escapeBuffer = undefined;
    this.#viewBuffer = undefined;
  }

  /**
   * Reads the line `[start, end)` (starting with `{`) into endMs, value and `tags`; false when it
   * cannot. `metricFirst`: the caller has seen the line start with `{"metric":"<sample metric>"`.
   */
  read(buffer: Buffer, start: number, end: number, tags: SampleTags, metricFirst: boolean): boolean {
    const tailAt = start + this.#metricLayoutPrefix.length - this.#metricLayoutTail.length;
    const tail = this.#metricLayoutTail;
    const prefix = (
      metricFirst
        ? tailAt + tail.length <= end && sameBytes(this.#viewOf(buffer), tailAt, this.#metricLayoutTailView, tail.length)
        : matches(buffer, start, end, this.#metricLayoutPrefix)
    )
      ? this.#metricLayoutPrefix
      : matches(buffer, start, end, TYPE_LAYOUT_PREFIX)
        ? TYPE_LAYOUT_PREFIX
        : undefined;
    const isPoint =
      prefix !== undefined || matches(buffer, start + 1, end, TYPE_POINT) || matches(buffer, start + 11 + this.#metricBytes, end, TYPE_POINT_AFTER_METRIC);
    // Any escape sequence in the line means JSON.parse must decode it.
    if (!isPoint || this.#hasEscape(buffer, start, end)) return false;
    const tagsAt = this.#readTimeAndValue(buffer, start, end, prefix);
    if (tagsAt === -1) return false;
    return this.#readTags(buffer, tagsAt + TAGS_KEY.length, end, tags);
  }

  /** Sets endMs and value; returns where `"tags":` starts, or -1. `prefix`: the envelope the line starts with. */
  #readTimeAndValue(buffer: Buffer, start: number, end: number, prefix: Buffer | undefined): number {
    let timeAt = -1;
    let timeEnd = -1;
    let valueAt = -1;
    let valueEnd = -1;
    let tagsAt = -1;
    if (prefix !== undefined) {
      timeAt = start + prefix.length - TIME_KEY.length;
      timeEnd = indexOfByte(buffer, QUOTE, start + prefix.length, end);
      if (timeEnd !== -1 && buffer[timeEnd + 1] === COMMA && matches(buffer, timeEnd + 2, end, VALUE_KEY)) {
        valueAt = timeEnd + 2;
        valueEnd = valueEndAt(buffer, valueAt + VALUE_KEY.length, end);
        // The envelope is fixed text and a time has no quote, so these are the first occurrences.
        if (buffer[valueEnd] === COMMA && matches(buffer, valueEnd + 1, end, TAGS_KEY)) tagsAt = valueEnd + 1;
      }
    }
    if (tagsAt === -1) {
      timeAt = indexIn(buffer, TIME_KEY, start, end);
      valueAt = indexIn(buffer, VALUE_KEY, start, end);
      tagsAt = indexIn(buffer, TAGS_KEY, start, end);
      if (timeAt === -1 || valueAt === -1 || tagsAt === -1 || timeAt > tagsAt || valueAt > tagsAt) return -1;
      timeEnd = indexOfByte(buffer, QUOTE, timeAt + TIME_KEY.length, end);
      if (timeEnd === -1) return -1;
      valueEnd = valueEndAt(buffer, valueAt + VALUE_KEY.length, end);
    }
    const valueStart = valueAt + VALUE_KEY.length;
    if (valueEnd === valueStart) return -1;
    const value = readNumber(buffer, valueStart, valueEnd);
    if (!Number.isFinite(value)) return -1;
    const endMs = k6TimeFromBytes(buffer, timeAt + TIME_KEY.length, timeEnd);
    if (Number.isNaN(endMs)) return -1;
    this.endMs = endMs;
    this.value = value;
    return tagsAt;
  }

  #readTags(buffer: Buffer, at: number, end: number, tags: SampleTags): boolean {
    const known = this.#recentTags.find(this.#viewOf(buffer), at, end);
    if (known !== undefined) {
      Object.assign(tags, known);
      return true;
    }
    const tagsEnd = this.#parseTags(buffer, at, end, tags);
    if (tagsEnd === -1) return false;
    this.#recentTags.remember(buffer, at, tagsEnd, tags);
    return true;
  }

  /** Reads a flat object of string tags at `at` into `tags`; returns where it ends (after `}` or `null`), or -1. */
  #parseTags(buffer: Buffer, at: number, end: number, tags: SampleTags): number {
    tags.status = tags.errorCode = tags.region = tags.address = tags.target = tags.name = undefined;
    if (matches(buffer, at, end, NULL)) return at + NULL.length;
    if (buffer[at] !== OPEN_BRACE) return -1;
    at++;
    if (buffer[at] === CLOSE_BRACE) return at + 1;
    for (;;) {
      if (buffer[at] !== QUOTE) return -1;
      const keyStart = at + 1;
      const keyEnd = indexOfByte(buffer, QUOTE, keyStart, end);
      if (keyEnd === -1 || buffer[keyEnd + 1] !== COLON || buffer[keyEnd + 2] !== QUOTE) return -1;
      const valueStart = keyEnd + 3;
      const valueClose = indexOfByte(buffer, QUOTE, valueStart, end);
      if (valueClose === -1) return -1;
      const key = sampleTagKey(buffer, keyStart, keyEnd);
      if (key !== TagKey.Other) {
        const value = this.#tagValues[key]!.get(buffer, valueStart, valueClose);
        if (key === TagKey.Status) tags.status = value;
        else if (key === TagKey.Region) tags.region = value;
        else if (key === TagKey.Address) tags.address = value;
        else if (key === TagKey.Target) tags.target = value;
        else if (key === TagKey.ErrorCode) tags.errorCode = value;
        else tags.name = value;
      }
      const next = buffer[valueClose + 1];
      if (next === CLOSE_BRACE) return valueClose + 2;
      if (next !== COMMA) return -1;
      at = valueClose + 2;
    }
  }

  /**
   * Whether `[start, end)` holds a backslash. One native scan serves every line up to the next
   * backslash, instead of one scan per line to the end of the buffer.
   */
  #hasEscape(buffer: Buffer, start: number, end: number): boolean {
    if (this.#escapeBuffer !== buffer || this.#escapeAt < start) {
      const found = buffer.indexOf(BACKSLASH, start);
      this.#escapeAt = found === -1 ? buffer.length : found;
      this.#escapeBuffer = buffer;
    }
    return this.#escapeAt < end;
  }
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

/**
 * Tag objects last read, byte for byte, with what they held. Consecutive points mostly carry one of
 * a few tag sets (a region each, a failure), so a line whose tags equal a recent set's bytes is
 * read by one comparison: parsing those same bytes would give the same tags.
 */
/** SampleTags with every key present (undefined where the line had none), to overwrite all at once. */
type AllTags = Record<keyof SampleTags, string | undefined>;

class RecentTags {
  static readonly SIZE = 4;
  readonly #bytes: Buffer[] = [];
  readonly #views: DataView[] = [];
  readonly #tags: Readonly<AllTags>[] = [];
  #next = 0;

  find(view: DataView, at: number, end: number): Readonly<AllTags> | undefined {
    for (let i = 0; i < this.#bytes.length; i++) {
      const known = this.#bytes[i]!;
      if (at + known.length <= end && sameBytes(view, at, this.#views[i]!, known.length)) return this.#tags[i];
    }
    return undefined;
  }

  remember(buffer: Buffer, at: number, tagsEnd: number, tags: SampleTags): void {
    const slot = this.#next;
    this.#next = (slot + 1) % RecentTags.SIZE;
    const copy = Buffer.from(buffer.subarray(at, tagsEnd));
    this.#bytes[slot] = copy;
    this.#views[slot] = new DataView(copy.buffer, copy.byteOffset, copy.length);
    this.#tags[slot] = {
      status: tags.status,
      errorCode: tags.errorCode,
      region: tags.region,
      address: tags.address,
      target: tags.target,
      name: tags.name,
    };
  }
}

/** Whether `length` bytes at `at` in `view` equal the first `length` of `known`, compared four at a time. */
function sameBytes(view: DataView, at: number, known: DataView, length: number): boolean {
  let i = 0;
  for (; i + 4 <= length; i += 4) if (view.getUint32(at + i) !== known.getUint32(i)) return false;
  for (; i < length; i++) if (view.getUint8(at + i) !== known.getUint8(i)) return false;
  return true;
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

/** Where a JSON number starting at `start` ends: the next `,` or `}` (or `end`). */
function valueEndAt(buffer: Buffer, start: number, end: number): number {
  let at = start;
  while (at < end) {
    const code = buffer[at];
    if (code === COMMA || code === CLOSE_BRACE) break;
    at++;
  }
  return at;
}

/**
 * The number in `[start, end)`, as Number() reads its text. A plain decimal of up to 15 digits is
 * computed here: its digits as an integer and the power of ten are both exact doubles, so the one
 * division is correctly rounded, which is what Number() returns. Anything else goes to Number().
 */
function readNumber(buffer: Buffer, start: number, end: number): number {
  let at = start;
  const negative = buffer[at] === 0x2d; /* - */
  if (negative) at++;
  let mantissa = 0;
  let digitCount = 0;
  let fractionDigits = -1;
  for (; at < end; at++) {
    const code = buffer[at]!;
    if (code >= 48 && code <= 57) {
      mantissa = mantissa * 10 + (code - 48);
      digitCount++;
      if (fractionDigits >= 0) fractionDigits++;
    } else if (code === 0x2e /* . */ && fractionDigits === -1) {
      fractionDigits = 0;
    } else {
      return Number(buffer.toString('utf8', start, end));
    }
  }
  if (digitCount === 0 || digitCount > MAX_EXACT_DIGITS || fractionDigits === 0) return Number(buffer.toString('utf8', start, end));
  const magnitude = fractionDigits > 0 ? mantissa / EXACT_POWERS_OF_TEN[fractionDigits]! : mantissa;
  return negative ? -magnitude : magnitude;
}

/** Index of `byte` in `[from, end)`, or -1. Values and keys are short: a loop beats a native call. */
function indexOfByte(buffer: Buffer, byte: number, from: number, end: number): number {
  for (let at = from; at < end; at++) if (buffer[at] === byte) return at;
  return -1;
}

/** First index of `needle` in `[from, end)`, or -1. */
function indexIn(buffer: Buffer, needle: Buffer, from: number, end: number): number {
  const at = buffer.indexOf(needle, from);
  return at === -1 || at + needle.length > end ? -1 : at;
}

/** Whether the bytes at `at` (before `end`) are `expected`. */
export function matches(buffer: Uint8Array, at: number, end: number, expected: Uint8Array): boolean {
  if (at < 0 || at + expected.length > end) return false;
  for (let i = 0; i < expected.length; i++) if (buffer[at + i] !== expected[i]) return false;
  return true;
}
