import { InvalidInputError } from './invalid-input-error.ts';

/** Deeper than any drill or environment; a bound so a self-referencing object cannot recurse forever. */
const MAX_DEPTH = 32;

/**
 * A plain copy of what a drill or environment file exported, read once, field by field. A drill
 * is code, so a field may be a getter that throws (or answers differently each time it is read):
 * reading everything here, before validation, turns a throwing getter into bad input that names
 * the field, and makes what is validated exactly what runs. Functions (custom checks) and other
 * non-plain values are kept as they are.
 *
 * @throws InvalidInputError naming the field whose getter threw.
 */
export function snapshotInput(value: unknown, source: string): unknown {
  return copy(value, '', source, 0, new Set());
}

function copy(value: unknown, path: string, source: string, depth: number, seen: Set<object>): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (!Array.isArray(value) && prototype !== Object.prototype && prototype !== null) return value;
  if (seen.has(value) || depth > MAX_DEPTH) {
    throw new InvalidInputError(source, [`${path === '' ? '(top level)' : path}: refers back to itself; expected plain data`]);
  }
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      return Array.from({ length: value.length }, (_, index) => copy(read(value, index, `${path}[${index}]`, source), `${path}[${index}]`, source, depth + 1, seen));
    }
    const result: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const at = path === '' ? key : `${path}.${key}`;
      result[key] = copy(read(value, key, at, source), at, source, depth + 1, seen);
    }
    return result;
  } finally {
    seen.delete(value);
  }
}

function read(container: object, key: string | number, path: string, source: string): unknown {
  try {
    return (container as Record<string | number, unknown>)[key];
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new InvalidInputError(source, [`${path}: reading it threw "${message}"; expected a plain value`]);
  }
}
