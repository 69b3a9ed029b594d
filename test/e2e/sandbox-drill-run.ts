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

/**
 * Starts a sandbox from `topology` (the default one when undefined), writes an environment file
 * pointing at it, and runs `drill` from the CLI against it, so the test can hold what the drill
 * measured against what the sandbox recorded. `before` reads the sandbox before the drill
 * touches it. The caller closes `sandbox`; `dirs` collects the folders to remove after the suite.
 */
export async function runDrillOnSandbox(
  drill: string,
  topology: string | undefined,
  dirs: string[],
  before?: (sandbox: Sandbox) => Promise<void>,
): Promise<SandboxDrillRun> {
  const sandbox = await startSandbox(topology === undefined ? {} : { topology: (await loadTopology(topology)).topology });
  try {
    await before?.(sandbox);
    const dir = await tempDir('sandbox-drill');
    dirs.push(dir);
    const env = path.join(dir, 'env.ts');
    await writeFile(env, `export const environment = ${JSON.stringify({ ...sandboxEnvironmentInput(sandbox), name: 'topology' })};\n`);
    const io = captureIo();
    const code = await runCli(['run', drill, '--env', env, '--out', dir, '--state-dir', path.join(dir, 'state')], io);
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

/** A headline figure's value from run.json (NaN when absent). */
export function figureValue(record: RunRecord, name: string): number {
  return record.figures?.find((f) => f.name === name)?.value ?? Number.NaN;
}

/** When a fault went in (NaN when it never did). */
export function injectAt(record: RunRecord, fault: string): number {
  return record.faults.find((event) => event.kind === 'inject' && event.fault === fault)?.at ?? Number.NaN;
}

/** A region's loopback address in the sandbox. */
export function addressOf(sandbox: Sandbox, region: string): string {
  return sandbox.description.regions.find((r) => r.name === region)?.address ?? '';
}

/** A DNS answer change, as the sandbox recorded it. */
export type DnsAnswerEvent = Extract<SandboxEvent, { type: 'dns-answer' }>;

/** When the sandbox first answered `address` for `name` at or after `from` (NaN: never). */
export function dnsSwitchedAt(sandbox: Sandbox, name: string, address: string, from: number): number {
  return sandbox.events().find((event): event is DnsAnswerEvent => event.type === 'dns-answer' && event.name === name && event.at >= from && event.addresses.includes(address))?.at ?? Number.NaN;
}
