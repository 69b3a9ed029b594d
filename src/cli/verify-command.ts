import { resolve } from 'node:path';
import { ManifestError, MANIFEST_FILE, verifyManifest } from '../evidence/manifest.ts';
import type { CliIo } from './cli-io.ts';

/** Exit codes of `drdrill verify`. */
export const VERIFY_EXIT = { intact: 0, tampered: 1, badInput: 2 } as const;

/**
 * `drdrill verify <run-dir>`: checks every file of an evidence bundle against manifest.sha256.
 * Exits 0 when intact, 1 naming each file changed, added or removed, 2 when there is no
 * readable manifest (not a run directory, or the manifest itself was mangled).
 */
export async function verifyCommand(dir: string, io: CliIo): Promise<number> {
  const root = resolve(dir);
  let check;
  try {
    check = await verifyManifest(root);
  } catch (error) {
    if (error instanceof ManifestError) {
      io.err(`drdrill verify: ${error.message}`);
      return VERIFY_EXIT.badInput;
    }
    throw error;
  }
  if (check.intact) {
    io.out(`verified ${root}: ${check.listed} files match ${MANIFEST_FILE}`);
    return VERIFY_EXIT.intact;
  }
  io.err(`drdrill verify: ${root} does NOT match ${MANIFEST_FILE}:`);
  for (const file of check.changed) io.err(`  changed: ${file}`);
  for (const file of check.added) io.err(`  added:   ${file}`);
  for (const file of check.removed) io.err(`  removed: ${file}`);
  return VERIFY_EXIT.tampered;
}
