import { access } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { drillSchema, type Drill } from './drill-schema.ts';
import { environmentSchema, type Environment } from './environment.ts';
import { InvalidInputError } from './invalid-input-error.ts';
import { snapshotInput } from './snapshot-input.ts';

/** How long a drill or environment file may take to import: its top level only defines data. */
export const IMPORT_TIMEOUT_MS = 5_000;

export interface LoadedDrill {
  readonly file: string;
  readonly drill: Drill;
}

/**
 * Imports a drill file and validates its `drill` export. Any problem — a missing file, a
 * missing export, a bad field — is an InvalidInputError naming where, so the CLI exits 2
 * before anything is touched.
 */
export async function loadDrill(file: string): Promise<LoadedDrill> {
  const exported = await importNamed(file, 'drill', 'export const drill = defineDrill({ ... })');
  return { file, drill: validateDrill(exported, file) };
}

/** Validates a drill object (already imported), e.g. one built in a test. */
export function validateDrill(value: unknown, source = 'drill'): Drill {
  const result = drillSchema.safeParse(snapshotInput(value, source));
  if (!result.success) throw InvalidInputError.fromZod(source, result.error);
  return result.data;
}

/** Imports an environment file and validates its `environment` export. */
export async function loadEnvironment(file: string): Promise<Environment> {
  const exported = await importNamed(file, 'environment', 'export const environment = defineEnvironment({ ... })');
  return validateEnvironment(exported, file);
}

export function validateEnvironment(value: unknown, source = 'environment'): Environment {
  const result = environmentSchema.safeParse(snapshotInput(value, source));
  if (!result.success) throw InvalidInputError.fromZod(source, result.error);
  return result.data;
}

/** Imports a TypeScript file and returns one named export; any problem is an InvalidInputError naming the file. */
export async function importNamed(file: string, name: string, hint: string): Promise<unknown> {
  const module = await importModule(file);
  if (!(name in module)) throw missingExport(file, name, hint, module);
  return module[name];
}

/** The InvalidInputError for a file that lacks the export drdrill needs, listing what it does export. */
export function missingExport(file: string, name: string, hint: string, module: Record<string, unknown>): InvalidInputError {
  const names = Object.keys(module);
  return new InvalidInputError(file, [`${name}: required named export (${hint}); the file exports ${names.length === 0 ? 'nothing' : names.join(', ')}`]);
}

/**
 * Imports a TypeScript file (bounded in time: its top level only defines data); any problem is
 * an InvalidInputError naming the file.
 */
export async function importModule(file: string): Promise<Record<string, unknown>> {
  const absolute = path.resolve(file);
  try {
    await access(absolute);
  } catch {
    throw new InvalidInputError(file, [`file not found (looked at ${absolute})`]);
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    // A drill file is code: a top-level await that never settles would hang the CLI (and Node ends
    // such a process with exit 13 and no word). Bounded, it is bad input like any other.
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`its import did not finish within ${IMPORT_TIMEOUT_MS / 1000} s (a top-level await that never settles?)`)), IMPORT_TIMEOUT_MS);
    });
    return await Promise.race([importTypeScript(pathToFileURL(absolute).href), timedOut]);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new InvalidInputError(file, [`could not be loaded: ${message}`]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A `.ts` file in a CommonJS package (npm's default, no "type": "module") that uses `import`
 * cannot go through the global tsx hook: Node treats it as a require() of an ES module from the
 * module graph importing it and refuses the cycle. tsx's tsImport loads such a file as a module
 * graph of its own; everything else takes the plain import, which shares modules with the CLI.
 */
async function importTypeScript(url: string): Promise<Record<string, unknown>> {
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_REQUIRE_CYCLE_MODULE') throw error;
    return (await tsImport(url, import.meta.url)) as Record<string, unknown>;
  }
}
