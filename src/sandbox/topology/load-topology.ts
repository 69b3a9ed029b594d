import { importModule, missingExport } from '../../drill/load-drill.ts';
import { InvalidInputError } from '../../drill/invalid-input-error.ts';
import { snapshotInput } from '../../drill/snapshot-input.ts';
import { InvalidTopologyError, resolveTopology } from './resolve-topology.ts';
import type { ResolvedTopology } from './resolve-topology.ts';
import { topologySchema } from './topology-schema.ts';
import type { SandboxTopology } from './topology.ts';

/** A topology that passed every check, with what the sandbox will run. */
export interface LoadedTopology {
  readonly topology: SandboxTopology;
  readonly resolved: ResolvedTopology;
}

/**
 * Imports a topology file (its `topology` export, or its default export) and validates it
 * completely, so a bad file is an InvalidInputError naming the file and field before any port
 * is bound.
 */
export async function loadTopology(file: string): Promise<LoadedTopology> {
  const module = await importModule(file);
  const exported = 'topology' in module ? module.topology : 'default' in module ? module.default : undefined;
  if (exported === undefined) throw missingExport(file, 'topology', 'export const topology = defineTopology({ ... }), or a default export', module);
  return validateTopology(exported, file);
}

/**
 * Validates a topology object: its shape (zod), then what needs the whole picture
 * (resolveTopology). Every problem names the field path, the value found and what was expected.
 *
 * @throws InvalidInputError
 */
export function validateTopology(value: unknown, source = 'topology'): LoadedTopology {
  const input = snapshotInput(value, source);
  const parsed = topologySchema.safeParse(input);
  if (!parsed.success) {
    throw new InvalidInputError(
      source,
      parsed.error.issues.map((issue) => {
        const where = ['topology', ...issue.path].reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : `${text}.${String(part)}`), '').slice(1);
        const found = issue.code === 'unrecognized_keys' ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}` : `got ${shown(valueAt(input, issue.path))}`;
        return `${where}: ${found}; ${expectation(issue)}`;
      }),
    );
  }
  try {
    return { topology: parsed.data, resolved: resolveTopology(parsed.data) };
  } catch (error) {
    if (error instanceof InvalidTopologyError) throw new InvalidInputError(source, [error.message]);
    throw error;
  }
}

function expectation(issue: { readonly code: string; readonly message: string }): string {
  if (issue.code === 'unrecognized_keys') return 'expected only the fields a SandboxTopology defines';
  // zod's own wording ("Invalid input: expected string, received undefined") already says what it expected.
  return issue.message.replace(/^Invalid (input|option): /, '').replace(/, received \w+$/, '');
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let at: unknown = input;
  for (const part of path) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<PropertyKey, unknown>)[part];
  }
  return at;
}

function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  if (text === undefined) return typeof value;
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
