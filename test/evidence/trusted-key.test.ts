import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsClients } from '../../src/aws/aws-clients.ts';
import { KeyFileError, readPemKey } from '../../src/evidence/public-key.ts';
import { trustedKeyFromEnvironment, trustedKeyFromPem } from '../../src/evidence/trusted-key.ts';
import { writeKeyPair } from './signing-kit.ts';

describe('which key a verifier trusts', () => {
  let dir: string;
  const clients = AwsClients.forEnvironment({ kind: 'aws', endpoint: 'http://127.0.0.1:9' });
  const environment = { name: 'staging', regions: ['us-east-1', 'us-west-2'] };
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'drdrill-trusted-'));
  });
  after(async () => {
    clients.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  it('a PEM key (private or public) is trusted under the fingerprint openssl computes', async () => {
    const key = await writeKeyPair(dir, 'evidence');
    const openssl = execFileSync('bash', ['-c', `openssl pkey -pubin -in ${key.publicPath} -outform DER | sha256sum`], { encoding: 'utf8' }).slice(0, 64);
    expect((await trustedKeyFromPem(key.publicPath)).keyId).to.equal(`sha256:${openssl}`);
    expect((await trustedKeyFromPem(key.privatePath)).keyId).to.equal(`sha256:${openssl}`);
    const fromEnv = await trustedKeyFromEnvironment({ ...environment, evidence: { signingKeyFile: key.privatePath } }, clients);
    expect(fromEnv).to.deep.include({ keyId: `sha256:${openssl}`, source: `evidence.signingKeyFile ${key.privatePath} of environment staging` });
  });

  it('an environment without a signing key gives none', async () => {
    expect(await trustedKeyFromEnvironment(environment, clients)).to.equal(undefined);
  });

  it('refuses keys that are not EC P-256, and files that are not keys, naming the file', async () => {
    const rsa = join(dir, 'rsa.pem');
    await writeFile(rsa, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    await readPemKey(rsa).then(
      () => expect.fail('accepted an RSA key'),
      (error: Error) => {
        expect(error).to.be.instanceOf(KeyFileError);
        expect(error.message).to.match(/rsa\.pem holds a key of type rsa; expected an EC P-256 key/);
      },
    );
    const text = join(dir, 'notes.txt');
    await writeFile(text, 'hello');
    await readPemKey(text).then(
      () => expect.fail('accepted a text file'),
      (error: Error) => expect(error.message).to.match(/notes\.txt is not a PEM key/),
    );
  });
});
