import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Dev tools a consumer installs next to drdrill to typecheck its drills. */
const CONSUMER_DEV_DEPENDENCIES = ['typescript', '@types/node'] as const;

interface LockEntry {
  readonly version?: string;
  readonly resolved?: string;
  readonly integrity?: string;
  readonly dev?: boolean;
  readonly dependencies?: Record<string, string>;
  readonly [field: string]: unknown;
}

interface Lockfile {
  readonly lockfileVersion: number;
  readonly packages: Record<string, LockEntry>;
}

/**
 * Installs a packed drdrill tarball into a fresh project with `npm ci --offline`, so the test needs
 * no network: npm's cache holds every tarball this repository's `npm ci` fetched, but not the
 * registry metadata a range would need, so the consumer gets a lockfile pinning the versions this
 * repository's lockfile resolved (drdrill's runtime closure plus TypeScript and Node's types).
 */
export async function installConsumer(dir: string, tarball: string, moduleType: 'module' | undefined): Promise<void> {
  const repoLock = JSON.parse(await readFile('package-lock.json', 'utf8')) as Lockfile;
  // The root entry of this repository's lockfile describes drdrill itself (version, bin, dependencies).
  const { devDependencies: _ownDevDependencies, ...own } = repoLock.packages[''] ?? {};
  const pinned = (name: string): string => {
    const version = repoLock.packages[`node_modules/${name}`]?.version;
    if (version === undefined) throw new Error(`package-lock.json has no ${name}`);
    return version;
  };
  const devDependencies = Object.fromEntries(CONSUMER_DEV_DEPENDENCIES.map((name) => [name, pinned(name)]));
  const tarballSpec = `file:${path.relative(dir, tarball)}`;
  const manifest = {
    name: `drdrill-consumer-${moduleType ?? 'commonjs'}`,
    version: '1.0.0',
    private: true,
    ...(moduleType === undefined ? {} : { type: moduleType }),
    devDependencies: { drdrill: tarballSpec, ...devDependencies },
  };
  const keep = (key: string, entry: LockEntry): boolean =>
    key !== '' && (entry.dev !== true || CONSUMER_DEV_DEPENDENCIES.some((name) => key === `node_modules/${name}` || isDependencyOf(repoLock, name, key)));
  const packages: Record<string, LockEntry> = {
    '': { name: manifest.name, version: manifest.version, devDependencies: manifest.devDependencies },
    'node_modules/drdrill': { ...own, resolved: tarballSpec, dev: true },
  };
  for (const [key, entry] of Object.entries(repoLock.packages)) {
    if (keep(key, entry)) packages[key] = { ...entry, dev: true };
  }
  await writeFile(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await writeFile(path.join(dir, 'package-lock.json'), `${JSON.stringify({ name: manifest.name, version: manifest.version, lockfileVersion: 3, requires: true, packages }, null, 2)}\n`);
  await run('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, timeout: 120_000 });
}

/** Whether `key` (a lockfile path) is in the dependency closure of the top-level package `name`. */
function isDependencyOf(lock: Lockfile, name: string, key: string): boolean {
  const seen = new Set<string>();
  const pending = [`node_modules/${name}`];
  while (pending.length > 0) {
    const current = pending.pop() ?? '';
    if (current === key) return true;
    if (seen.has(current)) continue;
    seen.add(current);
    for (const dependency of Object.keys(lock.packages[current]?.dependencies ?? {})) pending.push(resolveFrom(lock, current, dependency));
  }
  return false;
}

/** Node's lookup: the nearest node_modules/<name> walking up from `from`. */
function resolveFrom(lock: Lockfile, from: string, name: string): string {
  let base = from;
  for (;;) {
    const candidate = `${base === '' ? '' : `${base}/`}node_modules/${name}`;
    if (candidate in lock.packages) return candidate;
    if (base === '') return candidate;
    const at = base.lastIndexOf('/node_modules/');
    base = at === -1 ? '' : base.slice(0, at);
  }
}
