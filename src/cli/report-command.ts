import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { environmentSigner } from '../evidence/environment-signer.ts';
import type { EvidenceSigner } from '../evidence/evidence-signer.ts';
import { listBundleFiles, ManifestError, manifestText } from '../evidence/manifest.ts';
import { pemSigner } from '../evidence/pem-signer.ts';
import { readPemKey } from '../evidence/public-key.ts';
import { createRedactor, redactDeep } from '../evidence/redact-secrets.ts';
import { signStatement, writeAttestation } from '../evidence/sign-bundle.ts';
import type { Subject } from '../evidence/statement.ts';
import { verifyBundle } from '../evidence/verify-bundle.ts';
import { writeAtomic } from '../reporters/atomic-write.ts';
import { readRunRecord, renderedTexts, RUN_FILES, RunRecordReadError } from '../reporters/write-run-directory.ts';
import type { RunRecord } from '../runner/run-record.ts';
import type { CliIo } from './cli-io.ts';
import { resolveTrust, type Trust, type TrustOptions } from './trust-options.ts';
import { bundleProblems } from './verify-command.ts';

/** Exit codes of `drdrill report`. */
export const REPORT_EXIT = { ok: 0, tampered: 1, badInput: 2 } as const;

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
  let record: RunRecord;
  try {
    record = await readRunRecord(root);
  } catch (error) {
    if (error instanceof RunRecordReadError) {
      io.err(`drdrill report: ${error.message}`);
      return REPORT_EXIT.badInput;
    }
    throw error;
  }
  const trust = await resolveTrust(options);
  try {
    let check;
    try {
      check = await verifyBundle(root, trust.trusted);
    } catch (error) {
      if (!(error instanceof ManifestError)) throw error;
      io.err(`drdrill report: ${error.message}`);
      return REPORT_EXIT.badInput;
    }
    if (!check.intact || !check.signature.ok) {
      io.err(`drdrill report: ${root} does not verify, so nothing was re-rendered or re-signed:`);
      for (const line of bundleProblems(check)) io.err(`  ${line}`);
      return REPORT_EXIT.tampered;
    }
    const signer = await resignerFor(options, trust);
    const identity = await signer?.identify().catch(() => undefined);
    if (signer === undefined || identity?.keyId !== check.signature.keyId) {
      io.err(
        `drdrill report: ${root} is signed by ${check.signature.keyId}; re-rendering changes ${DERIVED.join(', ')}, so it must be re-signed by that key, ` +
          `which is not at hand (${signer === undefined ? 'no private key' : `${signer.label} is ${identity?.keyId ?? 'unusable'}`}). Pass --key <private-key.pem> or the --env that signed it. Nothing was written.`,
      );
      return REPORT_EXIT.badInput;
    }
    const redact = createRedactor();
    const rendered = renderedTexts(redactDeep(record, redact), redact)
      .filter(([file]) => DERIVED.includes(file))
      .map(([file, render]) => [file, render()] as const);
    const subjects = await resubject(root, new Map(check.signature.subjects.map((s) => [s.name, s.digest.sha256])), new Map(rendered));
    const envelope = await signStatement(record, subjects.subjects, signer, identity);
    for (const [file, text] of [...rendered, [RUN_FILES.manifest, subjects.manifest] as const]) {
      await writeAtomic(resolve(root, file), (temp) => writeFile(temp, text, 'utf8'));
    }
    await writeAttestation(root, envelope);
    io.out(`re-rendered ${DERIVED.join(', ')} in ${root} from ${RUN_FILES.record}; re-signed by ${identity.keyId}`);
    return REPORT_EXIT.ok;
  } finally {
    await trust.close();
  }
}

/** The key that can re-sign: a private `--key` file, else the environment's signer. */
async function resignerFor(options: TrustOptions, trust: Trust): Promise<EvidenceSigner | undefined> {
  if (options.key !== undefined) return (await readPemKey(options.key)).privateKey === undefined ? undefined : pemSigner(options.key);
  return trust.environment === undefined || trust.clients === undefined ? undefined : environmentSigner(trust.environment, trust.clients);
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
