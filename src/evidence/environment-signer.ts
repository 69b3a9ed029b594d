import { homeRegion } from '../drill/environment.ts';
import type { AwsClients } from '../aws/aws-clients.ts';
import type { Environment } from '../drill/environment.ts';
import type { EvidenceSigner } from './evidence-signer.ts';
import { kmsSigner } from './kms-signer.ts';
import { pemSigner } from './pem-signer.ts';

/** Why a run is unsigned when its environment names no key. */
export const NO_SIGNING_KEY = 'the environment names no evidence.signingKey (KMS) or evidence.signingKeyFile (PEM)';

/** The region a KMS key name points at: an ARN's own, otherwise the environment's primary region. */
export function kmsKeyRegion(keyId: string, environment: Pick<Environment, 'regions'>): string {
  return /^arn:aws[a-z-]*:kms:([a-z0-9-]+):/.exec(keyId)?.[1] ?? homeRegion(environment);
}

/** The signer an environment names, or undefined when it names none. */
export function environmentSigner(environment: Pick<Environment, 'evidence' | 'regions'>, clients: AwsClients): EvidenceSigner | undefined {
  const { signingKey, signingKeyFile } = environment.evidence ?? {};
  if (signingKey !== undefined) return kmsSigner(clients.kms(kmsKeyRegion(signingKey, environment)), signingKey);
  if (signingKeyFile !== undefined) return pemSigner(signingKeyFile);
  return undefined;
}
