import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CliIo } from '../../src/cli/cli-io.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';

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

/**
 * Mocha hooks for a suite of drills on an in-process sandbox: a fresh sandbox per test (its event
 * log is that test's ground truth), and the folders handed out removed after the suite.
 */
export function useSandbox(prefix: string): { readonly sandbox: Sandbox; folders(): Promise<{ out: string; stateDir: string }> } {
  let sandbox: Sandbox | undefined;
  const dirs: string[] = [];
  beforeEach(async () => {
    sandbox = await startSandbox();
  });
  afterEach(async () => {
    await sandbox?.close();
  });
  after(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });
  return {
    get sandbox(): Sandbox {
      if (sandbox === undefined) throw new Error('useSandbox: the sandbox starts in beforeEach; read it inside a test');
      return sandbox;
    },
    folders: async () => {
      const out = await tempDir(`${prefix}-out`);
      const stateDir = await tempDir(`${prefix}-state`);
      dirs.push(out, stateDir);
      return { out, stateDir };
    },
  };
}
