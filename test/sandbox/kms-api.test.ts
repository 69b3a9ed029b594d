import { expect } from 'chai';
import { createHash, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateAliasCommand, CreateKeyCommand, DescribeKeyCommand, GetPublicKeyCommand, KMSClient, SignCommand, VerifyCommand } from '@aws-sdk/client-kms';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { FAST_TOPOLOGY, sdkClient } from './sandbox-test-kit.ts';

const ALIAS = 'alias/drdrill-evidence';

describe('the sandbox KMS (awsJson 1.1, TrentService) signs with ECC_NIST_P256 keys', function () {
  this.timeout(30_000);
  let sandbox: Sandbox;
  let kms: KMSClient;
  let dir: string;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'drdrill-kms-'));
    sandbox = await startSandbox({ topology: FAST_TOPOLOGY, evidenceKeyFile: path.join(dir, 'keys', 'evidence.pem') });
    kms = sdkClient(KMSClient, sandbox);
  });
  after(async () => {
    kms?.destroy();
    await sandbox?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates a key and an alias, and answers GetPublicKey by key id, key ARN, alias name and alias ARN', async () => {
    const created = await kms.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY', Description: 'test' }));
    const arn = created.KeyMetadata?.Arn ?? '';
    expect(arn).to.match(/^arn:aws:kms:us-east-1:111122223333:key\/[0-9a-f-]{36}$/);
    expect(created.KeyMetadata).to.include({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY', KeyState: 'Enabled' });
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/test-key', TargetKeyId: created.KeyMetadata?.KeyId }));
    for (const keyId of [created.KeyMetadata?.KeyId, arn, 'alias/test-key', 'arn:aws:kms:us-east-1:111122223333:alias/test-key']) {
      const answer = await kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
      expect(answer.KeyId, String(keyId)).to.equal(arn);
      expect(answer.SigningAlgorithms).to.deep.equal(['ECDSA_SHA_256']);
      const key = createPublicKey({ key: Buffer.from(answer.PublicKey ?? []), format: 'der', type: 'spki' });
      expect(key.asymmetricKeyDetails?.namedCurve).to.equal('prime256v1');
    }
  });

  it('signs RAW and DIGEST messages with DER signatures that Node and KMS Verify accept, and rejects a wrong one', async () => {
    const message = Buffer.from('DSSEv1 28 application/vnd.in-toto+json 2 {}');
    const digest = createHash('sha256').update(message).digest();
    const publicKey = createPublicKey({ key: Buffer.from((await kms.send(new GetPublicKeyCommand({ KeyId: ALIAS }))).PublicKey ?? []), format: 'der', type: 'spki' });
    for (const [type, input] of [['RAW', message], ['DIGEST', digest]] as const) {
      const signed = await kms.send(new SignCommand({ KeyId: ALIAS, Message: input, MessageType: type, SigningAlgorithm: 'ECDSA_SHA_256' }));
      const signature = Buffer.from(signed.Signature ?? []);
      expect(signature[0], `${type}: DER SEQUENCE`).to.equal(0x30);
      expect(verify('sha256', message, publicKey, signature), type).to.equal(true);
      const verified = await kms.send(new VerifyCommand({ KeyId: ALIAS, Message: input, MessageType: type, Signature: signature, SigningAlgorithm: 'ECDSA_SHA_256' }));
      expect(verified.SignatureValid).to.equal(true);
    }
    const other = sign('sha256', message, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
    const error = await kms
      .send(new VerifyCommand({ KeyId: ALIAS, Message: message, MessageType: 'RAW', Signature: other, SigningAlgorithm: 'ECDSA_SHA_256' }))
      .then(() => undefined, (e: unknown) => e as Error);
    expect(error?.name).to.equal('KMSInvalidSignatureException');
  });

  it('answers AWS-shaped errors: unknown alias, wrong digest length, unsupported algorithm and key spec', async () => {
    const nameOf = (promise: Promise<unknown>) => promise.then(() => 'no error', (e: unknown) => `${(e as Error).name}: ${(e as Error).message}`);
    expect(await nameOf(kms.send(new DescribeKeyCommand({ KeyId: 'alias/nope' })))).to.equal('NotFoundException: Alias arn:aws:kms:us-east-1:111122223333:alias/nope is not found.');
    expect(await nameOf(kms.send(new SignCommand({ KeyId: ALIAS, Message: Buffer.alloc(20), MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_256' })))).to.match(/^ValidationException: Digest is invalid length/);
    expect(await nameOf(kms.send(new SignCommand({ KeyId: ALIAS, Message: Buffer.alloc(5000), MessageType: 'RAW', SigningAlgorithm: 'ECDSA_SHA_256' })))).to.match(/^ValidationException: .*4096/);
    expect(await nameOf(kms.send(new SignCommand({ KeyId: ALIAS, Message: Buffer.alloc(32), SigningAlgorithm: 'ECDSA_SHA_384' })))).to.match(/^InvalidKeyUsageException/);
    expect(await nameOf(kms.send(new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' })))).to.match(/^UnsupportedOperationException/);
  });

  it('keeps the evidence key in its file (mode 0600), so the next sandbox has the same key ARN and public key', async () => {
    const file = path.join(dir, 'keys', 'evidence.pem');
    expect((await stat(file)).mode & 0o777).to.equal(0o600);
    expect(await readFile(file, 'utf8')).to.match(/^-----BEGIN PRIVATE KEY-----/);
    const first = await kms.send(new GetPublicKeyCommand({ KeyId: ALIAS }));
    const next = await startSandbox({ topology: FAST_TOPOLOGY, evidenceKeyFile: file });
    const nextKms = sdkClient(KMSClient, next);
    try {
      const again = await nextKms.send(new GetPublicKeyCommand({ KeyId: ALIAS }));
      expect(again.KeyId).to.equal(first.KeyId);
      expect(Buffer.from(again.PublicKey ?? []).equals(Buffer.from(first.PublicKey ?? []))).to.equal(true);
    } finally {
      nextKms.destroy();
      await next.close();
    }
  });
});
