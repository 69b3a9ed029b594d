import { access } from 'node:fs/promises';
import path from 'node:path';
import { importNamed } from '../drill/load-drill.ts';
import { InvalidInputError } from '../drill/invalid-input-error.ts';
import { configSchema, type DrdrillConfig } from './drdrill-config.ts';

/** The file `drdrill init` writes and every command reads from the working directory. */
export const CONFIG_FILE = 'drdrill.config.ts';

/** A loaded config and where it came from (undefined: no file, every default). */
export interface LoadedConfig {
  readonly config: DrdrillConfig;
  readonly file?: string;
}

/**
 * Reads `drdrill.config.ts` from `dir` (its `config` export). No file means every default; a bad
 * field is an InvalidInputError naming it, like a bad drill.
 */
export async function loadConfig(dir: string = process.cwd()): Promise<LoadedConfig> {
  const file = path.join(dir, CONFIG_FILE);
  try {
    await access(file);
  } catch {
    return { config: configSchema.parse({}) };
  }
  const exported = await importNamed(file, 'config', 'export const config = defineConfig({ ... })');
  const result = configSchema.safeParse(exported);
  if (!result.success) throw InvalidInputError.fromZod(path.relative(process.cwd(), file) || file, result.error);
  return { config: result.data, file };
}
