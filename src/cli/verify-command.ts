import { resolve } from 'node:path';
import { ManifestError } from '../evidence/manifest.ts';
import { verifyBundle, type BundleCheck, type SignatureProblemKind } from '../evidence/verify-bundle.ts';
import type { CliIo } from './cli-io.ts';
import { resolveTrust, type TrustOptions } from './trust-options.ts';

/** Exit codes of `drdrill verify`. */
export const VERIFY_EXIT = { intact: 0, tampered: 1, badInput: 2 } as const;

const SIGNATURE_LABEL: Readonly<Record<SignatureProblemKind, string>> = {
  missing: 'missing signature',
  malformed: 'bad signature',
  'unknown-key': 'unknown key',
  bad: 'bad signature',
};

/**
 * `drdrill verify <run-dir>`: checks the attestation's signature with the trusted key (`--key`,
 * or the environment's signing key read from KMS), then every file against the signed digests.
 * Exits 0 when both hold, 1 naming each problem (missing, bad or unknown-key signature; each file
 * changed, added or removed), 2 when there is nothing to check with (no run directory, no key).
 */
export async function verifyCommand(dir: string, options: TrustOptions, io: CliIo): Promise<number> {
  const root = resolve(dir);
  const trust = await resolveTrust(options);
  let check;
  try {
    check = await verifyBundle(root, trust.trusted);
  } catch (error) {
    if (error instanceof ManifestError) {
      io.err(`drdrill verify: ${error.message}`);
      return VERIFY_EXIT.badInput;
    }
    throw error;
  } finally {
    await trust.close();
  }
  if (check.intact && check.signature.ok) {
    io.out(`verified ${root}: signed by ${check.signature.keyId} (${trust.trusted.source}); ${check.listed} files match the signed attestation`);
    return VERIFY_EXIT.intact;
  }
  io.err(`drdrill verify: ${root} does NOT verify:`);
  for (const line of bundleProblems(check)) io.err(`  ${line}`);
  return VERIFY_EXIT.tampered;
}

/** One line per problem, signature first: what `verify` prints and `report` refuses on. */
export function bundleProblems(check: BundleCheck): string[] {
  const from = check.against === 'attestation' ? 'the signed attestation' : `${check.against} (unsigned, so only as far as it can be trusted)`;
  return [
    ...(check.signature.ok ? [] : [`${SIGNATURE_LABEL[check.signature.kind]}: ${check.signature.message}`]),
    ...check.changed.map((file) => `changed: ${file} (its SHA-256 differs from ${from})`),
    ...check.added.map((file) => `added:   ${file} (not listed in ${from})`),
    ...check.removed.map((file) => `removed: ${file} (listed in ${from}, missing)`),
  ];
}
