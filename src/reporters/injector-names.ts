import type { RunRecord } from '../runner/run-record.ts';

/**
 * The injectors a run used, in first-seen order: from `drill.definition.faults[]` when the
 * definition carries them (so a run aborted before injecting still names its plan), then from
 * the fault events. The definition is `unknown` in the record, so it is read defensively: a
 * fault names its injector in `injector`, `kind` or `type`.
 */
export function injectorNames(record: RunRecord): string[] {
  const names = new Set<string>();
  const definition = record.drill.definition;
  const faults = isObject(definition) ? definition['faults'] : undefined;
  if (Array.isArray(faults)) {
    for (const fault of faults) {
      if (!isObject(fault)) continue;
      const name = [fault['injector'], fault['kind'], fault['type']].find((value) => typeof value === 'string');
      if (typeof name === 'string' && name !== '') names.add(name);
    }
  }
  for (const event of record.faults) names.add(event.injector);
  return [...names];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
