import { AwsClients } from '../aws/aws-clients.ts';
import type { Environment } from '../drill/environment.ts';
import { InvalidInputError } from '../drill/invalid-input-error.ts';
import { SignerError } from '../evidence/evidence-signer.ts';
import { KeyFileError } from '../evidence/public-key.ts';
import { trustedKeyFromEnvironment, trustedKeyFromPem } from '../evidence/trusted-key.ts';
import type { TrustedKey } from '../evidence/verify-bundle.ts';
import { resolveEnvironment } from './resolve-environment.ts';

/** How `drdrill verify` and `drdrill report` are told which key to trust. */
export interface TrustOptions {
  /** A PEM file holding the trusted key; wins over the environment. */
  readonly key?: string;
  /** The environment whose `evidence` key is trusted; `sandbox` (the default) starts one. */
  readonly env: string;
  readonly sandboxUrl?: string;
  readonly stateDir?: string;
}

/** The trusted key, and (when it came from one) the environment and clients that gave it; close when done. */
export interface Trust {
  readonly trusted: TrustedKey;
  readonly environment?: Environment;
  readonly clients?: AwsClients;
  close(): Promise<void>;
}

/**
 * Finds the key to verify with: `--key <pem>`, else the KMS key or PEM file the environment
 * signs with. A key that cannot be had is bad input: nothing was checked.
 *
 * @throws InvalidInputError naming the flag or field and what went wrong.
 */
export async function resolveTrust(options: TrustOptions): Promise<Trust> {
  if (options.key !== undefined) {
    try {
      return { trusted: await trustedKeyFromPem(options.key), close: async () => undefined };
    } catch (error) {
      if (error instanceof KeyFileError) throw new InvalidInputError('--key', [`--key: ${error.message}`]);
      throw error;
    }
  }
  const resolved = await resolveEnvironment(options.env, options.sandboxUrl, options.stateDir);
  const clients = AwsClients.forEnvironment(resolved.environment);
  const close = async (): Promise<void> => {
    clients.destroy();
    await resolved.embedded?.close();
  };
  try {
    const trusted = await trustedKeyFromEnvironment(resolved.environment, clients);
    if (trusted === undefined) {
      throw new InvalidInputError('--env', [`environment ${resolved.environment.name} names no evidence.signingKey or evidence.signingKeyFile; pass --key <public-key.pem> to verify with a key file`]);
    }
    return { trusted, environment: resolved.environment, clients, close };
  } catch (error) {
    await close();
    if (error instanceof SignerError || error instanceof KeyFileError) {
      throw new InvalidInputError('--env', [`the signing key of environment ${resolved.environment.name} cannot be read: ${error.message}`]);
    }
    throw error;
  }
}
