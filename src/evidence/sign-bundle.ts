import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeAtomic } from '../reporters/atomic-write.ts';
import type { RunRecord } from '../runner/run-record.ts';
import { envelopeOf, IN_TOTO_PAYLOAD_TYPE, preAuthEncoding, type DsseEnvelope } from './dsse.ts';
import type { EvidenceSigner, SignerIdentity } from './evidence-signer.ts';
import { hashBundleFiles, listBundleFiles } from './manifest.ts';
import { ATTESTATION_FILE, drillRunStatement, type Subject } from './statement.ts';

/**
 * The DSSE envelope of the run's in-toto Statement over `subjects`, signed by `signer` under
 * the `keyid` of `identity`. The Statement is serialised once; those exact bytes are both the
 * payload and what the PAE wraps, so no verifier ever re-serialises JSON.
 */
export async function signStatement(record: RunRecord, subjects: readonly Subject[], signer: EvidenceSigner, identity: SignerIdentity): Promise<DsseEnvelope> {
  const body = Buffer.from(JSON.stringify(drillRunStatement(record, subjects)), 'utf8');
  const signature = await signer.sign(preAuthEncoding(IN_TOTO_PAYLOAD_TYPE, body));
  return envelopeOf(IN_TOTO_PAYLOAD_TYPE, body, { keyid: identity.keyId, bytes: signature });
}

/** Every file of a finished bundle (the manifest included, the attestation not) as subjects. */
export async function bundleSubjects(dir: string): Promise<Subject[]> {
  const root = resolve(dir);
  const hashes = await hashBundleFiles(root, await listBundleFiles(root, [ATTESTATION_FILE]));
  return hashes.map(([name, sha256]) => ({ name, digest: { sha256 } }));
}

/** Writes the envelope as the bundle's attestation: one JSON line, atomically. */
export async function writeAttestation(dir: string, envelope: DsseEnvelope): Promise<void> {
  await writeAtomic(join(resolve(dir), ATTESTATION_FILE), (temp) => writeFile(temp, `${JSON.stringify(envelope)}\n`, 'utf8'));
}

/**
 * Signs a sealed run directory: every file and the manifest become subjects of the Statement,
 * and its envelope is written beside them.
 *
 * @throws SignerError when the signer fails; nothing is written then.
 */
export async function attestBundle(dir: string, record: RunRecord, signer: EvidenceSigner, identity: SignerIdentity): Promise<void> {
  await writeAttestation(dir, await signStatement(record, await bundleSubjects(dir), signer, identity));
}
