import { copyFile } from 'node:fs/promises';
import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

/** Copies a load result file into a run directory as gzip: as it is when it already is, compressed otherwise. */
export async function keepResultFile(from: string, gzip: boolean, to: string): Promise<void> {
  if (gzip) await copyFile(from, to);
  else await pipeline(createReadStream(from), createGzip(), createWriteStream(to));
}
