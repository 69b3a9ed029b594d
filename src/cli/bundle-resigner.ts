import { environmentSigner } from '../evidence/environment-signer.ts';
import type { EvidenceSigner, SignerIdentity } from '../evidence/evidence-signer.ts';
import { ManifestError } from '../evidence/manifest.ts';
import { pemSigner } from '../evidence/pem-signer.ts';
import { readPemKey } from '../evidence/public-key.ts';
import type { Subject } from '../evidence/statement.ts';
import { verifyBundle, type TrustedKey } from '../evidence/verify-bundle.ts';
import type { Trust, TrustOptions } from './trust-options.ts';
import { bundleProblems } from './verify-command.ts';

/** Exit codes of the commands that rewrite a bundle (`drdrill report`, `drdrill ingest`). */
export const REWRITE_EXIT = { ok: 0, tampered: 1, badInput: 2 } as const;

/** Why a command that rewrites a bundle wrote nothing: the lines to print and the exit code. */
export class BundleRefusal extends Error {
  override readonly name = 'BundleRefusal';
  constructor(
    readonly exitCode: number,
    readonly lines: readonly string[],
  ) {
    super(lines.join('; '));
  }
}

/**
 * The signed subjects and signing key of a bundle that verifies completely; anything less is
 * refused (exit `tamperedExit`), because rewriting and re-signing it would vouch for whatever was
 * changed in it. `nothing` says what was not done, for the refusal.
 */
export async function verifiedSubjects(root: string, trusted: TrustedKey, nothing: string, tamperedExit: number = REWRITE_EXIT.tampered): Promise<{ readonly keyId: string; readonly subjects: readonly Subject[] }> {
  let check;
  try {
    check = await verifyBundle(root, trusted);
  } catch (error) {
    if (error instanceof ManifestError) throw new BundleRefusal(REWRITE_EXIT.badInput, [error.message]);
    throw error;
  }
  if (!check.intact || !check.signature.ok) {
    throw new BundleRefusal(tamperedExit, [`${root} does not verify, so nothing was ${nothing}:`, ...bundleProblems(check)]);
  }
  return { keyId: check.signature.keyId, subjects: check.signature.subjects };
}

/**
 * The signer that signed the bundle: a private `--key` file, else the environment's signer, and
 * only when it is the same key; a rewritten bundle must not go out under another name.
 * `changes` says what the command rewrites, for the refusal.
 */
export async function resignerFor(options: TrustOptions, trust: Trust, keyId: string, root: string, changes: string): Promise<{ readonly signer: EvidenceSigner; readonly identity: SignerIdentity }> {
  const signer =
    options.key !== undefined
      ? (await readPemKey(options.key)).privateKey === undefined
        ? undefined
        : pemSigner(options.key)
      : trust.environment === undefined || trust.clients === undefined
        ? undefined
        : environmentSigner(trust.environment, trust.clients);
  const identity = await signer?.identify().catch(() => undefined);
  if (signer === undefined || identity === undefined || identity.keyId !== keyId) {
    const why = signer === undefined ? 'no private key' : `${signer.label} is ${identity?.keyId ?? 'unusable'}`;
    throw new BundleRefusal(REWRITE_EXIT.badInput, [
      `${root} is signed by ${keyId}; ${changes}, so it must be re-signed by that key, which is not at hand (${why}). ` +
        'Pass --key <private-key.pem> or the --env that signed it. Nothing was written.',
    ]);
  }
  return { signer, identity };
}
