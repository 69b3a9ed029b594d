import path from 'node:path';
import type { Environment } from '../drill/environment.ts';
import { InvalidInputError } from '../drill/invalid-input-error.ts';
import { loadEnvironment } from '../drill/load-drill.ts';
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
 * `--env sandbox` (the default) starts an embedded sandbox, or attaches to a running one with
 * `--sandbox-url`; any other name loads `<environments>/<name>.ts` (or a path).
 */
export async function resolveEnvironment(
  name: string,
  sandboxUrl: string | undefined,
  stateDir?: string,
  environments = path.join('drills', 'environments'),
): Promise<ResolvedEnvironment> {
  if (name === 'sandbox') {
    if (sandboxUrl !== undefined) {
      const attached = await attachSandbox(sandboxUrl);
      return { environment: attached.environment, source: `the sandbox at ${sandboxUrl}`, ...processOf(attached.description) };
    }
    const embedded = await startSandbox({ evidenceKeyFile: sandboxEvidenceKeyFile(stateDir) });
    return { environment: sandboxEnvironment(embedded.description), source: 'the embedded sandbox', embedded, ...processOf(embedded.description) };
  }
  const file = /[/\\]|\.ts$/.test(name) ? name : path.join(environments, `${name}.ts`);
  // loadEnvironment validates: its result is parsed (durations in ms) and must not be parsed again.
  return { environment: await loadEnvironment(file), source: file };
}

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
