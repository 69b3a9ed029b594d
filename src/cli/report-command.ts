import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createRedactor, redactDeep } from '../evidence/redact-secrets.ts';
import { signStatement, writeAttestation } from '../evidence/sign-bundle.ts';
import type { EvidenceSigner, SignerIdentity } from '../evidence/evidence-signer.ts';
import { listBundleFiles, manifestText } from '../evidence/manifest.ts';
import type { Subject } from '../evidence/statement.ts';
import { writeAtomic } from '../reporters/atomic-write.ts';
import { readRunRecord, renderedTexts, RUN_FILES, RunRecordReadError } from '../reporters/write-run-directory.ts';
import type { RunRecord } from '../runner/run-record.ts';
import type { CliIo } from './cli-io.ts';
import { BundleRefusal, resignerFor, REWRITE_EXIT, verifiedSubjects } from './bundle-resigner.ts';
import { resolveTrust, type TrustOptions } from './trust-options.ts';

/** Exit codes of `drdrill report`. */
export const REPORT_EXIT = REWRITE_EXIT;

/** Files `drdrill report` rewrites; run.json and the samples are evidence and never rewritten. */
const DERIVED: readonly string[] = [RUN_FILES.junit, RUN_FILES.html, RUN_FILES.summary];

/**
 * `drdrill report <run-dir>`: re-renders index.html, junit.xml and summary.md from run.json
 * (e.g. after upgrading drdrill), and only for a bundle whose signature verifies with the
 * trusted key and whose files all match it: a forged run.json is never rendered into reports.
 * The new files are hashed and the attestation re-signed with the key that signed it before
 * anything is written, so the bundle is either re-signed whole or left exactly as it was.
 * Exit 0 re-rendered, 1 the bundle does not verify (nothing written), 2 bad input (nothing written).
 */
export async function reportCommand(dir: string, options: TrustOptions, io: CliIo): Promise<number> {
  const root = resolve(dir);
  try {
    const record = await readRecord(root);
    const trust = await resolveTrust(options);
    try {
      const verified = await verifiedSubjects(root, trust.trusted, 're-rendered or re-signed');
      const { signer, identity } = await resignerFor(options, trust, verified.keyId, root, `re-rendering changes ${DERIVED.join(', ')}`);
      await rerenderAndResign(root, record, verified.subjects, signer, identity);
      io.out(`re-rendered ${DERIVED.join(', ')} in ${root} from ${RUN_FILES.record}; re-signed by ${identity.keyId}`);
      return REPORT_EXIT.ok;
    } finally {
      await trust.close();
    }
  } catch (error) {
    if (!(error instanceof BundleRefusal)) throw error;
    for (const [index, line] of error.lines.entries()) io.err(index === 0 ? `drdrill report: ${line}` : `  ${line}`);
    return error.exitCode;
  }
}

async function readRecord(root: string): Promise<RunRecord> {
  try {
    return await readRunRecord(root);
  } catch (error) {
    if (error instanceof RunRecordReadError) throw new BundleRefusal(REPORT_EXIT.badInput, [error.message]);
    throw error;
  }
}

/** Renders, hashes and signs in memory first, so a signer that fails leaves the bundle as it was. */
async function rerenderAndResign(root: string, record: RunRecord, subjects: readonly Subject[], signer: EvidenceSigner, identity: SignerIdentity): Promise<void> {
  const redact = createRedactor();
  const rendered = renderedTexts(redactDeep(record, redact), redact)
    .filter(([file]) => DERIVED.includes(file))
    .map(([file, render]) => [file, render()] as const);
  const next = await resubject(root, new Map(subjects.map((s) => [s.name, s.digest.sha256])), new Map(rendered));
  const envelope = await signStatement(record, next.subjects, signer, identity);
  for (const [file, text] of [...rendered, [RUN_FILES.manifest, next.manifest] as const]) {
    await writeAtomic(resolve(root, file), (temp) => writeFile(temp, text, 'utf8'));
  }
  await writeAttestation(root, envelope);
}

/** The new manifest and subjects: verified digests for files kept, fresh ones for files re-rendered. */
async function resubject(root: string, verified: ReadonlyMap<string, string>, rendered: ReadonlyMap<string, string>): Promise<{ manifest: string; subjects: Subject[] }> {
  const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
  const hashes = (await listBundleFiles(root)).map((file): [string, string] => {
    const text = rendered.get(file);
    return [file, text === undefined ? (verified.get(file) ?? '') : sha256(text)];
  });
  const manifest = manifestText(hashes);
  const subjects = [...hashes, [RUN_FILES.manifest, sha256(manifest)] as [string, string]].map(([name, digest]) => ({ name, digest: { sha256: digest } }));
  return { manifest, subjects };
}
