import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Verdict } from '../../src/assertions/verdict.ts';
import { runCli } from '../../src/cli/cli.ts';
import type { RunRecord } from '../../src/runner/run-record.ts';
import type { Sandbox, SandboxEvent } from '../../src/sandbox/sandbox-handle.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { loadTopology } from '../../src/sandbox/topology/load-topology.ts';
import { sandboxEnvironmentInput } from '../support/sandbox-environment-input.ts';
import { captureIo, onlyRunDir } from './e2e-kit.ts';

export type DnsAnswerEvent = Extract<SandboxEvent, { type: 'dns-answer' }>;

/** One drill run from the CLI on a sandbox this test started, kept open so its event log can be read. */
export interface SandboxRun {
  readonly sandbox: Sandbox;
  readonly record: RunRecord;
  readonly code: number;
  readonly text: string;
}

/**
 * Starts a sandbox from `topology` (or the default), writes its environment to `dir`, runs the drill
 * against it from the CLI with `args` added, and reads the run's run.json. The caller closes the
 * sandbox once it has compared the run with the sandbox's ground truth.
 */
export async function runOnSandbox(drill: string, topology: string | undefined, dir: string, args: readonly string[] = []): Promise<SandboxRun> {
  const sandbox = await startSandbox(topology === undefined ? {} : { topology: (await loadTopology(topology)).topology });
  try {
    const env = path.join(dir, 'env.ts');
    await writeFile(env, `export const environment = ${JSON.stringify({ ...sandboxEnvironmentInput(sandbox), name: 'topology' })};\n`);
    const io = captureIo();
    const code = await runCli(['run', drill, '--env', env, '--out', dir, '--state-dir', path.join(dir, 'state'), ...args], io);
    const record = JSON.parse(await readFile(path.join(await onlyRunDir(dir, path.basename(drill, '.drill.ts')), 'run.json'), 'utf8')) as RunRecord;
    return { sandbox, record, code, text: io.text() };
  } catch (error) {
    await sandbox.close();
    throw error;
  }
}

export function verdictNamed(record: RunRecord, name: string): Verdict {
  const found = record.verdicts.find((verdict) => verdict.name === name);
  if (found === undefined) throw new Error(`no verdict "${name}" in ${record.verdicts.map((v) => v.name).join(', ')}`);
  return found;
}

export function figureOf(record: RunRecord, name: string): number {
  const found = record.figures?.find((f) => f.name === name);
  if (found === undefined || found.value === null) throw new Error(`no figure "${name}" in ${(record.figures ?? []).map((f) => f.name).join(', ')}`);
  return found.value;
}

export function injectAt(record: RunRecord, fault: string): number {
  const found = record.faults.find((event) => event.kind === 'inject' && event.fault === fault);
  if (found === undefined) throw new Error(`fault "${fault}" never went in`);
  return found.at;
}

export function addressOf(sandbox: Sandbox, region: string): string {
  const found = sandbox.description.regions.find((r) => r.name === region);
  if (found === undefined) throw new Error(`the sandbox has no region ${region}`);
  return found.address;
}

/** Every answer the sandbox DNS gave for `name` from `from` on, in order. */
export function answersFor(sandbox: Sandbox, name: string, from: number): DnsAnswerEvent[] {
  return sandbox.events().filter((event): event is DnsAnswerEvent => event.type === 'dns-answer' && event.name === name && event.at >= from);
}
