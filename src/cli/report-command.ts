import { resolve } from 'node:path';
import { ManifestError, verifyManifest } from '../evidence/manifest.ts';
import { createRedactor, redactDeep } from '../evidence/redact-secrets.ts';
import type { CliIo } from './cli-io.ts';
import { writeAtomic } from '../reporters/atomic-write.ts';
import { readRunRecord, renderedFiles, RUN_FILES, RunRecordReadError, sealRunDirectory } from '../reporters/write-run-directory.ts';

/** Exit codes of `drdrill report`. */
export const REPORT_EXIT = { ok: 0, tampered: 1, badInput: 2 } as const;

/** Files `drdrill report` rewrites; run.json and the samples are evidence and never rewritten. */
const DERIVED = [RUN_FILES.junit, RUN_FILES.html, RUN_FILES.summary] as const;

/**
 * `drdrill report <run-dir>`: re-renders index.html, junit.xml and summary.md from run.json
 * alone (e.g. after upgrading drdrill, or for a run copied off a CI machine).
 *
 * The bundle stays verifiable: when it matched its manifest before, the manifest is rewritten
 * afterwards, which only changes the derived files' hashes (run.json and samples are not
 * touched). When it did not match (or had no manifest) the reports are still rendered for
 * people to read, but the manifest is left alone so `drdrill verify` keeps reporting the
 * tampering, and the command exits 1 naming the files.
 */
export async function reportCommand(dir: string, io: CliIo): Promise<number> {
  const root = resolve(dir);
  let record;
  try {
    record = await readRunRecord(root);
  } catch (error) {
    if (error instanceof RunRecordReadError) {
      io.err(`drdrill report: ${error.message}`);
      return REPORT_EXIT.badInput;
    }
    throw error;
  }
  let problems: string[] = [];
  try {
    const check = await verifyManifest(root);
    problems = [...check.changed.map((f) => `changed: ${f}`), ...check.added.map((f) => `added: ${f}`), ...check.removed.map((f) => `removed: ${f}`)];
  } catch (error) {
    if (!(error instanceof ManifestError)) throw error;
    problems = [error.message];
  }
  const redact = createRedactor();
  const writers = renderedFiles(redactDeep(record, redact), redact).filter(([file]) => (DERIVED as readonly string[]).includes(file));
  for (const [file, write] of writers) await writeAtomic(resolve(root, file), write);
  io.out(`re-rendered ${DERIVED.join(', ')} in ${root} from ${RUN_FILES.record}`);
  if (problems.length > 0) {
    io.err(`drdrill report: the bundle did not match ${RUN_FILES.manifest} before re-rendering, so it was not resealed:`);
    for (const problem of problems) io.err(`  ${problem}`);
    return REPORT_EXIT.tampered;
  }
  await sealRunDirectory(root);
  return REPORT_EXIT.ok;
}
