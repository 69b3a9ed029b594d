import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CliIo } from '../../src/cli/cli-io.ts';

/** A CliIo that keeps every line, for asserting on what a person would see. */
export function captureIo(): CliIo & { readonly lines: string[]; text(): string } {
  const lines: string[] = [];
  return {
    lines,
    out: (line) => lines.push(line),
    err: (line) => lines.push(line),
    text: () => lines.join('\n'),
  };
}

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(tmpdir(), `drdrill-${prefix}-`));
}

/** The single run directory a one-drill run wrote under `out`. */
export async function onlyRunDir(out: string, drillName: string): Promise<string> {
  const runs = await readdir(path.join(out, drillName));
  if (runs.length !== 1) throw new Error(`expected one run of ${drillName}, found ${runs.length}`);
  return path.join(out, drillName, runs[0] as string);
}
