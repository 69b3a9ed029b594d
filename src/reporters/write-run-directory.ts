import { createWriteStream } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { Reporter } from '../config/drdrill-config.ts';
import { describeError } from '../util/describe-error.ts';
import type { EvidenceSignature, EvidenceSigner } from '../evidence/evidence-signer.ts';
import { MANIFEST_FILE, buildManifest } from '../evidence/manifest.ts';
import { attestBundle } from '../evidence/sign-bundle.ts';
import { ATTESTATION_FILE } from '../evidence/statement.ts';
import { createRedactor, redactDeep, type Redactor } from '../evidence/redact-secrets.ts';
import type { SampleStore } from '../load/sample-store.ts';
import type { RunRecord } from '../runner/run-record.ts';
import { writeAtomic } from './atomic-write.ts';
import { renderHtml } from './html.ts';
import { writeHistoryIndex } from './history-index.ts';
import { renderJunit } from './junit.ts';
import { renderMarkdownSummary } from './markdown-summary.ts';
import { runRecordSchema } from './run-record-schema.ts';
import { samplesCsv } from './samples-csv.ts';

/** File names inside a run directory. */
export const RUN_FILES = {
  record: 'run.json',
  junit: 'junit.xml',
  html: 'index.html',
  samples: 'samples.csv.gz',
  summary: 'summary.md',
  manifest: MANIFEST_FILE,
  attestation: ATTESTATION_FILE,
} as const;

/** Options for `writeRunDirectory`. */
export interface WriteRunDirectoryOptions {
  /**
   * Reports root whose index.html (the cross-run history) is rewritten after this run, e.g.
   * `reports` when runs go to `reports/<drill>/<run-id>`. Omitted: no history update.
   */
  readonly historyRoot?: string;
  /** Where secret values to redact are read from. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Values to redact whatever their variable is called (request credentials). @default [] */
  readonly secrets?: readonly string[];
  /** Signs the bundle's attestation. Absent: the bundle is written unsigned, for `unsignedReason`. */
  readonly signer?: EvidenceSigner;
  /** Why there is no signer, recorded in run.json and shown in the report. @default 'no signer was configured' */
  readonly unsignedReason?: string;
  /** Report files to write besides run.json, the manifest and the attestation (drdrill.config.ts `reporters`). @default all */
  readonly reporters?: readonly Reporter[];
}

/** The run-directory file each optional reporter writes. */
const REPORTER_FILES: Readonly<Record<Reporter, string>> = {
  html: RUN_FILES.html,
  junit: RUN_FILES.junit,
  markdown: RUN_FILES.summary,
  samples: RUN_FILES.samples,
};

/** Whether a file of the bundle is written: evidence always, a report file when its reporter is chosen. */
function reporterFilter(reporters: readonly Reporter[] | undefined): (file: string) => boolean {
  const skipped = new Set(Object.entries(REPORTER_FILES).flatMap(([reporter, file]) => (reporters?.includes(reporter as Reporter) ?? true ? [] : [file])));
  return (file) => !skipped.has(file);
}

/** What `writeRunDirectory` wrote. */
export interface WrittenRunDirectory {
  /** Absolute paths, manifest and attestation last. */
  readonly files: string[];
  /** Who signed, or why the bundle is unsigned (a signer that failed does not fail the write). */
  readonly signature: EvidenceSignature;
}

/** Thrown when one or more files of a run directory could not be written; the others were still attempted. */
export class RunDirectoryWriteError extends Error {
  override readonly name = 'RunDirectoryWriteError';
  constructor(
    readonly dir: string,
    readonly failures: readonly { readonly file: string; readonly error: unknown }[],
  ) {
    super(
      `could not write ${failures.map((failure) => failure.file).join(', ')} in ${dir}: ` +
        failures.map((failure) => `${failure.file}: ${failure.error instanceof Error ? failure.error.message : String(failure.error)}`).join('; '),
      { cause: failures[0]?.error },
    );
  }
}

/** Thrown by `readRunRecord` when run.json is missing, not JSON, or not a run record. */
export class RunRecordReadError extends Error {
  override readonly name = 'RunRecordReadError';
  constructor(
    readonly path: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * Writes a finished run's directory, the evidence bundle: run.json (pretty JSON), junit.xml,
 * index.html, summary.md and samples.csv.gz, each atomically (temporary file, fsync, rename),
 * then manifest.sha256 over every file in the directory, then the signed in-toto attestation
 * over all of them, then (with `historyRoot`) the cross-run history page.
 *
 * The signer's key is looked up first, so the report names who signs. A signer that fails, then
 * or when signing, costs the bundle only its signature: the reports are (re)written saying the
 * run is unsigned and why, and the result says so for the caller to say loudly. The directory is created when missing. Each file is attempted even
 * if another fails, because a renderer bug must not cost the run its evidence; any failure is
 * then reported as one `RunDirectoryWriteError`.
 *
 * Secrets never reach disk: the record is redacted (secret environment values, secret-named
 * keys, credential-shaped strings) before anything is rendered, and every text is redacted
 * again on the way out.
 *
 * @returns absolute paths of the files written, in the order above, and the signature status
 * @example const { files } = await writeRunDirectory(`reports/${drill}/${runId}`, record, samples, { historyRoot: 'reports' })
 */
export async function writeRunDirectory(
  dir: string,
  record: RunRecord,
  samples: SampleStore,
  options: WriteRunDirectoryOptions = {},
): Promise<WrittenRunDirectory> {
  const root = resolve(dir);
  await mkdir(root, { recursive: true });
  const redact = createRedactor(options.env ?? process.env, options.secrets);
  const { signer } = options;
  const intended = signer === undefined ? unsigned(options.unsignedReason ?? 'no signer was configured') : await intendedSignature(signer);
  const failures: WriteFailure[] = [];
  const keep = reporterFilter(options.reporters);
  const files = await writeBundle(root, redactDeep(withSignature(record, intended), redact), samples, redact, failures, keep);
  const signature = signer === undefined || intended.status !== 'signed' ? intended : await signOrDisown(root, record, redact, signer, intended, failures, keep);
  if (signature.status === 'signed') files.push(join(root, RUN_FILES.attestation));
  if (options.historyRoot !== undefined) {
    try {
      await writeHistoryIndex(options.historyRoot, redact);
    } catch (error) {
      failures.push({ file: join(resolve(options.historyRoot), 'index.html'), error });
    }
  }
  if (failures.length > 0) throw new RunDirectoryWriteError(root, failures);
  return { files, signature };
}

type WriteFailure = { readonly file: string; readonly error: unknown };

/**
 * Renders and writes every file of the (already redacted) record, each attempted even when
 * another fails, then seals the manifest over what is there. Failures land in `failures`.
 */
async function writeBundle(
  root: string,
  safe: RunRecord,
  samples: SampleStore,
  redact: Redactor,
  failures: WriteFailure[],
  keep: (file: string) => boolean,
): Promise<string[]> {
  const all: [string, (temp: string) => Promise<void>][] = [
    ...renderedFiles(safe, redact),
    [RUN_FILES.samples, (temp) => pipeline(Readable.from(redactChunks(samplesCsv(samples), redact)), createGzip(), createWriteStream(temp))],
  ];
  const writers = all.filter(([file]) => keep(file));
  const results = await Promise.allSettled(writers.map(([file, write]) => writeAtomic(join(root, file), write)));
  results.forEach((result, index) => {
    if (result.status === 'rejected') failures.push({ file: writers[index]?.[0] ?? '?', error: result.reason as unknown });
  });
  const files = writers.map(([file]) => join(root, file));
  // Sealed even when a file failed: the manifest then vouches for exactly what is there.
  try {
    await sealRunDirectory(root);
    files.push(join(root, RUN_FILES.manifest));
  } catch (error) {
    failures.push({ file: RUN_FILES.manifest, error });
  }
  return files;
}

/**
 * Signs the sealed bundle. When the signer fails now, the reports already name its key, so
 * they are rendered again saying nobody signed, and the manifest resealed over them.
 */
async function signOrDisown(
  root: string,
  record: RunRecord,
  redact: Redactor,
  signer: EvidenceSigner,
  intended: EvidenceSignature & { readonly status: 'signed' },
  failures: WriteFailure[],
  keep: (file: string) => boolean,
): Promise<EvidenceSignature> {
  try {
    await attestBundle(root, redactDeep(withSignature(record, intended), redact), signer, intended);
    return intended;
  } catch (error) {
    const signature = unsigned(`${signer.label} could not sign: ${describeError(error)}`);
    for (const [file, write] of renderedFiles(redactDeep(withSignature(record, signature), redact), redact).filter(([name]) => keep(name))) {
      await writeAtomic(join(root, file), write).catch((reason: unknown) => failures.push({ file, error: reason }));
    }
    await sealRunDirectory(root).catch((reason: unknown) => failures.push({ file: RUN_FILES.manifest, error: reason }));
    return signature;
  }
}

/** Who will sign, asked before anything is rendered; a signer that cannot say makes the run unsigned. */
async function intendedSignature(signer: EvidenceSigner): Promise<EvidenceSignature> {
  try {
    return { status: 'signed', ...(await signer.identify()) };
  } catch (error) {
    return unsigned(`${signer.label} cannot sign: ${describeError(error)}`);
  }
}

function unsigned(reason: string): EvidenceSignature {
  return { status: 'unsigned', reason };
}

/** The record with who signs it, or why nobody does. */
export function withSignature(record: RunRecord, signature: EvidenceSignature): RunRecord {
  return { ...record, evidence: { ...record.evidence, signature } };
}

/** The files rendered from run.json alone (what `drdrill report` re-renders), as atomic writers. */
export function renderedFiles(record: RunRecord, redact: Redactor): [string, (temp: string) => Promise<void>][] {
  return renderedTexts(record, redact).map(([file, render]) => [file, (temp: string) => writeFile(temp, render(), 'utf8')]);
}

/** The same files as redacted text, rendered when called, so a caller can hash before writing. */
export function renderedTexts(record: RunRecord, redact: Redactor): [string, () => string][] {
  const text = (render: () => string) => () => redact(render());
  return [
    [RUN_FILES.record, text(() => `${JSON.stringify(record, null, 2)}\n`)],
    [RUN_FILES.junit, text(() => renderJunit([record], record.hostname === undefined ? {} : { hostname: record.hostname }))],
    [RUN_FILES.html, text(() => renderHtml(record))],
    [RUN_FILES.summary, text(() => renderMarkdownSummary(record))],
  ];
}

/** Writes manifest.sha256 over every other file in `dir`, atomically. */
export async function sealRunDirectory(dir: string): Promise<void> {
  const root = resolve(dir);
  const manifest = await buildManifest(root);
  await writeAtomic(join(root, RUN_FILES.manifest), (temp) => writeFile(temp, manifest, 'utf8'));
}

function* redactChunks(chunks: Iterable<string>, redact: Redactor): Generator<string> {
  for (const chunk of chunks) yield redact(chunk);
}

/**
 * Reads and validates run.json from a run directory, for re-rendering (`drdrill report`) or
 * verification. The error says which of missing / not JSON / wrong shape it was, with the
 * path of the first bad field.
 */
export async function readRunRecord(dir: string): Promise<RunRecord> {
  const path = join(resolve(dir), RUN_FILES.record);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'it does not exist' : `it could not be read (${code ?? String(error)})`;
    throw new RunRecordReadError(path, `cannot read run record ${path}: ${why}; expected the directory of a finished drill run`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new RunRecordReadError(path, `run record ${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  const version = typeof json === 'object' && json !== null ? (json as { schemaVersion?: unknown }).schemaVersion : undefined;
  if (version !== 1) {
    throw new RunRecordReadError(path, `run record ${path} has schemaVersion ${JSON.stringify(version)}; expected 1`);
  }
  const parsed = runRecordSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 5)
      .map((issue) => `${fieldPath(issue.path) || '(root)'}: ${issue.message}`)
      .join('; ');
    throw new RunRecordReadError(path, `run record ${path} is not a valid drdrill run record: ${issues}`, { cause: parsed.error });
  }
  return parsed.data;
}

/** `['verdicts', 1, 'status']` → `verdicts[1].status`, the way the drill loader names fields. */
function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out === '' ? String(key) : `${out}.${String(key)}`), '');
}
