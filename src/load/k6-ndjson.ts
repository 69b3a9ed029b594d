import { K6FastPointReader, matches } from './k6-fast-point.ts';
import { pointLabels, sampleOfPoint, type LabelRule, type PointLabels, type SampleTags } from './k6-point-labels.ts';
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
  /**
   * Read sample points in k6's own layout straight from the bytes (the default). false: every line
   * of interest goes through JSON.parse, the reading the byte reader is tested against.
   * @default true
   */
  readonly fastPath?: boolean;
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
 * of interest are read at all. A sample point in k6's own layout is read from the bytes where it
 * starts (K6FastPointReader), its end found on the way; anything else of interest goes through
 * JSON.parse, and both readings give the same samples. Memory stays flat: only a partial last line
 * is carried over between chunks. Both key orders k6 has used are understood (`{"metric":…,"type":"Point",…}` and
 * `{"type":"Point","data":…,"metric":…}`).
 */
export class K6NdjsonParser {
  readonly #onSample: (sample: Sample) => void;
  readonly #sampleMetric: string;
  readonly #sampleMetricKey: Buffer;
  readonly #droppedKey: Buffer;
  readonly #rule: LabelRule;
  /** undefined when every line goes through JSON.parse. */
  readonly #fast: K6FastPointReader | undefined;
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
  /** Reused for every point read with JSON.parse: the tags a sample is made of. */
  readonly #tags: SampleTags = {};
  #sampleDeclared = false;

  constructor(options: K6NdjsonOptions) {
    this.#onSample = options.onSample;
    this.#sampleMetric = options.sampleMetric ?? DRDRILL_METRIC;
    this.#sampleMetricKey = Buffer.from(`${this.#sampleMetric}"`);
    this.#droppedKey = Buffer.from(`${DROPPED}"`);
    this.#rule = { nameIsTarget: this.#sampleMetric !== DRDRILL_METRIC, defaultTarget: options.defaultTarget };
    this.#fast = options.fastPath === false ? undefined : new K6FastPointReader(this.#sampleMetric, this.#rule);
  }

  /** Reads every complete line in `chunk` (plus what was left of the previous chunk). */
  push(chunk: Buffer): void {
    this.#fast?.newBuffer();
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
    const fast = this.#fast;
    for (;;) {
      // A sample point in k6's layout is read where it starts, and its end found on the way, so
      // the line needs no search for its newline.
      if (fast !== undefined && chunk[start] === OPEN_BRACE) {
        const after = fast.readMetricFirst(chunk, start, chunk.length);
        if (after !== -1 && chunk[after] === NEWLINE) {
          this.#lines++;
          this.#fastSample(fast);
          start = after + 1;
          continue;
        }
      }
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
    let at = matches(buffer, start + 1, end, METRIC_KEY) ? start + 1 : buffer.indexOf(METRIC_KEY, start);
    if (at === -1 || at >= end) {
      this.#ignored++;
      return;
    }
    if (at !== start + 1) at = buffer.lastIndexOf(METRIC_KEY, end - METRIC_KEY.length);
    const nameAt = at + METRIC_KEY.length;
    if (matches(buffer, nameAt, end, this.#sampleMetricKey)) {
      this.#interesting(buffer, start, end, 'sample', at === start + 1);
    } else if (matches(buffer, nameAt, end, this.#droppedKey)) {
      this.#interesting(buffer, start, end, 'dropped');
    } else if (isMetricDeclaration(buffer, start, end)) {
      // Metric declarations are rare (one per metric): read the name for the stats.
      const close = buffer.indexOf(QUOTE, nameAt);
      if (close !== -1 && close < end) this.#declare(buffer.toString('utf8', nameAt, close));
    }
  }

  /** `metricFirst`: the line is known to start with `{"metric":"<sample metric>"`. */
  #interesting(buffer: Buffer, start: number, end: number, kind: 'sample' | 'dropped', metricFirst = false): void {
    const fast = this.#fast;
    if (kind === 'sample' && fast !== undefined) {
      const after = metricFirst ? fast.readMetricFirst(buffer, start, end) : fast.readTypeFirst(buffer, start, end);
      if (after === end) {
        this.#fastSample(fast);
        return;
      }
    }
    const text = buffer.toString('utf8', start, end);
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
    this.#emit(endMs, data.value, pointLabels(tags, this.#rule));
  }

  /** The point the byte reader has just read. */
  #fastSample(fast: K6FastPointReader): void {
    if (!this.#sampleDeclared) this.#declare(this.#sampleMetric);
    this.#emit(fast.endMs, fast.value, fast.labels!);
  }

  #emit(endMs: number, latencyMs: number, labels: PointLabels): void {
    this.#samples++;
    this.#onSample(sampleOfPoint(endMs, latencyMs, labels));
  }

  #declare(name: string): void {
    if (name === this.#sampleMetric) this.#sampleDeclared = true;
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
  return matches(buffer, start, end, METRIC_ENVELOPE);
}

