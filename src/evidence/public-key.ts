import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';

/** A PEM key file as drdrill reads it: its public half always, its private half when the file has one. */
export interface PemKey {
  readonly publicKey: KeyObject;
  readonly privateKey?: KeyObject;
  /** `sha256:<hex>` of the public key's DER SubjectPublicKeyInfo. */
  readonly fingerprint: string;
}

/** Thrown when a key file is missing or holds something other than an EC P-256 key. */
export class KeyFileError extends Error {
  override readonly name = 'KeyFileError';
}

/**
 * `sha256:<hex>` of a public key's DER SubjectPublicKeyInfo: what `openssl pkey -pubin -in
 * key.pem -outform DER | sha256sum` prints, so an auditor can tell keys apart without drdrill.
 */
export function keyFingerprint(publicKey: KeyObject): string {
  return `sha256:${createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex')}`;
}

/** A public key from DER SubjectPublicKeyInfo bytes (what KMS GetPublicKey returns). */
export function publicKeyFromDer(der: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' });
}

/**
 * Reads a PEM file holding an EC P-256 private key (PKCS#8 or SEC1) or public key (SPKI).
 *
 * @throws KeyFileError naming the file and what it holds instead.
 */
export async function readPemKey(path: string): Promise<PemKey> {
  let pem: string;
  try {
    pem = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new KeyFileError(`cannot read key file ${path}: ${code === 'ENOENT' ? 'it does not exist' : (code ?? String(error))}`, { cause: error });
  }
  let privateKey: KeyObject | undefined;
  let publicKey: KeyObject;
  try {
    if (pem.includes('PRIVATE KEY-----')) {
      privateKey = createPrivateKey(pem);
      publicKey = createPublicKey(privateKey);
    } else {
      publicKey = createPublicKey(pem);
    }
  } catch (error) {
    throw new KeyFileError(`${path} is not a PEM key: ${(error as Error).message}`, { cause: error });
  }
  const curve = publicKey.asymmetricKeyType === 'ec' ? publicKey.asymmetricKeyDetails?.namedCurve : undefined;
  if (curve !== 'prime256v1') {
    throw new KeyFileError(
      `${path} holds a key of type ${publicKey.asymmetricKeyType ?? 'unknown'}${curve === undefined ? '' : ` (curve ${curve})`}; expected an EC P-256 key ` +
        `(openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out key.pem)`,
    );
  }
  return { publicKey, ...(privateKey === undefined ? {} : { privateKey }), fingerprint: keyFingerprint(publicKey) };
}
