import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { evaluateAssertions } from '../assertions/assertion-spec.ts';
import { markNotEvaluated } from '../assertions/not-evaluated.ts';
import type { Verdict } from '../assertions/verdict.ts';
import { InvalidInputError } from '../drill/invalid-input-error.ts';
import { readK6ResultFile, type K6ResultFile } from '../load/k6-result-file.ts';
import type { SampleStore } from '../load/sample-store.ts';
import { keepResultFile } from '../load/keep-result-file.ts';
import { readSamplesCsv, SamplesCsvError } from '../reporters/read-samples-csv.ts';
import { readRunRecord, RUN_FILES, RunRecordReadError, writeRunDirectory } from '../reporters/write-run-directory.ts';
import type { Reporter } from '../config/drdrill-config.ts';
import { judgedFields } from '../runner/judged-fields.ts';
import { recordedAssertions } from '../runner/recorded-assertions.ts';
import { recordedTimeline } from '../runner/recorded-timeline.ts';
import { EXIT_CODES, type IngestedFile, type RunOutcome, type RunRecord } from '../runner/run-record.ts';
import type { CliIo } from './cli-io.ts';
import { BundleRefusal, resignerFor, verifiedSubjects } from './bundle-resigner.ts';
import { resolveTrust, type TrustOptions } from './trust-options.ts';

export interface IngestCommandOptions extends TrustOptions {
  /** The finished run's directory (reports/<drill>/<run-id>). */
  readonly dir: string;
  /** k6 `--out json` files (plain or gzip), one per k6-operator runner. */
  readonly files: readonly string[];
}

/** Report files a run directory may hold, by the reporter that writes them. */
const REPORT_FILES: readonly [Reporter, string][] = [
  ['html', RUN_FILES.html],
  ['junit', RUN_FILES.junit],
  ['markdown', RUN_FILES.summary],
  ['samples', RUN_FILES.samples],
];

/**
 * `drdrill ingest <run-dir> <ndjson…>`: merges k6-operator runners' NDJSON into a finished run, then
 * judges it again as `drdrill run` would have had the load been local: the run's Timeline is rebuilt
 * from run.json and samples.csv.gz, every runner's request points are added, the assertions are
 * evaluated with the context run.json recorded, and run.json, the samples, the reports, the manifest
 * and the attestation are written anew, re-signed with the key that signed the run. Each file is
 * kept in the bundle (`ingested-N.ndjson.gz`) and merged once: its digest is recorded.
 *
 * Only a bundle that verifies is touched. Exit: the run's exit code after merging (0 passed, 1 an
 * assertion failed, 3/4 as the run ended), or 2 when nothing was written: bad input, a file already
 * merged or holding no request points, a bundle that does not verify, no key to re-sign with.
 */
export async function ingestCommand(options: IngestCommandOptions, io: CliIo): Promise<number> {
  const root = resolve(options.dir);
  try {
    if (options.files.length === 0) throw new BundleRefusal(EXIT_CODES['bad-input'], ['expected one or more k6 NDJSON files after the run directory, e.g. drdrill ingest reports/<drill>/<run-id> results/*.ndjson']);
    const { record, raw } = await readRecords(root);
    const context = record.context;
    if (context === undefined) {
      throw new BundleRefusal(EXIT_CODES['bad-input'], [`${join(root, RUN_FILES.record)} has no "context" (it was written before drdrill recorded what its assertions were judged with), so its assertions cannot be judged again`]);
    }
    const trust = await resolveTrust(options);
    try {
      const verified = await verifiedSubjects(root, trust.trusted, 'merged or re-signed', EXIT_CODES['bad-input']);
      const { signer, identity } = await resignerFor(options, trust, verified.keyId, root, 'merging samples rewrites run.json, samples.csv.gz and the reports');
      const samples = await readRecordedSamples(root);
      const before = samples.length;
      const read = await readResultFiles(options.files, raw, samples);
      const specs = await recordedAssertions(raw);
      const timeline = recordedTimeline(raw, samples);
      const judged = [...leadingStopVerdict(raw, specs.length), ...(await evaluateAssertions(timeline, specs, context))];
      // Judged again, a stopped run still could not judge what its stop cut off.
      const verdicts = raw.abortedAt === undefined ? judged : markNotEvaluated(judged, { at: raw.abortedAt, startedAt: raw.startedAt });
      const ingested = await keepFiles(root, read, raw.load?.ingested ?? []);
      const next = rejudged(raw, verdicts, { ...judgedFields(timeline, verdicts, context) }, ingested);
      const written = await writeRunDirectory(root, next, samples, { signer, reporters: reportersIn(root) });
      const outside = countOutside(samples, before, raw);
      io.out(`merged ${samples.length - before} requests from ${read.length} file${read.length === 1 ? '' : 's'} into ${root} (${samples.length} in all${outside === 0 ? '' : `; ${outside} started outside the run's span and count in no phase`})`);
      for (const verdict of next.verdicts) io.out(`  ${verdict.status.padEnd(7)} ${verdict.name}: ${verdict.observed}`);
      if (written.signature.status === 'signed') io.out(`  outcome ${next.outcome}; re-signed by ${identity.keyId}`);
      else io.err(`  outcome ${next.outcome}; UNSIGNED EVIDENCE: ${written.signature.reason}`);
      return next.exitCode;
    } finally {
      await trust.close();
    }
  } catch (error) {
    const refusal = error instanceof InvalidInputError ? new BundleRefusal(EXIT_CODES['bad-input'], error.problems) : error;
    if (!(refusal instanceof BundleRefusal)) throw error;
    for (const [index, line] of refusal.lines.entries()) io.err(index === 0 ? `drdrill ingest: ${line}` : `  ${line}`);
    return refusal.exitCode;
  }
}

/**
 * run.json validated (and its context read, Infinity restored), and as written: the rewrite starts
 * from the latter, so no field the validator does not know is lost.
 */
async function readRecords(root: string): Promise<{ readonly record: RunRecord; readonly raw: RunRecord }> {
  try {
    const record = await readRunRecord(root);
    const raw = JSON.parse(await readFile(join(root, RUN_FILES.record), 'utf8')) as RunRecord;
    return { record, raw: { ...raw, ...(record.context === undefined ? {} : { context: record.context }) } };
  } catch (error) {
    if (error instanceof RunRecordReadError) throw new BundleRefusal(EXIT_CODES['bad-input'], [error.message]);
    throw error;
  }
}

async function readRecordedSamples(root: string): Promise<SampleStore> {
  const file = join(root, RUN_FILES.samples);
  if (!existsSync(file)) throw new BundleRefusal(EXIT_CODES['bad-input'], [`${file} does not exist (the run was written without the samples reporter), so the run's requests cannot be judged again`]);
  try {
    return await readSamplesCsv(file);
  } catch (error) {
    if (error instanceof SamplesCsvError) throw new BundleRefusal(EXIT_CODES['bad-input'], [error.message]);
    throw error;
  }
}

/** Every file's request points into `samples`; a file already merged, unreadable or without points is refused. */
async function readResultFiles(files: readonly string[], record: RunRecord, samples: SampleStore): Promise<K6ResultFile[]> {
  const merged = new Map((record.load?.ingested ?? []).map((file) => [file.sha256, file.file]));
  const read: K6ResultFile[] = [];
  for (const file of files) {
    let result: K6ResultFile;
    try {
      result = await readK6ResultFile(file, (sample) => samples.push(sample));
    } catch (error) {
      throw new BundleRefusal(EXIT_CODES['bad-input'], [`${file}: cannot be read as k6 NDJSON (${(error as Error).message}); nothing was written`]);
    }
    const earlier = merged.get(result.sha256);
    if (earlier !== undefined) throw new BundleRefusal(EXIT_CODES['bad-input'], [`${file}: the same bytes (sha256 ${result.sha256}) were already merged as ${earlier}; nothing was written`]);
    if (result.stats.samples === 0) {
      throw new BundleRefusal(EXIT_CODES['bad-input'], [`${file}: holds no drdrill_request points (${result.stats.lines} lines read); expected the --out json output of a runner of drdrill's k6 script; nothing was written`]);
    }
    merged.set(result.sha256, file);
    read.push(result);
  }
  return read;
}

/** The steady-state check that stopped the run comes before the drill's own verdicts; it was judged live and is kept. */
function leadingStopVerdict(record: RunRecord, assertions: number): Verdict[] {
  const [first] = record.verdicts;
  return record.verdicts.length === assertions + 1 && first !== undefined ? [first] : [];
}

async function keepFiles(root: string, read: readonly K6ResultFile[], earlier: readonly IngestedFile[]): Promise<IngestedFile[]> {
  const at = Date.now();
  const kept: IngestedFile[] = [...earlier];
  for (const file of read) {
    const name = `ingested-${kept.length + 1}.ndjson.gz`;
    await keepResultFile(file.path, file.gzip, join(root, name));
    kept.push({ file: basename(file.path), sha256: file.sha256, samples: file.stats.samples, at, kept: name });
  }
  return kept;
}

/** The record judged again: new verdicts and figures; an aborted run or a failed rollback keeps its outcome. */
function rejudged(record: RunRecord, verdicts: readonly Verdict[], judged: ReturnType<typeof judgedFields>, ingested: readonly IngestedFile[]): RunRecord {
  const kept: RunOutcome | undefined = record.outcome === 'aborted' || record.outcome === 'rollback-failed' ? record.outcome : undefined;
  const outcome: RunOutcome = kept ?? (verdicts.every((verdict) => verdict.status === 'passed') ? 'passed' : 'failed');
  return { ...record, load: { ...record.load, ingested }, ...judged, outcome, exitCode: EXIT_CODES[outcome] };
}

function reportersIn(root: string): Reporter[] {
  return REPORT_FILES.filter(([, file]) => existsSync(join(root, file))).map(([reporter]) => reporter);
}

function countOutside(samples: SampleStore, from: number, record: RunRecord): number {
  let outside = 0;
  for (let i = from; i < samples.length; i++) {
    const start = samples.startAt(i);
    if (start < record.startedAt || start >= record.endedAt) outside++;
  }
  return outside;
}
