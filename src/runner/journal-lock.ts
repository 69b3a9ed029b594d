import { open, readFile, stat, unlink } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { ownProcessIdentity, pidExists, processLiveness, type ProcessIdentity } from './process-identity.ts';

/** A journal held by one recover: released when it is done with the journal. */
export interface JournalLock {
  release(): Promise<void>;
}

export type JournalLockResult =
  | { readonly acquired: JournalLock }
  /** Another recover still held it when the wait ran out. */
  | { readonly heldBy: string };

export interface LockJournalOptions {
  /** How long to wait for another recover to finish with the journal. @default 120_000 */
  readonly waitMs?: number;
  /** @default 100 */
  readonly pollMs?: number;
}

/**
 * A lock file whose holder died before writing itself into it is this old before it counts as
 * stale: between the exclusive create and the write there are microseconds, not seconds.
 */
const TORN_LOCK_MS = 5_000;

/**
 * Takes `<journal>.lock` with an exclusive create (O_EXCL), so two recovers never undo one journal
 * at once. A lock whose holder is gone (by pid, start time and command line) is stale and taken
 * over; one held by a live recover is waited for, since that recover is undoing the same faults
 * right now and the journal says afterwards what it did.
 */
export async function lockJournal(journalFile: string, options: LockJournalOptions = {}): Promise<JournalLockResult> {
  const lockFile = `${journalFile}.lock`;
  const deadline = Date.now() + (options.waitMs ?? 120_000);
  const pollMs = options.pollMs ?? 100;
  for (;;) {
    if (await tryCreate(lockFile)) return { acquired: { release: () => unlink(lockFile).catch(() => undefined) } };
    const holder = await readHolder(lockFile);
    if (holder === 'absent') continue;
    if (holder === 'stale') {
      await breakStaleLock(lockFile);
      continue;
    }
    if (Date.now() >= deadline) return { heldBy: holder };
    await delay(pollMs);
  }
}

async function tryCreate(lockFile: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(lockFile, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(JSON.stringify(ownProcessIdentity() ?? { pid: process.pid }));
    await handle.sync();
  } finally {
    await handle.close();
  }
  return true;
}

/** `absent` (released meanwhile), `stale` (its holder is gone), or who holds it. */
async function readHolder(lockFile: string): Promise<'absent' | 'stale' | string> {
  let text: string;
  let modified: number;
  try {
    [text, modified] = await Promise.all([readFile(lockFile, 'utf8'), stat(lockFile).then((info) => info.mtimeMs)]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'absent';
    throw error;
  }
  let holder: Partial<ProcessIdentity>;
  try {
    holder = JSON.parse(text) as Partial<ProcessIdentity>;
  } catch {
    return Date.now() - modified > TORN_LOCK_MS ? 'stale' : 'a recover that is just starting';
  }
  if (typeof holder.pid !== 'number') return Date.now() - modified > TORN_LOCK_MS ? 'stale' : 'a recover that is just starting';
  const alive =
    typeof holder.startTime === 'string' && typeof holder.cmdline === 'string'
      ? processLiveness(holder as ProcessIdentity) !== 'gone'
      : pidExists(holder.pid);
  return alive ? `recover pid ${holder.pid}` : 'stale';
}

/**
 * Removes a stale lock under a second exclusive lock, re-checking it first: two recovers that
 * both found it stale must not each delete a lock, or the second would delete the first's fresh one.
 */
async function breakStaleLock(lockFile: string): Promise<void> {
  const breaker = `${lockFile}.break`;
  if (!(await tryCreate(breaker))) {
    // Another recover is breaking it; a breaker left by one that died mid-way is itself stale.
    const age = await stat(breaker).then((info) => Date.now() - info.mtimeMs, () => 0);
    if (age > TORN_LOCK_MS) await unlink(breaker).catch(() => undefined);
    await delay(20);
    return;
  }
  try {
    if ((await readHolder(lockFile)) === 'stale') await unlink(lockFile).catch(() => undefined);
  } finally {
    await unlink(breaker).catch(() => undefined);
  }
}
