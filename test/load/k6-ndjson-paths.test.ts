import { expect } from 'chai';
import { generateK6Ndjson } from '../../bench/support/k6-ndjson-generator.ts';
import { K6NdjsonParser, type K6StreamStats } from '../../src/load/k6-ndjson.ts';
import type { Sample } from '../../src/load/sample.ts';

interface Reading {
  readonly samples: Sample[];
  readonly stats: K6StreamStats;
  /** JSON.parse calls made while reading. */
  readonly jsonParses: number;
}

/** Reads `chunks` with the byte reader on or off, counting the JSON.parse calls it makes. */
function read(chunks: readonly Buffer[], fastPath: boolean, sampleMetric?: string): Reading {
  const samples: Sample[] = [];
  const parser = new K6NdjsonParser({ onSample: (s) => samples.push(s), fastPath, defaultTarget: 'fallback', ...(sampleMetric === undefined ? {} : { sampleMetric }) });
  const parse = JSON.parse;
  let jsonParses = 0;
  JSON.parse = (text: string, reviver?: Parameters<typeof JSON.parse>[1]): unknown => {
    jsonParses++;
    return parse(text, reviver);
  };
  try {
    for (const chunk of chunks) parser.push(chunk);
    parser.end();
  } finally {
    JSON.parse = parse;
  }
  return { samples, stats: parser.stats, jsonParses };
}

/** The same bytes cut into chunks of `size`, so lines straddle chunk ends too. */
function chunked(text: string, size: number): Buffer[] {
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return chunks;
}

const TIME = '2025-03-01T12:00:00.002500000Z';
const TAGS = '{"address":"127.0.0.2","region":"us-east-1","scenario":"target_0","status":"200","target":"api"}';
const point = (value: string, tags = TAGS, time = TIME, metric = 'drdrill_request'): string =>
  `{"metric":"${metric}","type":"Point","data":{"time":"${time}","value":${value},"tags":${tags}}}`;

/**
 * Lines in k6's documented format and around it, each of which both readings must agree on:
 * what the byte reader reads, it must read as JSON.parse does; what it hands over is read by JSON.parse.
 */
const VARIANTS: readonly string[] = [
  // escaped strings in tags
  point('1', '{"region":"eu-\\"west\\"","status":"200","target":"a\\\\b"}'),
  point('1', '{"region":"\\u0065u-west-1","status":"200"}'),
  point('1', '{"st\\u0061tus":"500","region":"us-east-1"}'),
  // unicode, raw and escaped
  point('2', '{"region":"café-ü","status":"200","target":"注文"}'),
  point('2', '{"region":"\\ud83d\\ude80","status":"200","target":"🚀"}'),
  // numbers in exponent form, long, negative, zero
  point('1e+06'),
  point('2.5E-2'),
  point('-1.5e-7'),
  point('1.7976931348623157e308'),
  point('123456789.123456789'),
  point('9007199254740993'),
  point('-0'),
  point('0'),
  point('0.30000000000000004'),
  // times with offsets and any number of fractional digits
  point('3', TAGS, '2025-03-01T14:00:00.25+02:00'),
  point('3', TAGS, '2025-03-01T07:00:00.000000001-05:00'),
  point('3', TAGS, '2025-03-01T12:00:00Z'),
  point('3', TAGS, '2025-03-01T12:00:59.9Z'),
  point('3', TAGS, '2025-03-01T12:01:00.123456789Z'),
  point('3', TAGS, '2025-12-31T23:59:59.999999999+14:00'),
  // Point lines of other metrics, Metric lines, dropped iterations
  point('1', '{"expected_response":"true","method":"GET","name":"http://x/","status":"200"}', TIME, 'http_reqs'),
  point('5.5', '{"metric":"drdrill_request","status":"200"}', TIME, 'http_req_duration'),
  '{"type":"Metric","data":{"name":"drdrill_request","type":"trend","contains":"time","thresholds":["p(99)<500"],"submetrics":null},"metric":"drdrill_request"}',
  '{"type":"Metric","data":{"name":"my_counter","type":"counter","contains":"default","thresholds":[],"submetrics":null},"metric":"my_counter"}',
  point('4', '{"scenario":"target_0"}', TIME, 'dropped_iterations'),
  // k6's older envelope, metadata, null and empty tags, failures
  `{"type":"Point","data":{"time":"${TIME}","value":8,"tags":{"status":"200","target":"orders"}},"metric":"drdrill_request"}`,
  `{"metric":"drdrill_request","type":"Point","data":{"time":"${TIME}","value":4,"tags":${TAGS},"metadata":{"trace_id":"abc"}}}`,
  `{"type":"Point","data":{"time":"${TIME}","value":4,"tags":null,"metadata":{"vu":"3"}},"metric":"drdrill_request"}`,
  point('6', 'null'),
  point('7', '{}'),
  point('9', '{"error_code":"1211","status":"0","target":"api"}'),
  point('9', '{"error_code":"1999","status":"0"}'),
  point('9', '{"status":"abc","region":""}'),
  point('9', '{"status":"200","status":"503"}'),
  point('9', '{"status":200,"region":"us-east-1"}'),
  // malformed or merely unusual lines: reported or skipped as JSON.parse decides
  point('.5'),
  point('01'),
  point('+1'),
  point('0x1f'),
  point('1.'),
  point('"fast"'),
  point('1', '{"region":"tab\there","status":"200"}'),
  `${point('1')}x`,
  `${point('1')},`,
  point('1').replace('}}', ',"extra":1}}'),
  point('1', TAGS, 'yesterday'),
  point('1', TAGS, '2025-03-01T12:00:00.5'),
  point('1', TAGS, '2025-03-01 12:00:00Z'),
  point('1', TAGS, '2025-03-01T12:00:00+0100'),
  point('1', TAGS, '2025\\u002d03-01T12:00:00Z'),
  `{"metric":"drdrill_request", "type":"Point", "data":{"time":"${TIME}", "value":3, "tags":{"status":"201"}}}`,
  `  ${point('3')}  `,
  `${point('3')}\r`,
  point('1').slice(0, 80),
  'running (0m01.0s), 0000/0010 VUs, 5 complete and 0 interrupted iterations',
  '',
];

/**
 * A worst-case stream (every line a sample) with every variant mixed in at regular places.
 * `trimmed`: times as Go's RFC3339Nano writes them, trailing zeros of the fraction dropped, so
 * consecutive times differ in length.
 */
function corpus(requests: number, trimmed = false): string {
  let text = [...generateK6Ndjson({ requests, rate: 500, failEvery: 100, onlySamples: true })].join('');
  if (trimmed) text = text.replace(/(\.\d*?)0+Z"/g, (_, kept: string) => `${kept === '.' ? '' : kept}Z"`);
  const lines = text.split('\n');
  const mixed: string[] = [];
  lines.forEach((line, i) => {
    mixed.push(line);
    if (i % 37 === 36) mixed.push(VARIANTS[(i / 37) % VARIANTS.length | 0]!);
  });
  return mixed.join('\n');
}

describe('K6NdjsonParser: the byte reader and JSON.parse read alike', () => {
  it('gives identical samples and stats over a generated worst-case stream with every variant mixed in, in any chunking', () => {
    const text = corpus(20_000);
    const reference = read(chunked(text, 1 << 20), false);
    expect(reference.samples.length, 'every generated request and the readable variants').to.be.greaterThan(20_000);
    expect(reference.stats.badLines, 'the malformed variants are reported').to.be.greaterThan(0);
    for (const size of [1 << 20, 65_536, 4093]) {
      const fast = read(chunked(text, size), true);
      expect(fast.samples, `chunks of ${size}`).to.deep.equal(reference.samples);
      expect(fast.stats, `chunks of ${size}`).to.deep.equal(reference.stats);
      // The byte reader really read the generated points: JSON.parse only saw variants.
      expect(fast.jsonParses, `chunks of ${size}`).to.be.below(Math.ceil(20_000 / 37) + 1);
    }
    expect(reference.jsonParses).to.be.greaterThan(20_000);
  });

  it('agrees where consecutive times differ in length (k6 drops trailing zeros of the fraction)', () => {
    const text = corpus(5000, true);
    expect(text, 'the corpus has times of several lengths').to.match(/:\d\d\.\d{1,8}Z"/);
    const reference = read(chunked(text, 65_536), false);
    const fast = read(chunked(text, 65_536), true);
    expect(fast.samples).to.deep.equal(reference.samples);
    expect(fast.stats).to.deep.equal(reference.stats);
    expect(fast.jsonParses).to.be.below(Math.ceil(5000 / 37) + 1);
  });

  it('agrees line by line on each variant, read alone (so no recent tag set or time helps)', () => {
    for (const line of VARIANTS) {
      const bytes = [Buffer.from(`${line}\n`)];
      const fast = read(bytes, true);
      const reference = read(bytes, false);
      expect(fast.samples, line).to.deep.equal(reference.samples);
      expect(fast.stats, line).to.deep.equal(reference.stats);
    }
  });

  it('keeps -0 and exponent values exactly as JSON.parse reads them', () => {
    const values = ['-0', '1e+06', '-1.5e-7', '2.5E-2', '123456789.123456789'];
    const { samples } = read([Buffer.from(`${values.map((value) => point(value)).join('\n')}\n`)], true);
    expect(samples.map((s) => s.latencyMs)).to.deep.equal(values.map((value) => JSON.parse(value) as number));
    expect(Object.is(samples[0]?.latencyMs, -0)).to.equal(true);
  });

  it('reports malformed sample lines as the JSON path does: counted, the first few kept with the reason', () => {
    const bad = [point('.5'), point('1', '{"region":"tab\there"}'), `${point('1')}x`, point('1', TAGS, '2025-03-01T12:00:00.5')];
    const { stats, samples } = read([Buffer.from(`${[...bad, point('2')].join('\n')}\n`)], true);
    expect(samples.map((s) => s.latencyMs)).to.deep.equal([2]);
    expect(stats.badLines).to.equal(4);
    expect(stats.badLineExamples.map((example) => example.split(':')[0])).to.deep.equal(['not JSON', 'not JSON', 'not JSON', 'k6 time "2025-03-01T12']);
  });

  it('reads http_req_duration points alike too (target from the name tag, default target otherwise)', () => {
    const text = [...generateK6Ndjson({ requests: 300, failEvery: 7, url: 'http://x.test/' })].join('') + `${point('1', '{"status":"200"}', TIME, 'http_req_duration')}\n`;
    const fast = read(chunked(text, 4093), true, 'http_req_duration');
    const reference = read(chunked(text, 4093), false, 'http_req_duration');
    expect(fast.samples).to.have.length(301);
    expect(fast.samples).to.deep.equal(reference.samples);
    expect(fast.stats).to.deep.equal(reference.stats);
    expect(fast.samples.at(-1)?.target).to.equal('fallback');
  });
});
