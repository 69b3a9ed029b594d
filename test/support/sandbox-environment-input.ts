import type { EnvironmentInput } from '../../src/drill/environment.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import { sandboxEnvironment } from '../../src/sandbox/sandbox-environment.ts';

/**
 * A running sandbox's environment as a person would write it in an environment file: durations
 * as text with a unit (the resolved environment holds them in ms, and a bare number is bad input).
 */
export function sandboxEnvironmentInput(sandbox: Sandbox): EnvironmentInput {
  const { deadMansSwitch, ...environment } = sandboxEnvironment(sandbox.description);
  if (deadMansSwitch === undefined) return environment;
  const { margin, ...rest } = deadMansSwitch;
  return { ...environment, deadMansSwitch: { ...rest, ...(margin === undefined ? {} : { margin: `${margin}ms` }) } };
}
