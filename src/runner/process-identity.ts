import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * A process told apart from any later one that gets its pid: the pid alone is reused within
 * minutes on a busy CI runner, so a journal records when its process started and what it ran.
 */
export interface ProcessIdentity {
  readonly pid: number;
  /** Linux: clock ticks since boot (/proc/<pid>/stat field 22); elsewhere `ps -o lstart`. */
  readonly startTime: string;
  /** The command line, arguments joined by spaces. */
  readonly cmdline: string;
  /** Linux boot id: start times count from boot, so they only compare within one boot. */
  readonly bootId?: string;
}

/** What is known now about the process a journal names. */
export type ProcessLiveness = 'alive' | 'gone' | 'unknown';

/** This process, as a journal records it. */
export function ownProcessIdentity(): ProcessIdentity | undefined {
  return readProcessIdentity(process.pid);
}

/** The identity of the process now holding `pid`, or undefined when there is none (or it cannot be read). */
export function readProcessIdentity(pid: number): ProcessIdentity | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  if (process.platform === 'linux') return readFromProc(pid);
  return readFromPs(pid);
}

/**
 * Whether the process a journal recorded still runs: the same pid with the same start time and
 * command line. A pid now held by another process is `gone` (the recorded one ended); a pid
 * whose holder cannot be read at all (another user's process under hidepid) is `unknown`.
 */
export function processLiveness(recorded: ProcessIdentity): ProcessLiveness {
  if (!pidExists(recorded.pid)) return 'gone';
  const current = readProcessIdentity(recorded.pid);
  if (current === undefined) return 'unknown';
  const same =
    current.startTime === recorded.startTime &&
    current.cmdline === recorded.cmdline &&
    (recorded.bootId === undefined || current.bootId === undefined || current.bootId === recorded.bootId);
  return same ? 'alive' : 'gone';
}

/** A bare pid check, for journals written before identities were recorded. */
export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readFromProc(pid: number): ProcessIdentity | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may itself hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const startTime = fields[19];
    if (startTime === undefined) return undefined;
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((part) => part !== '').join(' ');
    const bootId = readBootId();
    return { pid, startTime, cmdline, ...(bootId === undefined ? {} : { bootId }) };
  } catch {
    return undefined;
  }
}

function readBootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return undefined;
  }
}

function readFromPs(pid: number): ProcessIdentity | undefined {
  try {
    const startTime = execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8', timeout: 5000 }).trim();
    const cmdline = execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8', timeout: 5000 }).trim();
    return startTime === '' ? undefined : { pid, startTime, cmdline };
  } catch {
    return undefined;
  }
}
