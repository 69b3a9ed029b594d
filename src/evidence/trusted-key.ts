import type { AwsClients } from '../aws/aws-clients.ts';
import type { Environment } from '../drill/environment.ts';
import { kmsKeyRegion } from './environment-signer.ts';
import { kmsPublicKey } from './kms-signer.ts';
import { readPemKey } from './public-key.ts';
import type { TrustedKey } from './verify-bundle.ts';

/**
 * The key in a PEM file (public, or private whose public half is used), trusted because the
 * person verifying named it.
 *
 * @throws KeyFileError when the file is missing or not an EC P-256 key.
 */
export async function trustedKeyFromPem(path: string): Promise<TrustedKey> {
  const key = await readPemKey(path);
  return { keyId: key.fingerprint, publicKey: key.publicKey, source: `--key ${path}` };
}

/**
 * The key an environment signs with: the KMS key's public half (GetPublicKey, so the key ARN is
 * KMS's own answer, not the envelope's claim), or the PEM file's. Undefined when it names none.
 *
 * @throws SignerError when KMS cannot give the key; KeyFileError for a bad PEM file.
 */
export async function trustedKeyFromEnvironment(environment: Pick<Environment, 'name' | 'evidence' | 'regions'>, clients: AwsClients): Promise<TrustedKey | undefined> {
  const { signingKey, signingKeyFile } = environment.evidence ?? {};
  if (signingKey !== undefined) {
    const key = await kmsPublicKey(clients.kms(kmsKeyRegion(signingKey, environment)), signingKey);
    return { keyId: key.arn, publicKey: key.publicKey, source: `evidence.signingKey ${signingKey} of environment ${environment.name}` };
  }
  if (signingKeyFile !== undefined) {
    const key = await readPemKey(signingKeyFile);
    return { keyId: key.fingerprint, publicKey: key.publicKey, source: `evidence.signingKeyFile ${signingKeyFile} of environment ${environment.name}` };
  }
  return undefined;
}
