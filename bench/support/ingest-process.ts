/**
 * Reads one k6 NDJSON file through K6NdjsonParser into a SampleStore, in its own process so its
 * RSS is the ingest's alone. Prints one JSON line: elapsed ms, CPU ms (user + system: the figure a
 * loaded machine disturbs least), bytes, samples, lines, peak RSS.
 * Usage: node --import tsx bench/support/ingest-process.ts <file> [sampleMetric]
 */
import { createReadStream, statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { K6NdjsonParser } from '../../src/load/k6-ndjson.ts';
import { SampleStore } from '../../src/load/sample-store.ts';

const file = process.argv[2];
if (file === undefined) throw new Error('usage: ingest-process.ts <file> [sampleMetric]');
const sampleMetric = process.argv[3];
const store = new SampleStore();
const parser = new K6NdjsonParser({ onSample: (sample) => store.push(sample), ...(sampleMetric === undefined ? {} : { sampleMetric }) });
let peakRss = process.memoryUsage.rss();
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
}, 50);
const started = performance.now();
const cpuStarted = process.cpuUsage();
for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
  parser.push(chunk as Buffer);
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
}
parser.end();
const elapsedMs = performance.now() - started;
const cpu = process.cpuUsage(cpuStarted);
const cpuMs = (cpu.user + cpu.system) / 1000;
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage.rss());
process.stdout.write(
  `${JSON.stringify({ elapsedMs, cpuMs, bytes: statSync(file).size, samples: store.length, lines: parser.stats.lines, peakRss, storeBytes: store.byteLength })}\n`,
);
