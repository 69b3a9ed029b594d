import { mkdir, open, readdir, readFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Environment } from '../drill/environment.ts';
import { InvalidInputError } from '../drill/invalid-input-error.ts';
import { describeError } from '../util/describe-error.ts';
import { requireStateDir } from './run-folders.ts';
import type { FaultHandle } from '../injectors/injector.ts';
import type { ArmedRevert } from './dead-mans-switch.ts';
import { ownProcessIdentity, type ProcessIdentity } from './process-identity.ts';

/** Where journals live unless `DRDRILL_STATE_DIR` says otherwise: per working copy, git-ignored. */
export function defaultStateDir(): string {
  return process.env['DRDRILL_STATE_DIR'] ?? path.resolve('.drdrill');
}

export function journalDir(stateDir: string): string {
  return path.join(stateDir, 'journal');
}

export type JournalEntry =
  | {
      readonly type: 'run';
      readonly runId: string;
      readonly pid: number;
      /** The run's process beyond its pid (start time, command line), so a reused pid is told apart. */
      readonly process?: ProcessIdentity;
      /**
       * The process a sandbox run's control plane lived in. The sandbox keeps its state in memory,
       * so once that process is gone the fault is gone with it, and recover may say so.
       */
      readonly sandboxProcess?: ProcessIdentity;
      readonly at: number;
      readonly drill: string;
      readonly file: string;
      /** Enough to rebuild SDK clients after a crash. Holds no credentials: only a profile name. */
      readonly environment: Environment;
      readonly defaultService: string;
    }
  | {
      /** Written (and fsynced) before the mutating call: the prior state needed to undo it. */
      readonly type: 'intent';
      readonly seq: number;
      readonly at: number;
      readonly injector: string;
      readonly target: string;
      readonly handle: FaultHandle;
    }
  | {
      /** The mutating call returned; `handle` is the final one when the call itself produced ids. */
      readonly type: 'applied';
      readonly seq: number;
      readonly at: number;
      readonly requestIds: readonly string[];
      readonly handle?: FaultHandle;
    }
  | {
      /** The dead-man's switch for a fault is armed: these executions revert it if nobody else does. */
      readonly type: 'armed';
      readonly seq: number;
      readonly at: number;
      readonly executions: readonly ArmedRevert[];
    }
  | { readonly type: 'disarmed'; readonly seq: number; readonly at: number }
  | {
      /** Locks taken on the run's targets (SSM parameters), released on close or by recover. */
      readonly type: 'locked';
      readonly at: number;
      readonly region: string;
      readonly names: readonly string[];
    }
  | { readonly type: 'unlocked'; readonly at: number }
  | { readonly type: 'rolled-back'; readonly seq: number; readonly at: number; readonly requestIds: readonly string[] }
  | { readonly type: 'rollback-failed'; readonly seq: number; readonly at: number; readonly error: string }
  | { readonly type: 'closed'; readonly at: number; readonly outcome: string };

type RunEntry = Extract<JournalEntry, { type: 'run' }>;
type IntentEntry = Extract<JournalEntry, { type: 'intent' }>;

/**
 * A write-ahead journal for one run: one JSON line per entry, each fsynced before the call it
 * announces, so that `drdrill recover` can undo whatever a killed run left behind.
 */
export class Journal {
  readonly file: string;
  readonly #handle: FileHandle;
  #nextSeq = 1;

  private constructor(file: string, handle: FileHandle) {
    this.file = file;
    this.#handle = handle;
  }

  static async create(stateDir: string, header: Omit<RunEntry, 'type' | 'at' | 'pid' | 'process'>): Promise<Journal> {
    const dir = journalDir(stateDir);
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, `${header.runId}.ndjson`);
    // 'wx': a run id is never reused; a collision must not append to someone else's journal.
    const handle = await open(file, 'wx');
    const journal = new Journal(file, handle);
    const identity = ownProcessIdentity();
    await journal.#append({ type: 'run', at: Date.now(), pid: process.pid, ...(identity === undefined ? {} : { process: identity }), ...header });
    return journal;
  }

  /** Opens an existing journal to append to it (recover records what it undid, fsynced as ever). */
  static async reopen(file: string): Promise<Journal> {
    return new Journal(file, await open(file, 'a'));
  }

  /** Records the prior state of a fault about to be injected; returns its sequence number. */
  async intent(injector: string, target: string, handle: FaultHandle): Promise<number> {
    const seq = this.#nextSeq++;
    await this.#append({ type: 'intent', seq, at: Date.now(), injector, target, handle });
    return seq;
  }

  async applied(seq: number, requestIds: readonly string[], handle?: FaultHandle): Promise<void> {
    await this.#append({ type: 'applied', seq, at: Date.now(), requestIds, ...(handle === undefined ? {} : { handle }) });
  }

  async armed(seq: number, executions: readonly ArmedRevert[]): Promise<void> {
    await this.#append({ type: 'armed', seq, at: Date.now(), executions });
  }

  async disarmed(seq: number): Promise<void> {
    await this.#append({ type: 'disarmed', seq, at: Date.now() });
  }

  async locked(region: string, names: readonly string[]): Promise<void> {
    await this.#append({ type: 'locked', at: Date.now(), region, names });
  }

  async unlocked(): Promise<void> {
    await this.#append({ type: 'unlocked', at: Date.now() });
  }

  async rolledBack(seq: number, requestIds: readonly string[]): Promise<void> {
    await this.#append({ type: 'rolled-back', seq, at: Date.now(), requestIds });
  }

  async rollbackFailed(seq: number, error: string): Promise<void> {
    await this.#append({ type: 'rollback-failed', seq, at: Date.now(), error });
  }

  /** Marks the run finished with nothing left to undo; `recover` then skips it. */
  async close(outcome: string): Promise<void> {
    await this.#append({ type: 'closed', at: Date.now(), outcome });
    await this.#handle.close();
  }

  /** Closes the file without marking the run finished (faults remain for `recover`). */
  async abandon(): Promise<void> {
    await this.#handle.close();
  }

  async #append(entry: JournalEntry): Promise<void> {
    await this.#handle.write(`${JSON.stringify(entry)}\n`);
    await this.#handle.sync();
  }
}

/** A journal as found on disk, with what it still owes. */
export interface JournalState {
  readonly file: string;
  readonly run: RunEntry;
  readonly closed: boolean;
  /** Intents not yet rolled back, newest first: the order to undo them in. */
  readonly pending: readonly IntentEntry[];
  /** Dead-man's-switch executions still armed, with the fault (seq) each belongs to. */
  readonly armed: readonly (ArmedRevert & { readonly seq: number })[];
  /** Target locks taken and not yet released. */
  readonly locks?: { readonly region: string; readonly names: readonly string[] };
}

/**
 * Reads a journal. A torn last line (the process died mid-write) is ignored: its fsync never
 * completed, so the mutating call it announced was never made.
 */
export async function readJournal(file: string): Promise<JournalState> {
  const lines = (await readFile(file, 'utf8')).split('\n');
  const entries: JournalEntry[] = [];
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    try {
      entries.push(JSON.parse(line) as JournalEntry);
    } catch (error) {
      if (index >= lines.length - 2) break;
      throw new Error(`journal ${file} line ${index + 1} is corrupt`, { cause: error });
    }
  }
  const run = entries.find((entry): entry is RunEntry => entry.type === 'run');
  if (run === undefined) throw new Error(`journal ${file} has no run header`);
  const undone = new Set(entries.flatMap((entry) => (entry.type === 'rolled-back' ? [entry.seq] : [])));
  const finalHandles = new Map(
    entries.flatMap((entry) => (entry.type === 'applied' && entry.handle !== undefined ? [[entry.seq, entry.handle] as const] : [])),
  );
  const pending = entries
    .filter((entry): entry is IntentEntry => entry.type === 'intent' && !undone.has(entry.seq))
    .map((intent) => ({ ...intent, handle: finalHandles.get(intent.seq) ?? intent.handle }))
    .reverse();
  const disarmed = new Set(entries.flatMap((entry) => (entry.type === 'disarmed' ? [entry.seq] : [])));
  const armed = entries.flatMap((entry) =>
    entry.type === 'armed' && !disarmed.has(entry.seq) ? entry.executions.map((execution) => ({ ...execution, seq: entry.seq })) : [],
  );
  const lastLock = entries.findLast((entry) => entry.type === 'locked' || entry.type === 'unlocked');
  return {
    file,
    run,
    closed: entries.some((entry) => entry.type === 'closed'),
    pending,
    armed,
    ...(lastLock?.type === 'locked' ? { locks: { region: lastLock.region, names: lastLock.names } } : {}),
  };
}

/**
 * The journal files under a state directory, oldest run first. The directory must exist and be
 * a folder: recover pointed at the wrong place must say so, not report "nothing to recover".
 *
 * @throws InvalidInputError naming `--state-dir` when it is missing or not a folder.
 */
export async function listJournals(stateDir: string): Promise<string[]> {
  await requireStateDir(stateDir);
  const dir = journalDir(stateDir);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    // A state folder in which no run got as far as its journal.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new InvalidInputError('--state-dir', [`--state-dir: cannot read ${dir}: ${describeError(error)}`]);
  }
  return names.filter((name) => name.endsWith('.ndjson')).sort().map((name) => path.join(dir, name));
}

/** Every journal under the state directory whose run did not close (tests and tools; recover reads them one by one). */
export async function openJournals(stateDir: string): Promise<JournalState[]> {
  const states = await Promise.all((await listJournals(stateDir)).map((file) => readJournal(file)));
  return states.filter((state) => !state.closed);
}
