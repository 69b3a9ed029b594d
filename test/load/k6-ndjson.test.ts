import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { generateK6Ndjson } from '../../bench/support/k6-ndjson-generator.ts';
import { errorForK6Code } from '../../src/load/k6-error-code.ts';
import { K6NdjsonParser } from '../../src/load/k6-ndjson.ts';
import { K6TimeError, parseK6Time } from '../../src/load/k6-time.ts';
import type { Sample } from '../../src/load/sample.ts';

const FIXTURE = readFileSync(new URL('../fixtures/k6/mixed-output.ndjson', import.meta.url));
const BASE = Date.UTC(2025, 2, 1, 12, 0, 0);

function parse(chunks: readonly Buffer[], sampleMetric?: string) {
  const samples: Sample[] = [];
  const parser = new K6NdjsonParser({ onSample: (s) => samples.push(s), defaultTarget: 'fallback', ...(sampleMetric === undefined ? {} : { sampleMetric }) });
  for (const chunk of chunks) parser.push(chunk);
  parser.end();
  return { samples, stats: parser.stats };
}

describe('K6NdjsonParser', () => {
  it('turns each drdrill_request point into a sample with start, latency, status, region, address and target', () => {
    const { samples } = parse([FIXTURE]);
    expect(samples).to.have.length(7);
    expect(samples[0]).to.deep.equal({ start: BASE + 10 - 8.5, latencyMs: 8.5, status: 200, region: 'us-east-1', address: '127.0.0.2', target: 'api' });
    expect(samples[1], 'a +02:00 offset is converted to UTC').to.deep.equal({
      start: BASE + 30.25 - 12.25,
      latencyMs: 12.25,
      status: 503,
      region: 'us-east-1',
      address: '127.0.0.2',
      target: 'api',
    });
    expect(samples[6], 'a CRLF line is read').to.include({ status: 200, latencyMs: 7 });
  });

  it('maps failed requests (status 0) to transport error codes from k6 error_code tags', () => {
    const { samples } = parse([FIXTURE]);
    const failed = samples.filter((s) => s.status === 0);
    expect(failed.map((s) => s.error)).to.deep.equal(['ETIMEDOUT', 'ECONNREFUSED', 'ENOTFOUND']);
    expect(failed[0]).to.deep.equal({ start: BASE + 40, latencyMs: 2000, status: 0, error: 'ETIMEDOUT', target: 'api' });
    expect(failed[1]?.start, 'nanoseconds and a -05:00 offset').to.be.closeTo(BASE + 50.000001 - 1.5, 1e-6);
    for (const sample of failed) expect(sample).not.to.have.property('region');
  });

  it('reads the older key order (type first, metric last) too', () => {
    const { samples } = parse([FIXTURE]);
    expect(samples[4]).to.deep.equal({ start: BASE + 57, latencyMs: 3, status: 200, region: 'us-west-2', address: '127.0.0.3', target: 'orders' });
  });

  it('counts dropped iterations, declared metrics, skipped non-JSON lines and unreadable lines', () => {
    const { stats } = parse([FIXTURE]);
    expect(stats).to.include({ lines: 16, samples: 7, droppedIterations: 5, ignoredLines: 1, badLines: 1 });
    expect(stats.metrics).to.deep.equal(['http_reqs', 'drdrill_request', 'dropped_iterations']);
    expect(stats.badLineExamples[0]).to.contain('yesterday');
  });

  it('does not mistake a tag named "metric" for the metric of the line', () => {
    const line = Buffer.from('{"metric":"http_req_duration","type":"Point","data":{"time":"2025-03-01T12:00:00Z","value":5,"tags":{"metric":"drdrill_request","status":"200"}}}\n');
    expect(parse([line]).samples).to.have.length(0);
  });

  it('decodes escaped and non-ASCII tag values exactly as JSON does', () => {
    const line = JSON.stringify({
      metric: 'drdrill_request',
      type: 'Point',
      data: { time: '2025-03-01T12:00:00Z', value: 1, tags: { region: 'eu-"west"\\1', status: '200', target: 'caf\u00e9\nline' } },
    });
    const { samples } = parse([Buffer.from(`${line}\n`)]);
    expect(samples).to.deep.equal([{ start: BASE - 1, latencyMs: 1, status: 200, region: 'eu-"west"\\1', target: 'caf\u00e9\nline' }]);
    const unescaped = '{"metric":"drdrill_request","type":"Point","data":{"time":"2025-03-01T12:00:00Z","value":1,"tags":{"status":"200","target":"café-ü"}}}\n';
    expect(parse([Buffer.from(unescaped)]).samples[0]?.target).to.equal('café-ü');
  });

  it('gives the same samples however the stream is cut into chunks', () => {
    const whole = parse([FIXTURE]).samples;
    const bytewise = parse([...FIXTURE].map((byte) => Buffer.from([byte]))).samples;
    expect(bytewise).to.deep.equal(whole);
    for (const size of [7, 64, 333]) {
      const chunks: Buffer[] = [];
      for (let at = 0; at < FIXTURE.length; at += size) chunks.push(FIXTURE.subarray(at, at + size));
      expect(parse(chunks).samples, `chunks of ${size}`).to.deep.equal(whole);
    }
  });

  it('does not depend on the caller keeping a chunk intact after push', () => {
    const samples: Sample[] = [];
    const parser = new K6NdjsonParser({ onSample: (s) => samples.push(s) });
    const chunk = Buffer.from(FIXTURE.subarray(0, 700));
    parser.push(chunk);
    chunk.fill(0x20);
    parser.push(FIXTURE.subarray(700));
    parser.end();
    expect(samples).to.deep.equal(parse([FIXTURE]).samples);
  });

  it('reads a whole generated k6 stream: one sample per request among a dozen points each', () => {
    const chunks = [...generateK6Ndjson({ requests: 2000, rate: 1000, failEvery: 10 }, 333)].map((text) => Buffer.from(text));
    const { samples, stats } = parse(chunks);
    expect(samples).to.have.length(2000);
    expect(samples.filter((s) => s.status === 0 && s.error === 'ECONNREFUSED')).to.have.length(200);
    expect(stats.lines).to.equal(2000 * 14 + 14);
    const gaps = samples.slice(1).map((s, i) => s.start - (samples[i]?.start ?? 0));
    expect(Math.min(...gaps)).to.be.closeTo(1, 0.01);
    expect(Math.max(...gaps)).to.be.closeTo(1, 0.01);
  });

  it('can take http_req_duration points instead, for scripts of your own (target from the name tag)', () => {
    const chunks = [...generateK6Ndjson({ requests: 30, failEvery: 3, url: 'http://x.test/' })].map((text) => Buffer.from(text));
    const { samples } = parse(chunks, 'http_req_duration');
    expect(samples).to.have.length(30);
    expect(samples.filter((s) => s.error === 'ECONNREFUSED')).to.have.length(10);
    expect(samples[0]).to.include({ status: 200, target: 'http://x.test/' });
    expect(samples[0]).not.to.have.property('region');
  });

  it('skips a line longer than 16 MB without keeping it, and reads the lines after it', () => {
    const { samples, stats } = parse([
      Buffer.alloc(17 * 1024 * 1024, 0x61),
      Buffer.from('still the long line\n'),
      FIXTURE.subarray(FIXTURE.indexOf('{"metric":"drdrill_request"')),
    ]);
    expect(stats.badLines).to.equal(2);
    expect(samples).to.have.length(7);
  });
});

describe('parseK6Time', () => {
  it('reads UTC, offsets and 0 to 9 fractional digits', () => {
    expect(parseK6Time('2025-03-01T12:00:00Z')).to.equal(BASE);
    expect(parseK6Time('2025-03-01T12:00:00.5Z')).to.equal(BASE + 500);
    expect(parseK6Time('2025-03-01T12:00:01.123456789Z')).to.be.closeTo(BASE + 1123.456789, 1e-6);
    expect(parseK6Time('2025-03-01T13:30:00.000+01:30')).to.equal(BASE);
    expect(parseK6Time('2025-02-28T23:00:00-13:00')).to.equal(BASE);
  });

  it('rejects text that is not an RFC 3339 time, saying what was expected', () => {
    for (const bad of ['yesterday', '2025-03-01 12:00:00Z', '2025-03-01T12:00:00', '2025-03-01T12:0a:00Z', '2025-03-01T12:00:00+0100']) {
      expect(() => parseK6Time(bad), bad).to.throw(K6TimeError, /RFC 3339|zone|non-digit/);
    }
  });
});

describe('errorForK6Code', () => {
  it('maps k6 request error codes to the codes the built-in engine uses', () => {
    expect([1050, 1211, 1212, 1220, 1101, 1100, 1310].map(errorForK6Code)).to.deep.equal([
      'ETIMEDOUT',
      'ETIMEDOUT',
      'ECONNREFUSED',
      'ECONNRESET',
      'ENOTFOUND',
      'EDNS_ERROR',
      'ETLS',
    ]);
    expect(errorForK6Code(1000)).to.equal('K6_1000');
  });
});
