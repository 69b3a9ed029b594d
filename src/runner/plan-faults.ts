import type { InjectorDeps, PlannedChange } from '../injectors/injector.ts';
import { injectorFor, type FaultSpec } from '../injectors/injector-registry.ts';

/** Reads every fault's target live and states what would change, from what to what; mutates nothing. */
export async function planFaults(specs: readonly FaultSpec[], deps: InjectorDeps): Promise<PlannedChange[]> {
  const changes: PlannedChange[] = [];
  for (const spec of specs) changes.push(...(await injectorFor(spec.injector).plan(spec, deps)));
  return changes;
}
