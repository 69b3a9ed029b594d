import { createHash } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import { AwsServiceError } from '../aws-errors.ts';
import { InputReader, createJsonRpcService, epochSeconds } from '../json-rpc.ts';
import { SANDBOX_KEY_SPEC, SANDBOX_KEY_USAGE, type KmsKey, type KmsKeyStore } from './kms-key-store.ts';
import type { AwsServiceHandler } from '../service-handler.ts';

const SIGNING_ALGORITHM = 'ECDSA_SHA_256';
/** KMS's limit on a RAW message; larger ones must be sent as a digest. */
const MAX_RAW_MESSAGE_BYTES = 4096;
const SHA256_BYTES = 32;

/**
 * The KMS slice of the control plane (awsJson 1.1, `X-Amz-Target: TrentService.*`): asymmetric
 * ECC_NIST_P256 signing keys with aliases, enough for drdrill to sign evidence and for anyone to
 * check it with the AWS CLI. Blobs travel base64-encoded, as on the wire to AWS.
 */
export function createKmsApi(keys: KmsKeyStore, accountId: string): AwsServiceHandler {
  const metadata = (key: KmsKey): object => ({
    AWSAccountId: accountId,
    KeyId: key.id,
    Arn: key.arn,
    CreationDate: epochSeconds(key.createdAt),
    Enabled: true,
    Description: key.description,
    KeyUsage: SANDBOX_KEY_USAGE,
    KeyState: 'Enabled',
    Origin: 'AWS_KMS',
    KeyManager: 'CUSTOMER',
    CustomerMasterKeySpec: SANDBOX_KEY_SPEC,
    KeySpec: SANDBOX_KEY_SPEC,
    SigningAlgorithms: [SIGNING_ALGORITHM],
    MultiRegion: false,
  });
  return createJsonRpcService({
    signingName: 'kms',
    targetPrefix: 'TrentService',
    version: '1.1',
    serviceName: 'KMS',
    operations: {
      CreateKey: {
        mutating: true,
        run: (input, request) => {
          const reader = new InputReader(input);
          const spec = reader.optionalString('KeySpec') ?? reader.optionalString('CustomerMasterKeySpec') ?? 'SYMMETRIC_DEFAULT';
          const usage = reader.optionalString('KeyUsage') ?? 'ENCRYPT_DECRYPT';
          if (spec !== SANDBOX_KEY_SPEC || usage !== SANDBOX_KEY_USAGE) {
            throw new AwsServiceError('UnsupportedOperationException', 400, `The drdrill sandbox makes only ${SANDBOX_KEY_SPEC} keys for ${SANDBOX_KEY_USAGE}; got KeySpec ${spec}, KeyUsage ${usage}`);
          }
          return { KeyMetadata: metadata(keys.create(request.scope.region, reader.optionalString('Description') ?? '')) };
        },
      },
      CreateAlias: {
        mutating: true,
        run: (input, request) => {
          const reader = new InputReader(input);
          keys.createAlias(request.scope.region, reader.string('AliasName'), reader.string('TargetKeyId'));
          return {};
        },
      },
      ListAliases: {
        mutating: false,
        run: (_input, request) => ({
          Aliases: keys.aliases(request.scope.region).map((alias) => ({ AliasName: alias.name, AliasArn: alias.arn, TargetKeyId: alias.keyId })),
          Truncated: false,
        }),
      },
      DescribeKey: {
        mutating: false,
        run: (input, request) => ({ KeyMetadata: metadata(keys.resolve(request.scope.region, new InputReader(input).string('KeyId'))) }),
      },
      GetPublicKey: {
        mutating: false,
        run: (input, request) => {
          const key = keys.resolve(request.scope.region, new InputReader(input).string('KeyId'));
          return {
            KeyId: key.arn,
            PublicKey: key.publicKeyDer.toString('base64'),
            KeySpec: SANDBOX_KEY_SPEC,
            CustomerMasterKeySpec: SANDBOX_KEY_SPEC,
            KeyUsage: SANDBOX_KEY_USAGE,
            SigningAlgorithms: [SIGNING_ALGORITHM],
          };
        },
      },
      Sign: {
        mutating: false,
        run: (input, request) => {
          const { key, digest } = signingInput(keys, new InputReader(input), request.scope.region);
          const signature = p256.sign(digest, secretOf(key), { prehash: false, format: 'der' });
          return { KeyId: key.arn, Signature: Buffer.from(signature).toString('base64'), SigningAlgorithm: SIGNING_ALGORITHM };
        },
      },
      Verify: {
        mutating: false,
        run: (input, request) => {
          const reader = new InputReader(input);
          const { key, digest } = signingInput(keys, reader, request.scope.region);
          const signature = blob(reader, 'Signature');
          const publicKey = p256.getPublicKey(secretOf(key), false);
          let valid = false;
          try {
            valid = p256.verify(signature, digest, publicKey, { prehash: false, format: 'der', lowS: false });
          } catch {
            valid = false;
          }
          if (!valid) throw new AwsServiceError('KMSInvalidSignatureException', 400, 'The signature is not valid for the message and key.');
          return { KeyId: key.arn, SignatureValid: true, SigningAlgorithm: SIGNING_ALGORITHM };
        },
      },
    },
  });
}

/** The key, and the SHA-256 that Sign and Verify work on (computed here for RAW, given for DIGEST). */
function signingInput(keys: KmsKeyStore, reader: InputReader, region: string): { key: KmsKey; digest: Uint8Array } {
  const key = keys.resolve(region, reader.string('KeyId'));
  const message = blob(reader, 'Message');
  const algorithm = reader.string('SigningAlgorithm');
  if (algorithm !== SIGNING_ALGORITHM) {
    throw new AwsServiceError('InvalidKeyUsageException', 400, `The signing algorithm ${algorithm} is not supported by ${key.arn}; it supports ${SIGNING_ALGORITHM}`);
  }
  const type = reader.optionalString('MessageType') ?? 'RAW';
  if (type === 'DIGEST') {
    if (message.length !== SHA256_BYTES) throw reader.invalid(`Digest is invalid length for algorithm ${SIGNING_ALGORITHM}.`);
    return { key, digest: message };
  }
  if (type !== 'RAW') throw reader.invalid(`1 validation error detected: Value '${type}' at 'messageType' failed to satisfy constraint: Member must satisfy enum value set: [DIGEST, RAW]`);
  if (message.length > MAX_RAW_MESSAGE_BYTES) {
    throw reader.invalid(`1 validation error detected: Value at 'message' failed to satisfy constraint: Member must have length less than or equal to ${MAX_RAW_MESSAGE_BYTES}`);
  }
  return { key, digest: createHash('sha256').update(message).digest() };
}

function blob(reader: InputReader, name: string): Buffer {
  const value = reader.string(name);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value)) throw reader.invalid(`${name}: expected base64`);
  return Buffer.from(value, 'base64');
}

function secretOf(key: KmsKey): Uint8Array {
  const d = key.privateKey.export({ format: 'jwk' }).d;
  if (d === undefined) throw new Error(`sandbox key ${key.arn} has no private scalar`);
  return Buffer.from(d, 'base64url');
}
