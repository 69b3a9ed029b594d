import { sign } from 'node:crypto';
import { SIGNING_ALGORITHM, SignerError, type EvidenceSigner, type SignerIdentity } from './evidence-signer.ts';
import { KeyFileError, readPemKey } from './public-key.ts';

/** Signs with a local EC P-256 private key in a PEM file, for teams without KMS. */
export function pemSigner(path: string): EvidenceSigner {
  let loaded: ReturnType<typeof readPemKey> | undefined;
  const key = async () => {
    try {
      const pem = await (loaded ??= readPemKey(path));
      if (pem.privateKey === undefined) throw new SignerError(`${path} holds only a public key; signing needs the private key`);
      return { ...pem, privateKey: pem.privateKey };
    } catch (error) {
      if (error instanceof KeyFileError) throw new SignerError(error.message, { cause: error });
      throw error;
    }
  };
  return {
    label: `PEM key ${path}`,
    async identify(): Promise<SignerIdentity> {
      return { signer: 'local-pem', keyId: (await key()).fingerprint, algorithm: SIGNING_ALGORITHM };
    },
    async sign(message: Buffer): Promise<Buffer> {
      // Node's ECDSA output is DER, the same encoding KMS returns.
      return sign('sha256', message, (await key()).privateKey);
    },
  };
}
