import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli } from '../../src/cli/cli.ts';
import type { Verdict } from '../../src/assertions/verdict.ts';
import type { RunRecord } from '../../src/runner/run-record.ts';
import type { Sandbox, SandboxEvent } from '../../src/sandbox/sandbox-handle.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { loadTopology } from '../../src/sandbox/topology/load-topology.ts';
import { sandboxEnvironmentInput } from '../support/sandbox-environment-input.ts';
import { captureIo, onlyRunDir, tempDir } from './e2e-kit.ts';

/** One drill run from the CLI on a sandbox the test started (and keeps, for its ground truth). */
export interface SandboxDrillRun {
  readonly sandbox: Sandbox;
  readonly record: RunRecord;
  readonly runDir: string;
  readonly code: number;
  readonly text: string;
}

/** What a test adds to a sandbox drill run. */
export interface SandboxDrillRunOptions {
  /** Reads the sandbox before the drill touches it. */
  readonly before?: (sandbox: Sandbox) => Promise<void>;
  /** More `drdrill run` arguments, such as `--approve all`. */
  readonly args?: readonly string[];
}

/**
 * Starts a sandbox from `topology` (the default one when undefined), writes an environment file
 * pointing at it, and runs `drill` from the CLI against it, so the test can hold what the drill
 * measured against what the sandbox recorded. The caller closes `sandbox`; `dirs` collects the folders to remove after the suite.
 */
export async function runDrillOnSandbox(
  drill: string,
  topology: string | undefined,
  dirs: string[],
  { before, args = [] }: SandboxDrillRunOptions = {},
): Promise<SandboxDrillRun> {
  const sandbox = await startSandbox(topology === undefined ? {} : { topology: (await loadTopology(topology)).topology });
  try {
    await before?.(sandbox);
    const dir = await tempDir('sandbox-drill');
    dirs.push(dir);
    const env = path.join(dir, 'env.ts');
    await writeFile(env, `export const environment = ${JSON.stringify({ ...sandboxEnvironmentInput(sandbox), name: 'topology' })};\n`);
    const io = captureIo();
    const code = await runCli(['run', drill, '--env', env, '--out', dir, '--state-dir', path.join(dir, 'state'), ...args], io);
    const runDir = await onlyRunDir(dir, path.basename(drill, '.drill.ts'));
    const record = JSON.parse(await readFile(path.join(runDir, 'run.json'), 'utf8')) as RunRecord;
    return { sandbox, record, runDir, code, text: io.text() };
  } catch (error) {
    await sandbox.close();
    throw error;
  }
}

/** Removes what `runDrillOnSandbox` wrote. */
export async function removeDirs(dirs: readonly string[]): Promise<void> {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
}

/** The verdict of that name, or an error listing the names there are. */
export function verdictNamed(record: RunRecord, name: string): Verdict {
  const found = record.verdicts.find((verdict) => verdict.name === name);
  if (found === undefined) throw new Error(`no verdict "${name}" in ${record.verdicts.map((v) => v.name).join(', ')}`);
  return found;
}

/** A headline figure's value from run.json; an error naming the figures there are when it has none. */
export function figureOf(record: RunRecord, name: string): number {
  const found = record.figures?.find((f) => f.name === name);
  if (found === undefined || found.value === null) throw new Error(`no figure "${name}" in ${(record.figures ?? []).map((f) => f.name).join(', ')}`);
  return found.value;
}

/** When a fault went in; an error when it never did. */
export function injectAt(record: RunRecord, fault: string): number {
  const found = record.faults.find((event) => event.kind === 'inject' && event.fault === fault);
  if (found === undefined) throw new Error(`fault "${fault}" never went in`);
  return found.at;
}

/** A region's loopback address in the sandbox; an error for a region it does not run. */
export function addressOf(sandbox: Sandbox, region: string): string {
  const found = sandbox.description.regions.find((r) => r.name === region);
  if (found === undefined) throw new Error(`the sandbox has no region ${region}`);
  return found.address;
}

/** A DNS answer change, as the sandbox recorded it. */
export type DnsAnswerEvent = Extract<SandboxEvent, { type: 'dns-answer' }>;

/** Every answer change the sandbox DNS recorded for `name` from `from` on, in order. */
export function answersFor(sandbox: Sandbox, name: string, from: number): DnsAnswerEvent[] {
  return sandbox.events().filter((event): event is DnsAnswerEvent => event.type === 'dns-answer' && event.name === name && event.at >= from);
}

/** When the sandbox first answered `address` for `name` at or after `from` (NaN: never). */
export function dnsSwitchedAt(sandbox: Sandbox, name: string, address: string, from: number): number {
  return answersFor(sandbox, name, from).find((event) => event.addresses.includes(address))?.at ?? Number.NaN;
}
