import type { SampleStore } from '../load/sample-store.ts';

/** Column order of samples.csv; one row per request. */
export const SAMPLES_CSV_HEADER = 'start_ms,latency_ms,status,error,region,address,target,cohort';

const ROWS_PER_CHUNK = 2048;

/**
 * The samples as RFC 4180 CSV text, yielded in chunks of rows so a million samples never sit
 * in memory as one string. Latency is rounded to microseconds to drop float32 storage noise.
 */
export function* samplesCsv(samples: SampleStore): Generator<string> {
  let chunk = `${SAMPLES_CSV_HEADER}\n`;
  for (let i = 0; i < samples.length; i++) {
    const sample = samples.get(i);
    chunk +=
      `${sample.start},${Math.round(sample.latencyMs * 1000) / 1000},${sample.status},` +
      `${csvField(sample.error)},${csvField(sample.region)},${csvField(sample.address)},${csvField(sample.target)},${csvField(sample.cohort)}\n`;
    if ((i + 1) % ROWS_PER_CHUNK === 0) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}

function csvField(value: string | undefined): string {
  if (value === undefined) return '';
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
