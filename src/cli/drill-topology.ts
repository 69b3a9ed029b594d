import path from 'node:path';
import { InvalidInputError } from '../drill/invalid-input-error.ts';
import type { LoadedDrill } from '../drill/load-drill.ts';

/**
 * The topology file the drills ask the embedded sandbox to start with (`sandbox.topology`, relative
 * to each drill file), or undefined for the default topology. One sandbox serves every drill of a
 * run, so drills asking for different topologies are refused before anything starts.
 */
export function sandboxTopologyOf(drills: readonly LoadedDrill[]): string | undefined {
  const wanted = drills.map(({ drill, file }) => (drill.sandbox === undefined ? undefined : path.resolve(path.dirname(file), drill.sandbox.topology)));
  const first = wanted[0];
  const other = wanted.findIndex((topology) => topology !== first);
  if (other !== -1) {
    const describe = (topology: string | undefined): string => (topology === undefined ? 'the default topology' : path.relative(process.cwd(), topology));
    throw new InvalidInputError(drills[other]?.file ?? 'drill', [
      `sandbox.topology: this drill runs on ${describe(wanted[other])} but ${drills[0]?.file ?? 'the first drill'} on ${describe(first)}; one run starts one sandbox, so run them separately`,
    ]);
  }
  return first;
}
