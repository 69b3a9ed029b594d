/**
 * Counts newlines in a file with the same stream settings as the ingest (1 MB chunks): the floor
 * for any NDJSON reader in Node. Prints one JSON line: elapsed ms and lines.
 */
import { createReadStream } from 'node:fs';
import { performance } from 'node:perf_hooks';

const file = process.argv[2];
if (file === undefined) throw new Error('usage: line-count-process.ts <file>');
const started = performance.now();
let lines = 0;
for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
  const buffer = chunk as Buffer;
  let at = buffer.indexOf(10);
  while (at !== -1) {
    lines++;
    at = buffer.indexOf(10, at + 1);
  }
}
process.stdout.write(`${JSON.stringify({ elapsedMs: performance.now() - started, lines })}\n`);
