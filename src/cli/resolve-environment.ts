import path from 'node:path';
import type { Environment } from '../drill/environment.ts';
import { InvalidInputError } from '../drill/invalid-input-error.ts';
import { loadEnvironment, validateEnvironment } from '../drill/load-drill.ts';
import { defaultStateDir } from '../runner/journal.ts';
import type { Sandbox, SandboxDescription } from '../sandbox/sandbox-handle.ts';
import { sandboxEnvironment } from '../sandbox/sandbox-environment.ts';
import { startSandbox } from '../sandbox/start-sandbox.ts';

export interface ResolvedEnvironment {
  readonly environment: Environment;
  /** The embedded sandbox this run started, to be closed when the run ends. */
  readonly embedded?: Sandbox;
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
    if (sandboxUrl !== undefined) return { environment: await attachSandbox(sandboxUrl) };
    const embedded = await startSandbox({ evidenceKeyFile: sandboxEvidenceKeyFile(stateDir) });
    return { environment: sandboxEnvironment(embedded.description), embedded };
  }
  const file = /[/\\]|\.ts$/.test(name) ? name : path.join(environments, `${name}.ts`);
  return { environment: validateEnvironment(await loadEnvironment(file), file) };
}

/** The description a running sandbox serves, or bad input naming the URL. */
export async function describeSandbox(url: string): Promise<SandboxDescription> {
  let description: SandboxDescription;
  try {
    const response = await fetch(new URL('/_sandbox/describe', url), { signal: AbortSignal.timeout(5000) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    description = (await response.json()) as SandboxDescription;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new InvalidInputError('--sandbox-url', [`no sandbox answered at ${url} (${message}); start one with "drdrill sandbox up"`]);
  }
  return description;
}

async function attachSandbox(url: string): Promise<Environment> {
  return sandboxEnvironment(await describeSandbox(url));
}

/**
 * Where embedded and standalone sandboxes keep their evidence signing key, so a bundle signed by
 * one verifies with the next.
 */
export function sandboxEvidenceKeyFile(stateDir: string = defaultStateDir()): string {
  return path.join(stateDir, 'sandbox', 'evidence-key.pem');
}
