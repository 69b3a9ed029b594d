import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { DRDRILL_METRIC, K6NdjsonParser, type K6StreamStats } from './k6-ndjson.ts';
import type { Sample } from './sample.ts';

/** One k6 `--out json` file as read: its digest, whether it was gzip, what the stream held. */
export interface K6ResultFile {
  readonly path: string;
  /** SHA-256 of the bytes on disk (compressed, when they are). */
  readonly sha256: string;
  readonly gzip: boolean;
  readonly stats: K6StreamStats;
}

const GZIP_MAGIC = [0x1f, 0x8b] as const;

/**
 * Reads a k6 NDJSON result file (plain or gzip, told apart by its first bytes, as k6 writes either
 * with `--out json=FILE` or `FILE.gz`), delivering each request point of `sampleMetric` to
 * `onSample` as it streams by, and hashing the bytes as they are, so a file the size of a
 * runner's whole test never sits in memory.
 */
export async function readK6ResultFile(path: string, onSample: (sample: Sample) => void, sampleMetric = DRDRILL_METRIC): Promise<K6ResultFile> {
  const gzip = await startsWithGzipMagic(path);
  const hash = createHash('sha256');
  const parser = new K6NdjsonParser({ onSample, sampleMetric });
  const hashed = async function* (source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      hash.update(chunk);
      yield chunk;
    }
  };
  const parse = async (source: AsyncIterable<Buffer>): Promise<void> => {
    for await (const chunk of source) parser.push(chunk);
  };
  if (gzip) await pipeline(createReadStream(path), hashed, createGunzip(), parse);
  else await pipeline(createReadStream(path), hashed, parse);
  parser.end();
  return { path, sha256: hash.digest('hex'), gzip, stats: parser.stats };
}

async function startsWithGzipMagic(path: string): Promise<boolean> {
  const head: Buffer[] = [];
  for await (const chunk of createReadStream(path, { start: 0, end: 1 })) head.push(chunk as Buffer);
  const bytes = Buffer.concat(head);
  return bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}
