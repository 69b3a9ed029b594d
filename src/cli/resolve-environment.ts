import path from 'node:path';
import type { Environment } from '../drill/environment.ts';
import { InvalidInputError } from '../drill/invalid-input-error.ts';
import { loadEnvironment } from '../drill/load-drill.ts';
import type { Sandbox, SandboxDescription } from '../sandbox/sandbox-handle.ts';
import { sandboxEnvironment } from '../sandbox/sandbox-environment.ts';
import { startSandbox } from '../sandbox/start-sandbox.ts';

export interface ResolvedEnvironment {
  readonly environment: Environment;
  /** Where it came from, for messages about its fields: the file, or which sandbox. */
  readonly source: string;
  /** The embedded sandbox this run started, to be closed when the run ends. */
  readonly embedded?: Sandbox;
}

/**
 * `--env sandbox` (the default) starts an embedded sandbox, or attaches to a running one with
 * `--sandbox-url`; any other name loads `drills/environments/<name>.ts` (or a path).
 */
export async function resolveEnvironment(name: string, sandboxUrl: string | undefined): Promise<ResolvedEnvironment> {
  if (name === 'sandbox') {
    if (sandboxUrl !== undefined) return { environment: await attachSandbox(sandboxUrl), source: `the sandbox at ${sandboxUrl}` };
    const embedded = await startSandbox();
    return { environment: sandboxEnvironment(embedded.description), source: 'the embedded sandbox', embedded };
  }
  const file = /[/\\]|\.ts$/.test(name) ? name : path.join('drills', 'environments', `${name}.ts`);
  // loadEnvironment validates: its result is parsed (durations in ms) and must not be parsed again.
  return { environment: await loadEnvironment(file), source: file };
}

async function attachSandbox(url: string): Promise<Environment> {
  let description: SandboxDescription;
  try {
    const response = await fetch(new URL('/_sandbox/describe', url), { signal: AbortSignal.timeout(5000) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    description = (await response.json()) as SandboxDescription;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new InvalidInputError('--sandbox-url', [`no sandbox answered at ${url} (${message}); start one with "drdrill sandbox up"`]);
  }
  return sandboxEnvironment(description);
}
