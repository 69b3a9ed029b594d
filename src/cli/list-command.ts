import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { InvalidInputError } from '../drill/invalid-input-error.ts';
import { loadDrill } from '../drill/load-drill.ts';
import type { CliIo } from './cli-io.ts';

/** `drdrill list [dir]`: every drill file under a folder (default drills/), validated, one line each. */
export async function listCommand(options: { readonly dir: string }, io: CliIo): Promise<number> {
  const files = await drillFiles(options.dir);
  if (files.length === 0) {
    io.err(`no *.drill.ts files under ${options.dir}`);
    return 0;
  }
  let invalid = 0;
  for (const file of files) {
    // `drdrill list | head`: once the reader is gone, validating the rest shows no one anything.
    if (io.broken?.aborted === true) break;
    try {
      const { drill } = await loadDrill(file);
      const faults = [...new Set(drill.faults.map((fault) => fault.injector))].join(', ');
      io.out(`${file}\n  ${drill.name} — ${faults}${drill.description === '' ? '' : `\n  ${drill.description}`}`);
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      invalid++;
      io.err(`${file}\n  INVALID: ${error.problems.join('; ')}`);
    }
  }
  return invalid > 0 ? 2 : 0;
}

async function drillFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true });
  } catch {
    throw new InvalidInputError(dir, [`folder not found`]);
  }
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.drill.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}
