import { mkdir, stat } from 'node:fs/promises';
import { InvalidInputError } from '../drill/invalid-input-error.ts';

const RECOVER_HINT = 'run recover where the drill ran, or point --state-dir (or DRDRILL_STATE_DIR) at the folder it wrote';
const RUN_HINT = 'expected a folder for the run journals (--state-dir, or DRDRILL_STATE_DIR)';

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
 * A run's state folder, created if missing, checked before anything is touched: a journal that
 * cannot be written only shows up once the first fault is about to go in.
 *
 * @throws InvalidInputError naming `--state-dir`.
 */
export async function prepareStateDir(stateDir: string): Promise<void> {
  const exists = await stat(stateDir).then(
    () => true,
    () => false,
  );
  if (exists) return requireStateDir(stateDir, RUN_HINT);
  try {
    await mkdir(stateDir, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InvalidInputError('--state-dir', [`--state-dir: cannot create ${stateDir} (${code ?? String(error)}); ${RUN_HINT}`]);
  }
  await requireStateDir(stateDir, RUN_HINT);
}
