import { ASSERTION_KINDS, type AssertionSpec } from '../assertions/assertion-spec.ts';
import { InvalidInputError } from '../drill/invalid-input-error.ts';
import { loadDrill } from '../drill/load-drill.ts';
import type { RunRecord } from './run-record.ts';

/**
 * The assertions a finished run was judged by, from the validated drill its run.json keeps. A
 * custom assertion is code, which JSON does not keep: its check is taken from the drill file the
 * record names, and only when that file's assertions are still the recorded ones.
 *
 * @throws InvalidInputError when the record keeps no assertions, or a custom check cannot be had
 */
export async function recordedAssertions(record: RunRecord): Promise<AssertionSpec[]> {
  const specs = assertionsOf(record.drill.definition);
  if (specs === undefined) {
    throw new InvalidInputError('run.json', [`run.json: drill.definition.assertions is missing or not a list of assertions (${ASSERTION_KINDS.join(', ')}); expected the validated drill drdrill records`]);
  }
  if (!specs.some((spec) => spec.assertion === 'custom')) return specs;
  const { drill } = await loadDrill(record.drill.file);
  const same = drill.assertions.length === specs.length && drill.assertions.every((spec, i) => JSON.stringify(spec) === JSON.stringify(specs[i]));
  if (!same) {
    throw new InvalidInputError(record.drill.file, [
      `${record.drill.file}: its assertions differ from those run.json recorded; the run's custom checks are code that only the drill file keeps, so it must be the file the run used`,
    ]);
  }
  return drill.assertions;
}

function assertionsOf(definition: unknown): AssertionSpec[] | undefined {
  if (typeof definition !== 'object' || definition === null) return undefined;
  const assertions = (definition as { assertions?: unknown }).assertions;
  if (!Array.isArray(assertions)) return undefined;
  const known = (value: unknown): boolean =>
    typeof value === 'object' && value !== null && (ASSERTION_KINDS as readonly unknown[]).includes((value as { assertion?: unknown }).assertion);
  // Written by drdrill from the validated drill, and the bundle's signature vouches for it.
  return assertions.every(known) ? (assertions as AssertionSpec[]) : undefined;
}
