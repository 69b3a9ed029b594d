import { createHash, type KeyObject } from 'node:crypto';
import { GetPublicKeyCommand, SignCommand, type KMSClient } from '@aws-sdk/client-kms';
import { describeError } from '../util/describe-error.ts';
import { SIGNING_ALGORITHM, SignerError, type EvidenceSigner, type SignerIdentity } from './evidence-signer.ts';
import { publicKeyFromDer } from './public-key.ts';

/** A slow KMS must not hold a finished run's reports hostage. */
const TIMEOUT_MS = 10_000;

/** A KMS key's ARN and public key, checked to be an ECC_NIST_P256 signing key. */
export interface KmsPublicKey {
  readonly arn: string;
  readonly publicKey: KeyObject;
}

/**
 * Reads a KMS key's public half with GetPublicKey and checks it can make the signatures drdrill
 * makes. `keyId` is whatever KMS accepts: key id, key ARN, alias name or alias ARN.
 *
 * @throws SignerError naming the key and what is wrong with it, or the KMS error.
 */
export async function kmsPublicKey(kms: KMSClient, keyId: string): Promise<KmsPublicKey> {
  let answer;
  try {
    answer = await kms.send(new GetPublicKeyCommand({ KeyId: keyId }), { abortSignal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    throw new SignerError(`KMS GetPublicKey for ${keyId} failed: ${describeError(error)}`, { cause: error });
  }
  if (answer.KeyId === undefined || answer.PublicKey === undefined) throw new SignerError(`KMS GetPublicKey for ${keyId} answered without KeyId or PublicKey`);
  if (answer.KeySpec !== 'ECC_NIST_P256' || answer.KeyUsage !== 'SIGN_VERIFY' || !(answer.SigningAlgorithms ?? []).includes(SIGNING_ALGORITHM)) {
    throw new SignerError(
      `KMS key ${keyId} is ${answer.KeySpec ?? '?'} for ${answer.KeyUsage ?? '?'}; expected an ECC_NIST_P256 key for SIGN_VERIFY with ${SIGNING_ALGORITHM}`,
    );
  }
  return { arn: answer.KeyId, publicKey: publicKeyFromDer(answer.PublicKey) };
}

/**
 * Signs with an AWS KMS asymmetric key. The SHA-256 of the message is sent as a DIGEST (KMS
 * takes at most 4096 bytes of RAW message, and a statement listing many files can exceed that);
 * for ECDSA_SHA_256 this is the same signature a RAW request would get.
 */
export function kmsSigner(kms: KMSClient, keyId: string): EvidenceSigner {
  let resolved: Promise<KmsPublicKey> | undefined;
  return {
    label: `KMS key ${keyId}`,
    async identify(): Promise<SignerIdentity> {
      const { arn } = await (resolved ??= kmsPublicKey(kms, keyId));
      return { signer: 'aws-kms', keyId: arn, algorithm: SIGNING_ALGORITHM };
    },
    async sign(message: Buffer): Promise<Buffer> {
      const { arn } = await (resolved ??= kmsPublicKey(kms, keyId));
      let answer;
      try {
        answer = await kms.send(
          new SignCommand({ KeyId: arn, Message: createHash('sha256').update(message).digest(), MessageType: 'DIGEST', SigningAlgorithm: SIGNING_ALGORITHM }),
          { abortSignal: AbortSignal.timeout(TIMEOUT_MS) },
        );
      } catch (error) {
        throw new SignerError(`KMS Sign with ${arn} failed: ${describeError(error)}`, { cause: error });
      }
      if (answer.Signature === undefined) throw new SignerError(`KMS Sign with ${arn} answered without a Signature`);
      return Buffer.from(answer.Signature);
    },
  };
}
