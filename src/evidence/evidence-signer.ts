/** The one signing algorithm drdrill uses: ECDSA on NIST P-256 over SHA-256, DER-encoded signatures. */
export const SIGNING_ALGORITHM = 'ECDSA_SHA_256';

/** A key that can sign a bundle's attestation: an AWS KMS key or a local PEM file. */
export interface SignerIdentity {
  readonly signer: 'aws-kms' | 'local-pem';
  /**
   * What the DSSE `keyid` says and the report shows: the KMS key ARN, or `sha256:<hex>` of the
   * PEM key's DER SubjectPublicKeyInfo (`openssl pkey -pubin -outform DER | sha256sum`).
   */
  readonly keyId: string;
  readonly algorithm: typeof SIGNING_ALGORITHM;
}

/** Who signed a run's evidence, or why nobody did; recorded in run.json and shown in the report. */
export type EvidenceSignature = ({ readonly status: 'signed' } & SignerIdentity) | { readonly status: 'unsigned'; readonly reason: string };

/**
 * Signs attestations. `identify` runs before the reports are rendered, so they can name the key
 * (and a key that cannot sign at all is known before anything claims it signed).
 */
export interface EvidenceSigner {
  /** How the configuration names the key, for messages, e.g. `KMS key alias/drdrill-evidence`. */
  readonly label: string;
  identify(): Promise<SignerIdentity>;
  /** The DER-encoded ECDSA signature over SHA-256(`message`). */
  sign(message: Buffer): Promise<Buffer>;
}

/** Thrown when a signer cannot be used: the key is missing, of the wrong kind, or the call failed. */
export class SignerError extends Error {
  override readonly name = 'SignerError';
}
