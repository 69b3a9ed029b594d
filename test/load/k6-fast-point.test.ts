import { expect } from 'chai';
import { K6NdjsonParser } from '../../src/load/k6-ndjson.ts';
import { errorForK6Code } from '../../src/load/k6-error-code.ts';
import { parseK6Time } from '../../src/load/k6-time.ts';
import type { MutableSample, Sample } from '../../src/load/sample.ts';

function parse(chunks: readonly Buffer[]): Sample[] {
  const samples: Sample[] = [];
  const parser = new K6NdjsonParser({ onSample: (s) => samples.push(s) });
  for (const chunk of chunks) parser.push(chunk);
  parser.end();
  return samples;
}

/** The sample a line means, worked out from JSON.parse: the ground truth every reading must match. */
function meaning(line: string): Sample {
  const point = JSON.parse(line) as { data: { time: string; value: number; tags: Record<string, string> | null } };
  const tags = point.data.tags ?? {};
  const status = Number(tags.status);
  const sample: MutableSample = {
    start: parseK6Time(point.data.time) - point.data.value,
    latencyMs: point.data.value,
    status: Number.isInteger(status) && status >= 0 && status <= 999 ? status : 0,
  };
  if (sample.status === 0) sample.error = Number(tags.error_code) > 0 ? errorForK6Code(Number(tags.error_code)) : 'ERROR';
  if (tags.region !== undefined && tags.region !== '') sample.region = tags.region;
  if (tags.address !== undefined && tags.address !== '') sample.address = tags.address;
  if (tags.target !== undefined && tags.target !== '') sample.target = tags.target;
  return sample;
}

const TIME = '2025-03-01T12:00:00.002500000Z';
const point = (value: string, tags: string, time = TIME): string => `{"metric":"drdrill_request","type":"Point","data":{"time":"${time}","value":${value},"tags":${tags}}}`;
const TAGS = '{"address":"127.0.0.2","region":"us-east-1","scenario":"target_0","status":"200","target":"api"}';

describe('K6NdjsonParser fast path (bytes, no JSON.parse)', () => {
  it('reads values exactly as Number() does, short decimals by itself and the rest by falling back', () => {
    const values = ['2', '0.1', '2.675', '-0', '-1.5', '0.000125', '123456789.123456', '1234567890.1234567', '0.30000000000000004', '1e3', '2.5E-2', '9007199254740993'];
    const lines = values.map((value) => point(value, TAGS));
    const samples = parse([Buffer.from(`${lines.join('\n')}\n`)]);
    expect(samples.map((s) => s.latencyMs)).to.deep.equal(values.map(Number));
    expect(samples).to.deep.equal(lines.map(meaning));
  });

  it('gives the JSON reading for lines it must hand over: escapes, other key orders, spacing, numeric tags, null tags', () => {
    const lines = [
      point('1', '{"region":"eu-\\"west\\"","status":"200"}'),
      `{"metric":"drdrill_request","type":"Point","data":{"value":4,"time":"${TIME}","tags":{"status":"200","region":"us-west-2"}}}`,
      `{"metric":"drdrill_request", "type":"Point", "data":{"time":"${TIME}", "value":3, "tags":{"status":"201"}}}`,
      point('5', '{"status":"200","vu":7,"region":"us-east-1"}'),
      point('6', 'null'),
      point('7', '{}'),
      `{"type":"Point","data":{"time":"${TIME}","value":8,"tags":{"status":"200","target":"orders"}},"metric":"drdrill_request"}`,
      point('9', '{"error_code":"1211","status":"0","target":"api"}', '2025-03-01T14:00:00.25+02:00'),
    ];
    const samples = parse([Buffer.from(`${lines.join('\n')}\n`)]);
    expect(samples).to.deep.equal(lines.map(meaning));
    expect(samples[0]?.region).to.equal('eu-"west"');
  });

  it('does not mix up tag sets that differ in one byte, however often each repeats', () => {
    const sets = [TAGS, TAGS.replace('"api"', '"apj"'), TAGS.replace('us-east-1', 'us-east-2'), TAGS.replace('"200"', '"500"'), '{"error_code":"1212","status":"0","target":"api"}', '{"status":"200"}'];
    const lines = Array.from({ length: 60 }, (_, i) => point(String(1 + (i % 7)), sets[(i * 7) % sets.length]!));
    expect(parse([Buffer.from(`${lines.join('\n')}\n`)])).to.deep.equal(lines.map(meaning));
  });

  it('reads a refilled buffer afresh: an escape in the new content is not missed', () => {
    const plain = Buffer.from(`${point('1', TAGS)}\n`);
    const escaped = Buffer.from(`${point('1', '{"status":"200","region":"a\\\\b"}')}\n`);
    const reused = Buffer.alloc(Math.max(plain.length, escaped.length), 0x20);
    const samples: Sample[] = [];
    const parser = new K6NdjsonParser({ onSample: (s) => samples.push(s) });
    // The same Buffer object both times, as a reader that recycles its memory would pass it.
    reused.fill(0x0a);
    plain.copy(reused);
    parser.push(reused);
    reused.fill(0x0a);
    escaped.copy(reused);
    parser.push(reused);
    parser.end();
    expect(samples[1]?.region).to.equal('a\\b');
  });

  it('skips a line whose value or time it cannot read, as the JSON path does', () => {
    const samples: Sample[] = [];
    const parser = new K6NdjsonParser({ onSample: (s) => samples.push(s) });
    parser.push(Buffer.from(`${point('"fast"', TAGS)}\n${point('1', TAGS, '2025-03-01T12:00:00.5')}\n${point('2', TAGS)}\n`));
    parser.end();
    expect(samples.map((s) => s.latencyMs)).to.deep.equal([2]);
    expect(parser.stats.badLines).to.equal(2);
  });
});
