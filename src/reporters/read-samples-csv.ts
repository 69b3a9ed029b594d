import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { SampleStore } from '../load/sample-store.ts';
import type { MutableSample } from '../load/sample.ts';
import { SAMPLES_CSV_HEADER } from './samples-csv.ts';

/** samples.csv(.gz) is not what `samplesCsv` writes: the line and what was wrong with it. */
export class SamplesCsvError extends Error {
  override readonly name = 'SamplesCsvError';
}

/**
 * Reads a run directory's samples.csv.gz (or a plain samples.csv) back into a SampleStore: the
 * inverse of `samplesCsv`, so a finished run's requests can be judged again. Latencies come back
 * rounded to microseconds, as they were written.
 *
 * @throws SamplesCsvError naming the line when the header or a row is not what drdrill writes
 */
export async function readSamplesCsv(file: string): Promise<SampleStore> {
  const bytes = await readFile(file);
  // gzip's magic number: a run directory holds samples.csv.gz, a person may hand over the plain text.
  const text = (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString('utf8');
  const store = new SampleStore(1024);
  let line = 0;
  for (const row of csvRows(text)) {
    line++;
    if (line === 1) {
      if (row.join(',') !== SAMPLES_CSV_HEADER) throw new SamplesCsvError(`${file} line 1 is ${JSON.stringify(row.join(','))}; expected the header ${SAMPLES_CSV_HEADER}`);
      continue;
    }
    store.push(sampleOf(row, file, line));
  }
  if (line === 0) throw new SamplesCsvError(`${file} is empty; expected the header ${SAMPLES_CSV_HEADER}`);
  return store;
}

function sampleOf(row: readonly string[], file: string, line: number): MutableSample {
  const [start, latency, status, error, region, address, target, cohort] = row;
  const numbers = [Number(start), Number(latency), Number(status)];
  if (row.length !== 8 || start === '' || latency === '' || status === '' || numbers.some((n) => !Number.isFinite(n))) {
    throw new SamplesCsvError(`${file} line ${line} is ${JSON.stringify(row.join(','))}; expected ${SAMPLES_CSV_HEADER} with numbers in the first three columns`);
  }
  const sample: MutableSample = { start: numbers[0] ?? 0, latencyMs: numbers[1] ?? 0, status: numbers[2] ?? 0 };
  if (error) sample.error = error;
  if (region) sample.region = region;
  if (address) sample.address = address;
  if (target) sample.target = target;
  if (cohort) sample.cohort = cohort;
  return sample;
}

/** RFC 4180 rows: fields in double quotes may hold commas, newlines and doubled quotes. */
function* csvRows(text: string): Generator<string[]> {
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        const quote = text.indexOf('"', i);
        if (quote === -1) throw new SamplesCsvError('samples CSV ends inside a quoted field');
        field += text.slice(i, quote);
        i = quote + 1;
        if (text[i] !== '"') break;
        field += '"';
        i++;
      }
    } else {
      let end = i;
      while (end < text.length && text[end] !== ',' && text[end] !== '\n') end++;
      field = text.slice(i, end);
      i = end;
    }
    row.push(field);
    if (text[i] === ',') {
      i++;
      continue;
    }
    // A newline or the end of the text closes the row.
    i++;
    yield row;
    row = [];
  }
}
