import { expect } from 'chai';
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KMSClient } from '@aws-sdk/client-kms';
import type { EvidenceSigner } from '../../src/evidence/evidence-signer.ts';
import { kmsSigner } from '../../src/evidence/kms-signer.ts';
import { verifyManifest } from '../../src/evidence/manifest.ts';
import { ATTESTATION_FILE } from '../../src/evidence/statement.ts';
import { readRunRecord, writeRunDirectory } from '../../src/reporters/write-run-directory.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { buildFixtureRunRecord, buildFixtureSamples } from '../reporters/fixture-run-record.ts';
import { FAST_TOPOLOGY, sdkClient } from '../sandbox/sandbox-test-kit.ts';

const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);

describe('a run whose signer fails still writes its reports, and they say it is unsigned', function () {
  this.timeout(30_000);
  let sandbox: Sandbox;
  let kms: KMSClient;
  let root: string;

  before(async () => {
    sandbox = await startSandbox({ topology: FAST_TOPOLOGY });
    kms = sdkClient(KMSClient, sandbox);
    root = await mkdtemp(join(tmpdir(), 'drdrill-unsigned-'));
  });
  after(async () => {
    kms?.destroy();
    await sandbox?.close();
    if (root !== undefined) await rm(root, { recursive: true, force: true });
  });

  async function expectUnsigned(dir: string, reason: RegExp): Promise<void> {
    for (const file of ['run.json', 'index.html', 'junit.xml', 'summary.md', 'samples.csv.gz', 'manifest.sha256']) expect(await exists(join(dir, file)), file).to.equal(true);
    expect(await exists(join(dir, ATTESTATION_FILE))).to.equal(false);
    const signature = (await readRunRecord(dir)).evidence?.signature;
    expect(signature?.status).to.equal('unsigned');
    expect(signature !== undefined && 'reason' in signature ? signature.reason : '').to.match(reason);
    const html = await readFile(join(dir, 'index.html'), 'utf8');
    expect(html).to.match(/<dt>Signed by<\/dt><dd>UNSIGNED: /);
    // No key ARN anywhere: the report must not name a key that signed nothing.
    expect(html).to.not.match(/arn:aws:kms:[^\s"<]*:key\//);
    expect((await verifyManifest(dir)).intact).to.equal(true);
  }

  it('a KMS key that does not exist: unsigned from the start, with KMS’s NotFoundException as the reason', async () => {
    const dir = join(root, 'no-key');
    const written = await writeRunDirectory(dir, buildFixtureRunRecord(), buildFixtureSamples(), { signer: kmsSigner(kms, 'alias/missing') });
    expect(written.signature).to.deep.include({ status: 'unsigned' });
    await expectUnsigned(dir, /^KMS key alias\/missing cannot sign: SignerError: KMS GetPublicKey for alias\/missing failed: NotFoundException: Alias arn:aws:kms:us-east-1:111122223333:alias\/missing is not found\.$/);
  });

  it('a signer that fails at Sign after naming its key: the reports that named it are rewritten as unsigned', async () => {
    const dir = join(root, 'sign-fails');
    const real = kmsSigner(kms, 'alias/drdrill-evidence');
    const denied: EvidenceSigner = { label: real.label, identify: () => real.identify(), sign: () => Promise.reject(new Error('AccessDeniedException: not authorized to perform kms:Sign')) };
    const written = await writeRunDirectory(dir, buildFixtureRunRecord(), buildFixtureSamples(), { signer: denied });
    expect(written.signature).to.deep.include({ status: 'unsigned' });
    expect(written.files.map((file) => file.slice(dir.length + 1))).to.not.include(ATTESTATION_FILE);
    await expectUnsigned(dir, /could not sign: Error: AccessDeniedException: not authorized to perform kms:Sign$/);
  });

  it('no signer at all: unsigned, with the reason the caller gave', async () => {
    const dir = join(root, 'none');
    await writeRunDirectory(dir, buildFixtureRunRecord(), buildFixtureSamples(), { unsignedReason: 'the environment names no evidence.signingKey' });
    await expectUnsigned(dir, /^the environment names no evidence\.signingKey$/);
  });
});
