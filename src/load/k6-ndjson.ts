import { errorForK6Code } from './k6-error-code.ts';
import { parseK6Time } from './k6-time.ts';
import type { Sample } from './sample.ts';

/** The metric drdrill's default k6 script adds one point to per request. */
export const DRDRILL_METRIC = 'drdrill_request';

export interface K6NdjsonOptions {
  /** Called once per request point, in stream order. */
  readonly onSample: (sample: Sample) => void;
  /**
   * Metric whose points become samples: `drdrill_request` (default; carries region and address), or
   * `http_req_duration` for a script of your own (no region; latency excludes connection set-up).
   */
  readonly sampleMetric?: string;
  /** Target written into samples whose point has no `target` tag (for `http_req_duration`: the `name` tag, else this). */
  readonly defaultTarget?: string;
}

/** What the stream contained, for the run's notes and for tests. */
export interface K6StreamStats {
  /** Non-empty lines read. */
  readonly lines: number;
  /** Samples emitted. */
  readonly samples: number;
  /** Sum of `dropped_iterations` points: requests k6 could not start on time (not enough VUs). */
  readonly droppedIterations: number;
  /** Metric names declared by `Metric` lines, in order of first appearance. */
  readonly metrics: readonly string[];
  /** Lines that are not JSON objects (banners, log lines on the same stream); skipped. */
  readonly ignoredLines: number;
  /** Lines of an interesting metric that could not be read (bad JSON, bad time); skipped, first few kept. */
  readonly badLines: number;
  readonly badLineExamples: readonly string[];
}

const NEWLINE = 0x0a;
const OPEN_BRACE = 0x7b;
const QUOTE = 0x22;
const METRIC_KEY = Buffer.from('"metric":"');
const DROPPED = 'dropped_iterations';
const MAX_BAD_EXAMPLES = 5;
const MAX_LINE_BYTES = 16 * 1024 * 1024;

/** The tags of a point that make up a sample (k6 tag names: status, error_code, region, address, target, name). */
interface SampleTags {
  status?: string | undefined;
  errorCode?: string | undefined;
  region?: string | undefined;
  address?: string | undefined;
  target?: string | undefined;
  name?: string | undefined;
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

interface PointLine {
  type?: unknown;
  metric?: unknown;
  data?: { time?: unknown; value?: unknown; tags?: Record<string, unknown> | null; name?: unknown };
}

/**
 * Streaming reader of k6's `--out json` NDJSON: feed it chunks as they arrive, it emits one Sample
 * per point of the sample metric and counts `dropped_iterations`.
 *
 * Speed comes from not parsing what is not needed: k6 writes a dozen points per request (every
 * built-in metric), so each line's metric name is read straight from the bytes and only the lines
 * of interest go through JSON.parse. Memory stays flat: only a partial last line is carried over
 * between chunks. Both key orders k6 has used are understood (`{"metric":…,"type":"Point",…}` and
 * `{"type":"Point","data":…,"metric":…}`).
 */
export class K6NdjsonParser {
  readonly #onSample: (sample: Sample) => void;
  readonly #sampleMetric: string;
  readonly #sampleMetricKey: Buffer;
  readonly #droppedKey: Buffer;
  readonly #defaultTarget: string | undefined;
  readonly #fallbackTags: boolean;
  #carry: Buffer | undefined;
  /** Inside a line too long to keep: drop bytes up to the next newline. */
  #skipping = false;
  #lines = 0;
  #samples = 0;
  #dropped = 0;
  #ignored = 0;
  #bad = 0;
  readonly #badExamples: string[] = [];
  readonly #metrics: string[] = [];
  readonly #metricSet = new Set<string>();
  /** Reused for every point: the tags a sample is made of. */
  readonly #tags: SampleTags = {};

  constructor(options: K6NdjsonOptions) {
    this.#onSample = options.onSample;
    this.#sampleMetric = options.sampleMetric ?? DRDRILL_METRIC;
    this.#sampleMetricKey = Buffer.from(`${this.#sampleMetric}"`);
    this.#droppedKey = Buffer.from(`${DROPPED}"`);
    this.#defaultTarget = options.defaultTarget;
    this.#fallbackTags = this.#sampleMetric !== DRDRILL_METRIC;
  }

  /** Reads every complete line in `chunk` (plus what was left of the previous chunk). */
  push(chunk: Buffer): void {
    let start = 0;
    if (this.#skipping) {
      const newline = chunk.indexOf(NEWLINE);
      if (newline === -1) return;
      this.#skipping = false;
      start = newline + 1;
    } else if (this.#carry !== undefined) {
      const newline = chunk.indexOf(NEWLINE);
      if (newline === -1) {
        this.#carry = Buffer.concat([this.#carry, chunk]);
        if (this.#carry.length > MAX_LINE_BYTES) this.#dropOversizedCarry();
        return;
      }
      const line = Buffer.concat([this.#carry, chunk.subarray(0, newline)]);
      this.#carry = undefined;
      this.#line(line, 0, line.length);
      start = newline + 1;
    }
    for (;;) {
      const newline = chunk.indexOf(NEWLINE, start);
      if (newline === -1) break;
      if (newline > start) this.#line(chunk, start, newline);
      start = newline + 1;
    }
    if (start < chunk.length) {
      // Copied: the caller may reuse the chunk's memory.
      this.#carry = Buffer.from(chunk.subarray(start));
      if (this.#carry.length > MAX_LINE_BYTES) this.#dropOversizedCarry();
    }
  }

  /** Reads a last line without a newline, if any. Call once at the end of the stream. */
  end(): void {
    const carry = this.#carry;
    this.#carry = undefined;
    if (carry !== undefined && carry.length > 0) this.#line(carry, 0, carry.length);
  }

  get stats(): K6StreamStats {
    return {
      lines: this.#lines,
      samples: this.#samples,
      droppedIterations: this.#dropped,
      metrics: [...this.#metrics],
      ignoredLines: this.#ignored,
      badLines: this.#bad,
      badLineExamples: [...this.#badExamples],
    };
  }

  #line(buffer: Buffer, start: number, end: number): void {
    // Tolerate CRLF and stray whitespace.
    while (end > start && buffer[end - 1]! <= 0x20) end--;
    while (start < end && buffer[start]! <= 0x20) start++;
    if (start === end) return;
    this.#lines++;
    if (buffer[start] !== OPEN_BRACE) {
      this.#ignored++;
      return;
    }
    // The top-level "metric" key comes first in k6's current output and last in older output;
    // a tag named "metric" could sit in between, so look at the first match, else the last.
    let at = buffer.indexOf(METRIC_KEY, start);
    if (at === -1 || at >= end) {
      this.#ignored++;
      return;
    }
    if (at !== start + 1) at = buffer.lastIndexOf(METRIC_KEY, end - METRIC_KEY.length);
    const nameAt = at + METRIC_KEY.length;
    if (startsWith(buffer, nameAt, end, this.#sampleMetricKey)) {
      this.#interesting(buffer, start, end, 'sample');
    } else if (startsWith(buffer, nameAt, end, this.#droppedKey)) {
      this.#interesting(buffer, start, end, 'dropped');
    } else if (isMetricDeclaration(buffer, start, end)) {
      // Metric declarations are rare (one per metric): read the name for the stats.
      const close = buffer.indexOf(QUOTE, nameAt);
      if (close !== -1 && close < end) this.#declare(buffer.toString('utf8', nameAt, close));
    }
  }

  #interesting(buffer: Buffer, start: number, end: number, kind: 'sample' | 'dropped'): void {
    const text = buffer.toString('utf8', start, end);
    if (kind === 'sample' && this.#fastSample(text)) return;
    let line: PointLine;
    try {
      line = JSON.parse(text) as PointLine;
    } catch {
      this.#badLine(text, 'not JSON');
      return;
    }
    if (typeof line.metric === 'string') this.#declare(line.metric);
    if (line.type !== 'Point') return;
    const data = line.data;
    if (data === undefined || data === null || typeof data.value !== 'number' || typeof data.time !== 'string') {
      this.#badLine(text, 'a Point without data.time and a numeric data.value');
      return;
    }
    if (kind === 'dropped') {
      this.#dropped += data.value;
      return;
    }
    let endMs: number;
    try {
      endMs = parseK6Time(data.time);
    } catch (error) {
      this.#badLine(text, (error as Error).message);
      return;
    }
    const tags = this.#tags;
    const raw = data.tags ?? {};
    tags.status = stringOrUndefined(raw.status);
    tags.errorCode = stringOrUndefined(raw.error_code);
    tags.region = stringOrUndefined(raw.region);
    tags.address = stringOrUndefined(raw.address);
    tags.target = stringOrUndefined(raw.target);
    tags.name = stringOrUndefined(raw.name);
    this.#emit(endMs, data.value, tags);
  }

  /**
   * Reads a sample Point laid out as k6 writes it (`data` = time, value, tags with plain string
   * values) without JSON.parse, which is most of the cost when every line is a sample. Returns
   * false, having emitted nothing, for anything else (escapes, other layouts, bad values): the
   * caller then parses the line in full.
   */
  #fastSample(text: string): boolean {
    const isPoint = text.startsWith('"type":"Point"', 1) || text.startsWith('","type":"Point"', 11 + this.#sampleMetric.length);
    // Any escape sequence in the line means JSON.parse must decode it.
    if (!isPoint || text.includes('\\')) return false;
    const timeAt = text.indexOf('"time":"');
    const valueAt = text.indexOf('"value":');
    const tagsAt = text.indexOf('"tags":');
    if (timeAt === -1 || valueAt === -1 || tagsAt === -1 || timeAt > tagsAt || valueAt > tagsAt) return false;
    const timeEnd = text.indexOf('"', timeAt + 8);
    if (timeEnd === -1) return false;
    let valueEnd = valueAt + 8;
    while (valueEnd < text.length) {
      const code = text.charCodeAt(valueEnd);
      if (code === 44 /* , */ || code === 125 /* } */) break;
      valueEnd++;
    }
    const value = Number(text.slice(valueAt + 8, valueEnd));
    if (valueEnd === valueAt + 8 || !Number.isFinite(value)) return false;
    let endMs: number;
    try {
      endMs = parseK6Time(text.slice(timeAt + 8, timeEnd));
    } catch {
      return false;
    }
    const tags = this.#tags;
    tags.status = tags.errorCode = tags.region = tags.address = tags.target = tags.name = undefined;
    let at = tagsAt + 7;
    if (text.startsWith('null', at)) {
      this.#declare(this.#sampleMetric);
      this.#emit(endMs, value, tags);
      return true;
    }
    if (text.charCodeAt(at) !== 123 /* { */) return false;
    at++;
    if (text.charCodeAt(at) !== 125 /* } */) {
      for (;;) {
        if (text.charCodeAt(at) !== 34 /* " */) return false;
        const keyEnd = text.indexOf('"', at + 1);
        if (keyEnd === -1 || text.charCodeAt(keyEnd + 1) !== 58 /* : */ || text.charCodeAt(keyEnd + 2) !== 34) return false;
        const valueStart = keyEnd + 3;
        const valueClose = text.indexOf('"', valueStart);
        if (valueClose === -1) return false;
        // An escape in a key or value means JSON.parse must decode it.
        if (text.charCodeAt(keyEnd - 1) === 92 /* \ */ || text.charCodeAt(valueClose - 1) === 92) return false;
        // Only the tags a sample needs are sliced out; keys are recognised by length, then text.
        const keyStart = at + 1;
        switch (keyEnd - keyStart) {
          case 4:
            if (text.startsWith('name', keyStart)) tags.name = text.slice(valueStart, valueClose);
            break;
          case 6:
            if (text.startsWith('status', keyStart)) tags.status = text.slice(valueStart, valueClose);
            else if (text.startsWith('region', keyStart)) tags.region = text.slice(valueStart, valueClose);
            else if (text.startsWith('target', keyStart)) tags.target = text.slice(valueStart, valueClose);
            break;
          case 7:
            if (text.startsWith('address', keyStart)) tags.address = text.slice(valueStart, valueClose);
            break;
          case 10:
            if (text.startsWith('error_code', keyStart)) tags.errorCode = text.slice(valueStart, valueClose);
            break;
          default:
            break;
        }
        const next = text.charCodeAt(valueClose + 1);
        if (next === 125 /* } */) break;
        if (next !== 44 /* , */) return false;
        at = valueClose + 2;
      }
    }
    this.#declare(this.#sampleMetric);
    this.#emit(endMs, value, tags);
    return true;
  }

  #emit(endMs: number, latencyMs: number, tags: SampleTags): void {
    const status = Number(tags.status);
    const sample: { start: number; latencyMs: number; status: number; error?: string; region?: string; address?: string; target?: string } = {
      start: endMs - latencyMs,
      latencyMs,
      status: Number.isInteger(status) && status >= 0 && status <= 999 ? status : 0,
    };
    if (sample.status === 0) {
      const code = Number(tags.errorCode);
      sample.error = Number.isInteger(code) && code > 0 ? errorForK6Code(code) : 'ERROR';
    }
    if (tags.region !== undefined && tags.region !== '') sample.region = tags.region;
    if (tags.address !== undefined && tags.address !== '') sample.address = tags.address;
    const target = tags.target ?? (this.#fallbackTags ? tags.name : undefined);
    if (target !== undefined && target !== '') sample.target = target;
    else if (this.#defaultTarget !== undefined) sample.target = this.#defaultTarget;
    this.#samples++;
    this.#onSample(sample);
  }

  #declare(name: string): void {
    if (this.#metricSet.has(name)) return;
    this.#metricSet.add(name);
    this.#metrics.push(name);
  }

  #badLine(text: string, reason: string): void {
    this.#bad++;
    if (this.#badExamples.length < MAX_BAD_EXAMPLES) this.#badExamples.push(`${reason}: ${text.slice(0, 200)}`);
  }

  #dropOversizedCarry(): void {
    this.#badLine(this.#carry?.subarray(0, 200).toString('utf8') ?? '', `a line longer than ${MAX_LINE_BYTES} bytes`);
    this.#carry = undefined;
    // The rest of the oversized line is skipped up to its newline.
    this.#skipping = true;
  }
}

const METRIC_ENVELOPE = Buffer.from('{"type":"Metric"');

/** k6 writes `type` first in Metric envelopes (both formats), so a prefix check suffices. */
function isMetricDeclaration(buffer: Buffer, start: number, end: number): boolean {
  return startsWith(buffer, start, end, METRIC_ENVELOPE);
}

function startsWith(buffer: Buffer, at: number, end: number, expected: Buffer): boolean {
  if (at + expected.length > end) return false;
  for (let i = 0; i < expected.length; i++) if (buffer[at + i] !== expected[i]) return false;
  return true;
}
