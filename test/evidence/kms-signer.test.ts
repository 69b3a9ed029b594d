import { expect } from 'chai';
import { createHash, generateKeyPairSync, verify } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { GetPublicKeyCommand, KMSClient, KMSServiceException, SignCommand } from '@aws-sdk/client-kms';
import { kmsSigner } from '../../src/evidence/kms-signer.ts';

const ARN = 'arn:aws:kms:eu-west-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab';

describe('kmsSigner against KMS answers the sandbox does not give', () => {
  // Mocking the class mocks every KMSClient: only while this suite runs, never at load time.
  let kms: AwsClientStub<KMSClient>;
  before(() => {
    kms = mockClient(KMSClient);
  });
  after(() => kms.restore());
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const publicKeyAnswer = {
    KeyId: ARN,
    PublicKey: publicKey.export({ type: 'spki', format: 'der' }),
    KeySpec: 'ECC_NIST_P256' as const,
    KeyUsage: 'SIGN_VERIFY' as const,
    SigningAlgorithms: ['ECDSA_SHA_256' as const],
  };
  afterEach(() => kms.reset());

  it('resolves the alias to the key ARN, and sends SHA-256 of the message as a DIGEST to that ARN', async () => {
    kms.on(GetPublicKeyCommand).resolves(publicKeyAnswer);
    // Like KMS: a DIGEST is signed as given, not hashed again.
    const secret = Buffer.from(privateKey.export({ format: 'jwk' }).d ?? '', 'base64url');
    kms.on(SignCommand).callsFake((input: { Message: Uint8Array }) => ({ KeyId: ARN, Signature: p256.sign(input.Message, secret, { prehash: false, format: 'der' }), SigningAlgorithm: 'ECDSA_SHA_256' }));
    const signer = kmsSigner(new KMSClient({ region: 'eu-west-1' }), 'alias/audit');
    expect(await signer.identify()).to.deep.equal({ signer: 'aws-kms', keyId: ARN, algorithm: 'ECDSA_SHA_256' });
    const message = Buffer.from('DSSEv1 1 t 2 {}');
    const signature = await signer.sign(message);
    const call = kms.commandCalls(SignCommand)[0]?.args[0].input;
    expect(call).to.deep.include({ KeyId: ARN, MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_256' });
    expect(Buffer.from(call?.Message ?? []).equals(createHash('sha256').update(message).digest())).to.equal(true);
    // What KMS signed over the digest verifies over the message itself.
    expect(verify('sha256', message, publicKey, signature)).to.equal(true);
    expect(kms.commandCalls(GetPublicKeyCommand)).to.have.length(1);
  });

  it('refuses a key that is not an ECC_NIST_P256 signing key, naming what it is', async () => {
    kms.on(GetPublicKeyCommand).resolves({ ...publicKeyAnswer, KeySpec: 'RSA_2048', SigningAlgorithms: ['RSASSA_PSS_SHA_256'] });
    await kmsSigner(new KMSClient({ region: 'eu-west-1' }), 'alias/rsa').identify().then(
      () => expect.fail('identified an RSA key'),
      (error: Error) => expect(error.message).to.equal('KMS key alias/rsa is RSA_2048 for SIGN_VERIFY; expected an ECC_NIST_P256 key for SIGN_VERIFY with ECDSA_SHA_256'),
    );
  });

  it('says which call failed and why when kms:Sign is denied', async () => {
    kms.on(GetPublicKeyCommand).resolves(publicKeyAnswer);
    kms.on(SignCommand).rejects(new KMSServiceException({ name: 'AccessDeniedException', $fault: 'client', $metadata: {}, message: 'User is not authorized to perform: kms:Sign' }));
    await kmsSigner(new KMSClient({ region: 'eu-west-1' }), 'alias/audit').sign(Buffer.from('x')).then(
      () => expect.fail('signed without permission'),
      (error: Error) => expect(error.message).to.equal(`KMS Sign with ${ARN} failed: AccessDeniedException: User is not authorized to perform: kms:Sign`),
    );
  });
});
