import { verify, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DsseFormatError, envelopeBody, IN_TOTO_PAYLOAD_TYPE, parseEnvelope, preAuthEncoding, type DsseEnvelope } from './dsse.ts';
import { compareBundleFiles, listBundleFiles, MANIFEST_FILE, verifyManifest, type FileComparison } from './manifest.ts';
import { ATTESTATION_FILE, statementSubjects, StatementFormatError, type Subject } from './statement.ts';

/** The key a verifier trusts, and where that trust came from (for messages). */
export interface TrustedKey {
  /** KMS key ARN or `sha256:<hex>` fingerprint: what a genuine envelope's `keyid` says. */
  readonly keyId: string;
  readonly publicKey: KeyObject;
  /** e.g. `--key evidence.pub.pem`, `evidence.signingKey alias/drdrill-evidence`. */
  readonly source: string;
}

/** Why a signature was not accepted. */
export type SignatureProblemKind = 'missing' | 'malformed' | 'unknown-key' | 'bad';

export type SignatureCheck =
  | { readonly ok: true; readonly keyId: string; readonly subjects: readonly Subject[] }
  | { readonly ok: false; readonly kind: SignatureProblemKind; readonly message: string };

/** Everything `drdrill verify` found. */
export interface BundleCheck extends FileComparison {
  readonly signature: SignatureCheck;
  /** What the files were compared with: the signed subjects, or (signature not accepted) the unsigned manifest. */
  readonly against: 'attestation' | typeof MANIFEST_FILE;
  /** How many files the list compared against names. */
  readonly listed: number;
}

/**
 * Verifies a run directory: first the attestation's signature with `trusted`, then every file
 * against the signed subjects. Without an accepted signature the files are still compared with
 * manifest.sha256, so a report can name what changed, but the bundle is not intact.
 *
 * @throws ManifestError when there is neither an attestation nor a manifest (not a run directory).
 */
export async function verifyBundle(dir: string, trusted: TrustedKey): Promise<BundleCheck> {
  const root = resolve(dir);
  const signature = await checkSignature(root, trusted);
  if (!signature.ok) {
    const check = await verifyManifest(root);
    return { ...check, intact: false, signature, against: MANIFEST_FILE };
  }
  const expected = new Map(signature.subjects.map((s) => [s.name, s.digest.sha256]));
  const files = await compareBundleFiles(root, expected, await listBundleFiles(root, [ATTESTATION_FILE]));
  return { ...files, signature, against: 'attestation', listed: expected.size };
}

/** Reads the envelope and checks its signature and Statement; every way it can fail is a result. */
export async function checkSignature(dir: string, trusted: TrustedKey): Promise<SignatureCheck> {
  const path = join(resolve(dir), ATTESTATION_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, kind: 'missing', message: code === 'ENOENT' ? `${ATTESTATION_FILE} does not exist: the run is unsigned` : `cannot read ${ATTESTATION_FILE}: ${code ?? String(error)}` };
  }
  let envelope: DsseEnvelope;
  try {
    envelope = parseEnvelope(text.trim(), ATTESTATION_FILE);
  } catch (error) {
    if (error instanceof DsseFormatError) return { ok: false, kind: 'malformed', message: error.message };
    throw error;
  }
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    return { ok: false, kind: 'malformed', message: `${ATTESTATION_FILE}: payloadType is ${JSON.stringify(envelope.payloadType)}; expected "${IN_TOTO_PAYLOAD_TYPE}"` };
  }
  if (envelope.signatures.length === 0) return { ok: false, kind: 'missing', message: `${ATTESTATION_FILE} holds no signature` };
  const body = envelopeBody(envelope);
  const pae = preAuthEncoding(envelope.payloadType, body);
  const valid = envelope.signatures.find((s) => verify('sha256', pae, trusted.publicKey, Buffer.from(s.sig, 'base64')));
  if (valid === undefined) {
    const named = envelope.signatures.map((s) => s.keyid || '(no keyid)');
    if (!named.includes(trusted.keyId)) {
      return { ok: false, kind: 'unknown-key', message: `signed by unknown key ${named.join(', ')}; the trusted key (${trusted.source}) is ${trusted.keyId}` };
    }
    return { ok: false, kind: 'bad', message: `the signature does not verify with ${trusted.keyId} (${trusted.source}): the attestation was altered or signed by another key` };
  }
  try {
    return { ok: true, keyId: trusted.keyId, subjects: statementSubjects(body, ATTESTATION_FILE) };
  } catch (error) {
    if (error instanceof StatementFormatError) return { ok: false, kind: 'malformed', message: error.message };
    throw error;
  }
}
