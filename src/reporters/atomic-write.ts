import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes a file so that readers see either the old content or the complete new one, never a
 * torn file: `write` fills a temporary file beside the target (same filesystem, so the rename
 * is atomic), the data is fsynced, then renamed over the target. On failure the temporary
 * file is removed and the error rethrown.
 *
 * @example await writeAtomic('run.json', (temp) => writeFile(temp, json))
 */
export async function writeAtomic(path: string, write: (tempPath: string) => Promise<void>): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await write(temp);
    // Without the fsync a crash soon after the rename can leave an empty file under the final
    // name, which for audit evidence is worse than no file.
    const handle = await open(temp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
