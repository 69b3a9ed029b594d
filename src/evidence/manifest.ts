import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ATTESTATION_FILE } from './statement.ts';

/** The manifest's file name inside a run directory; it covers every other file there. */
export const MANIFEST_FILE = 'manifest.sha256';

/** Thrown when a manifest cannot be written or read as a manifest at all (not for tampering). */
export class ManifestError extends Error {
  override readonly name = 'ManifestError';
}

/**
 * What `verifyManifest` found; `intact` only when all three lists are empty. `changed`: listed
 * files whose content no longer matches; `added`: files present but not listed; `removed`:
 * listed files that are gone.
 */
export interface ManifestCheck extends FileComparison {
  /** How many files the manifest lists. */
  readonly listed: number;
}

/** SHA-256 of a file as lowercase hex, streamed so a large samples file is never held in memory. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/**
 * Every regular file under `dir` (recursively) except the manifest and the attestation, as
 * `/`-separated paths relative to `dir`, sorted by code unit so the manifest is byte-for-byte
 * reproducible. The attestation is left out because it is written last and vouches for the
 * manifest, not the other way round.
 */
export async function listBundleFiles(dir: string, except: readonly string[] = [MANIFEST_FILE, ATTESTATION_FILE]): Promise<string[]> {
  const root = resolve(dir);
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    const full = join(entry.parentPath, entry.name);
    const rel = relative(root, full).split(sep).join('/');
    if (except.includes(rel)) continue;
    // A symlink or special file is "added" content too: list it so verification can flag it.
    if (entry.isDirectory()) continue;
    files.push(rel);
  }
  return files.sort();
}

/**
 * The manifest text for `dir`: one `<sha256>  <path>` line per file in `sha256sum` format, so
 * an auditor can also check a bundle with `sha256sum -c manifest.sha256` and no drdrill at all.
 */
export async function buildManifest(dir: string): Promise<string> {
  const root = resolve(dir);
  return manifestText(await hashBundleFiles(root, await listBundleFiles(root)));
}

/**
 * SHA-256 of each of `files` under `dir`, in order.
 *
 * @throws ManifestError for a name a manifest line cannot hold or a file that is not a regular file.
 */
export async function hashBundleFiles(dir: string, files: readonly string[]): Promise<[string, string][]> {
  const root = resolve(dir);
  const hashes: [string, string][] = [];
  for (const file of files) {
    if (/[\r\n\\]/.test(file)) {
      throw new ManifestError(`cannot list "${JSON.stringify(file)}" in ${MANIFEST_FILE}: file names with newlines or backslashes are not supported`);
    }
    const info = await stat(join(root, file));
    if (!info.isFile()) throw new ManifestError(`cannot hash ${file} in ${root}: expected a regular file`);
    hashes.push([file, await sha256File(join(root, file))]);
  }
  return hashes;
}

/** `sha256sum` text for (file, hash) pairs, in the order given. */
export function manifestText(hashes: readonly (readonly [string, string])[]): string {
  return hashes.map(([file, hash]) => `${hash}  ${file}\n`).join('');
}

/** Parses `sha256sum` text into path → hash; names the first malformed line. */
export function parseManifest(text: string, source = MANIFEST_FILE): Map<string, string> {
  const entries = new Map<string, string>();
  text.split('\n').forEach((line, index) => {
    if (line === '') return;
    const match = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    if (match === null) {
      throw new ManifestError(`${source} line ${index + 1} is not "<64 hex digits>  <file>": ${JSON.stringify(line.slice(0, 120))}`);
    }
    const [, hash = '', file = ''] = match;
    if (entries.has(file)) throw new ManifestError(`${source} line ${index + 1} lists ${file} a second time`);
    entries.set(file, hash);
  });
  return entries;
}

/**
 * Checks every file of a run directory against its manifest: content changed, files added,
 * files removed. Tampering is a result, not an exception; only a missing or malformed
 * manifest throws `ManifestError`.
 */
export async function verifyManifest(dir: string): Promise<ManifestCheck> {
  const root = resolve(dir);
  const manifestPath = join(root, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(manifestPath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ManifestError(
      code === 'ENOENT'
        ? `${manifestPath} does not exist; expected the run directory of a drill run (it holds ${MANIFEST_FILE})`
        : `cannot read ${manifestPath}: ${code ?? String(error)}`,
      { cause: error },
    );
  }
  const expected = parseManifest(text, manifestPath);
  return { ...(await compareBundleFiles(root, expected, await listBundleFiles(root))), listed: expected.size };
}

/** What a directory holds next to what a signed or sealed list says it should. */
export interface FileComparison {
  readonly intact: boolean;
  readonly changed: readonly string[];
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

/**
 * Compares the files `present` in `dir` with `expected` (path → SHA-256 hex): changed content,
 * files added, files removed, each list sorted.
 */
export async function compareBundleFiles(dir: string, expected: ReadonlyMap<string, string>, present: readonly string[]): Promise<FileComparison> {
  const root = resolve(dir);
  const here = new Set(present);
  const changed: string[] = [];
  const removed: string[] = [];
  for (const [file, hash] of expected) {
    if (!here.has(file)) {
      removed.push(file);
      continue;
    }
    const info = await stat(join(root, file));
    if (!info.isFile() || (await sha256File(join(root, file))) !== hash) changed.push(file);
  }
  const added = [...here].filter((file) => !expected.has(file)).sort();
  return { intact: changed.length + added.length + removed.length === 0, changed: changed.sort(), added, removed: removed.sort() };
}
