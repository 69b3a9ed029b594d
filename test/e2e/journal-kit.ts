import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { JournalEntry } from '../../src/runner/journal.ts';

/**
 * The entries of the one journal a test run left in `stateDir` (none when it never got that far),
 * read while its writer may still be mid-line: a torn last line is skipped, as recover skips it.
 */
export async function journalEntries(stateDir: string): Promise<JournalEntry[]> {
  let names: string[];
  try {
    names = await readdir(path.join(stateDir, 'journal'));
  } catch {
    return [];
  }
  const [name] = names.filter((file) => file.endsWith('.ndjson'));
  if (name === undefined) return [];
  return (await readFile(path.join(stateDir, 'journal', name), 'utf8'))
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as JournalEntry];
      } catch {
        return [];
      }
    });
}
