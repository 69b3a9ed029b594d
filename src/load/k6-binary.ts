import { execFile } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

/** Oldest k6 that runs TypeScript scripts natively. */
export const MIN_K6_VERSION = '0.57.0';

/** k6 is not installed (or K6_BIN points at nothing runnable). */
export class K6NotFoundError extends Error {
  override readonly name = 'K6NotFoundError';
}

/** The k6 found is too old, or its version could not be read. */
export class K6VersionError extends Error {
  override readonly name = 'K6VersionError';
  readonly version: string | undefined;

  constructor(message: string, version?: string) {
    super(message);
    this.version = version;
  }
}

/** A usable k6. */
export interface K6Binary {
  /** Absolute path of the executable. */
  readonly path: string;
  /** `0.57.0`, `1.0.0`, … */
  readonly version: string;
  /** Whole first line of `k6 version`, for the run's notes. */
  readonly banner: string;
}

export interface FindK6Options {
  /** Environment to read K6_BIN and PATH from; default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** Budget for `k6 version` (ms); default 10 s. */
  readonly timeoutMs?: number;
}

/**
 * Finds k6: `K6_BIN` when set (which then must work: no silent fallback to PATH), else the first
 * `k6` on PATH. Runs `k6 version` and checks it is at least v0.57 (native TypeScript).
 *
 * @throws K6NotFoundError when there is no k6, K6VersionError when it is too old or unreadable.
 */
export async function findK6(options: FindK6Options = {}): Promise<K6Binary> {
  const env = options.env ?? process.env;
  const path = locateK6(env);
  const output = await runVersion(path, env, options.timeoutMs ?? 10_000);
  const banner = output.split('\n').find((line) => line.trim() !== '')?.trim() ?? '';
  const version = /\bv?(\d+\.\d+\.\d+)\b/.exec(banner)?.[1];
  if (version === undefined) {
    throw new K6VersionError(`could not read a version from "${path} version": ${JSON.stringify(banner)}; expected like "k6 v0.57.0 (…)"`);
  }
  if (compareVersions(version, MIN_K6_VERSION) < 0) {
    throw new K6VersionError(
      `k6 at ${path} is v${version}; drdrill's k6 scripts are TypeScript, which k6 runs natively from v${MIN_K6_VERSION}: upgrade k6 or use --load builtin`,
      version,
    );
  }
  return { path, version, banner };
}

/** Path of the k6 executable from K6_BIN or PATH, without running it. */
export function locateK6(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.K6_BIN;
  if (fromEnv !== undefined && fromEnv !== '') {
    const path = isAbsolute(fromEnv) ? fromEnv : resolve(fromEnv);
    if (!isExecutable(path)) throw new K6NotFoundError(`K6_BIN is ${JSON.stringify(fromEnv)}, which is not an executable file`);
    return path;
  }
  const names = process.platform === 'win32' ? ['k6.exe', 'k6.cmd', 'k6'] : ['k6'];
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    for (const name of names) {
      const path = join(dir, name);
      if (isExecutable(path)) return path;
    }
  }
  throw new K6NotFoundError('k6 is not on PATH and K6_BIN is not set: install k6 (https://grafana.com/docs/k6/latest/set-up/install-k6/) or use --load builtin');
}

/** -1, 0 or 1 comparing dotted numeric versions. */
export function compareVersions(a: string, b: string): number {
  const left = a.split('.').map(Number);
  const right = b.split('.').map(Number);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const diff = (left[i] ?? 0) - (right[i] ?? 0);
    if (diff !== 0) return Math.sign(diff);
  }
  return 0;
}

function isExecutable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function runVersion(path: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(path, ['version'], { env, timeout: timeoutMs, maxBuffer: 64 * 1024 }, (error, stdout, stderr) => {
      if (error !== null) {
        reject(new K6VersionError(`"${path} version" failed: ${error.message.trim()}${stderr.trim() === '' ? '' : ` (${stderr.trim().slice(0, 300)})`}`));
        return;
      }
      resolvePromise(`${stdout}`);
    });
  });
}
