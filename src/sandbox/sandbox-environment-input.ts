import type { Environment, EnvironmentInput } from '../drill/environment.ts';

/**
 * An environment as a person writes it in a file: durations as text with a unit. The resolved
 * environment holds them in ms, and a bare number is bad input, so anything that writes a
 * resolved environment back out (discover, tests) goes through here.
 */
export function environmentInput(environment: Environment): EnvironmentInput {
  const { deadMansSwitch, ...rest } = environment;
  if (deadMansSwitch === undefined) return rest;
  const { margin, ...switchRest } = deadMansSwitch;
  return { ...rest, deadMansSwitch: { ...switchRest, ...(margin === undefined ? {} : { margin: `${margin}ms` }) } };
}
