import { stat } from 'node:fs/promises';
import path from 'node:path';
import { InvalidInputError } from '../drill/invalid-input-error.ts';

const RECOVER_HINT = 'run recover where the drill ran, or point --state-dir (or DRDRILL_STATE_DIR) at the folder it wrote';

/**
 * The state folder recover reads must exist and be a folder: pointed at the wrong place, recover
 * would otherwise find no journal and report a clean slate while a fault is still in.
 *
 * @throws InvalidInputError naming `--state-dir`.
 */
export async function requireStateDir(stateDir: string, hint = RECOVER_HINT): Promise<void> {
  let info;
  try {
    info = await stat(stateDir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InvalidInputError('--state-dir', [
      code === 'ENOENT' ? `--state-dir: ${stateDir} does not exist; ${hint}` : `--state-dir: cannot read ${stateDir} (${code ?? String(error)})`,
    ]);
  }
  if (!info.isDirectory()) throw new InvalidInputError('--state-dir', [`--state-dir: ${stateDir} is a file, not a folder; ${hint}`]);
}

/**
 * A folder a run writes to (`--state-dir`, `--out`), checked before anything is touched: a journal
 * or report that cannot be written would otherwise only show up once the first fault is in, or
 * after the drill ran. Nothing is created here: a run refused later (bad credentials, a missing
 * target) leaves the disk as it found it; the folder is made when the first file goes in.
 *
 * @throws InvalidInputError naming the flag.
 */
export async function checkRunFolder(flag: string, dir: string, purpose: string): Promise<void> {
  const hint = `expected a folder for ${purpose} (${flag})`;
  const info = await stat(dir).catch(() => undefined);
  if (info !== undefined) {
    if (!info.isDirectory()) throw new InvalidInputError(flag, [`${flag}: ${dir} is a file, not a folder; ${hint}`]);
    return;
  }
  // Missing: the nearest existing ancestor must be a folder for mkdir -p to succeed later.
  let ancestor = path.dirname(path.resolve(dir));
  for (;;) {
    const found = await stat(ancestor).catch(() => undefined);
    if (found !== undefined) {
      if (!found.isDirectory()) throw new InvalidInputError(flag, [`${flag}: cannot create ${dir}: ${ancestor} is a file, not a folder; ${hint}`]);
      return;
    }
    const parent = path.dirname(ancestor);
    if (parent === ancestor) return;
    ancestor = parent;
  }
}
