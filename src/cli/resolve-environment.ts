import path from 'node:path';
import type { Environment } from '../drill/environment.ts';
import { InvalidInputError } from '../drill/invalid-input-error.ts';
import { z } from 'zod';
import { importModule, loadEnvironment } from '../drill/load-drill.ts';
import { loadTopology } from '../sandbox/topology/load-topology.ts';
import type { ProcessIdentity } from '../runner/process-identity.ts';
import { defaultStateDir } from '../runner/journal.ts';
import type { Sandbox, SandboxDescription } from '../sandbox/sandbox-handle.ts';
import { sandboxEnvironment } from '../sandbox/sandbox-environment.ts';
import { startSandbox } from '../sandbox/start-sandbox.ts';

export interface ResolvedEnvironment {
  readonly environment: Environment;
  /** Where it came from, for messages about its fields: the file, or which sandbox. */
  readonly source: string;
  /** The embedded sandbox this run started, to be closed when the run ends. */
  readonly embedded?: Sandbox;
  /** The process a sandbox environment's state lives in, for the journal (see recover). */
  readonly sandboxProcess?: ProcessIdentity;
}

/**
 * `--env sandbox` (the default) starts an embedded sandbox — from `topologyFile` when the drills ask
 * for one — or attaches to a running one with `--sandbox-url`; any other name loads
 * `<environments>/<name>.ts` (or a path). An environment file of kind `sandbox` that names a
 * `topology` file starts an embedded sandbox from it, so users model their own system.
 */
export async function resolveEnvironment(
  name: string,
  sandboxUrl: string | undefined,
  stateDir?: string,
  environments = path.join('drills', 'environments'),
  topologyFile?: string,
): Promise<ResolvedEnvironment> {
  if (name === 'sandbox') {
    if (sandboxUrl !== undefined) {
      const attached = await attachSandbox(sandboxUrl);
      return { environment: attached.environment, source: `the sandbox at ${sandboxUrl}`, ...processOf(attached.description) };
    }
    return startEmbedded(topologyFile, 'sandbox', stateDir);
  }
  const file = /[/\\]|\.ts$/.test(name) ? name : path.join(environments, `${name}.ts`);
  const topology = await sandboxTopologyFile(file);
  if (topology !== undefined) return startEmbedded(topology.file, topology.name, stateDir);
  // loadEnvironment validates: its result is parsed (durations in ms) and must not be parsed again.
  return { environment: await loadEnvironment(file), source: file };
}

async function startEmbedded(topologyFile: string | undefined, name: string, stateDir: string | undefined): Promise<ResolvedEnvironment> {
  // Validated whole before a port is bound: a bad topology file is bad input, nothing started.
  const topology = topologyFile === undefined ? undefined : (await loadTopology(topologyFile)).topology;
  const embedded = await startSandbox({ ...(topology === undefined ? {} : { topology }), evidenceKeyFile: sandboxEvidenceKeyFile(stateDir) });
  const source = topologyFile === undefined ? 'the embedded sandbox' : `the embedded sandbox of ${topologyFile}`;
  return { environment: { ...sandboxEnvironment(embedded.description), name }, source, embedded, ...processOf(embedded.description) };
}

/**
 * The topology an environment file of the form `{ name, kind: 'sandbox', topology }` names
 * (resolved against the file), or undefined for an ordinary environment file.
 */
async function sandboxTopologyFile(file: string): Promise<{ readonly file: string; readonly name: string } | undefined> {
  const module = await importModule(file);
  const exported: unknown = 'environment' in module ? module.environment : undefined;
  if (typeof exported !== 'object' || exported === null || !('topology' in exported)) return undefined;
  const parsed = sandboxFromTopologySchema.safeParse(exported);
  if (!parsed.success) {
    throw new InvalidInputError(file, parsed.error.issues.map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`));
  }
  return { file: path.resolve(path.dirname(file), parsed.data.topology), name: parsed.data.name };
}

/** An environment that is an embedded sandbox started from the user's own topology file. */
const sandboxFromTopologySchema = z.strictObject({
  name: z.string().min(1, 'expected a non-empty string'),
  kind: z.literal('sandbox', { error: 'expected "sandbox": only the embedded sandbox starts from a topology file' }),
  topology: z.string().min(1, 'expected the path of a topology file, relative to this environment file'),
});

function processOf(description: SandboxDescription): Pick<ResolvedEnvironment, 'sandboxProcess'> {
  return description.process === undefined ? {} : { sandboxProcess: description.process };
}

/** The description a running sandbox serves, or bad input naming the URL (also when what answered is not a control plane). */
export async function describeSandbox(url: string): Promise<SandboxDescription> {
  let answer: unknown;
  try {
    const response = await fetch(new URL('/_sandbox/describe', url), { signal: AbortSignal.timeout(5000) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    answer = await response.json();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new InvalidInputError('--sandbox-url', [`--sandbox-url: no sandbox answered at ${url} (${message}); start one with "drdrill sandbox up"`]);
  }
  // Something answered, but it may be a regional endpoint or the edge rather than the control plane.
  const notControlPlane = (why: string): InvalidInputError =>
    new InvalidInputError('--sandbox-url', [
      `--sandbox-url: ${url} answered, but not as a sandbox control plane (${why}); expected the "controlPlaneUrl" that "drdrill sandbox up" prints`,
    ]);
  if (!isDescription(answer)) throw notControlPlane('its /_sandbox/describe is not a sandbox description');
  try {
    sandboxEnvironment(answer);
  } catch (error) {
    throw notControlPlane(error instanceof Error ? error.message : String(error));
  }
  return answer;
}

async function attachSandbox(url: string): Promise<{ environment: Environment; description: SandboxDescription }> {
  const description = await describeSandbox(url);
  return { environment: sandboxEnvironment(description), description };
}

function isDescription(value: unknown): value is SandboxDescription {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<keyof SandboxDescription, unknown>>;
  return typeof candidate.controlPlaneUrl === 'string' && typeof candidate.topology === 'object' && typeof candidate.resources === 'object' && Array.isArray(candidate.regions);
}

/**
 * Where embedded and standalone sandboxes keep their evidence signing key, so a bundle signed by
 * one verifies with the next.
 */
export function sandboxEvidenceKeyFile(stateDir: string = defaultStateDir()): string {
  return path.join(stateDir, 'sandbox', 'evidence-key.pem');
}
