import type { EnvironmentInput } from '../../src/drill/environment.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import { sandboxEnvironment } from '../../src/sandbox/sandbox-environment.ts';
import { environmentInput } from '../../src/sandbox/sandbox-environment-input.ts';

/** A running sandbox's environment as a person would write it in an environment file. */
export function sandboxEnvironmentInput(sandbox: Sandbox): EnvironmentInput {
  return environmentInput(sandboxEnvironment(sandbox.description));
}
