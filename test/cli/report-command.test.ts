import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reportCommand } from '../../src/cli/report-command.ts';
import { verifyCommand } from '../../src/cli/verify-command.ts';
import { MANIFEST_FILE } from '../../src/evidence/manifest.ts';
import { pemSigner } from '../../src/evidence/pem-signer.ts';
import { ATTESTATION_FILE } from '../../src/evidence/statement.ts';
import { writeRunDirectory } from '../../src/reporters/write-run-directory.ts';
import { captureIo } from '../e2e/e2e-kit.ts';
import { writeKeyPair } from '../evidence/signing-kit.ts';
import { buildFixtureRunRecord, buildFixtureSamples } from '../reporters/fixture-run-record.ts';

/** Every file of a directory and its bytes, to prove a refusal wrote nothing. */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const name of (await readdir(dir)).sort()) files.set(name, (await readFile(join(dir, name))).toString('base64'));
  return files;
}

describe('drdrill report re-renders only what it can vouch for', () => {
  let root: string;
  let pristine: string;
  let key: { privatePath: string; publicPath: string };
  let count = 0;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'drdrill-report-'));
    key = await writeKeyPair(root, 'evidence');
    pristine = join(root, 'pristine');
    await writeRunDirectory(pristine, buildFixtureRunRecord(), buildFixtureSamples(), { signer: pemSigner(key.privatePath) });
  });
  after(async () => {
    if (root !== undefined) await rm(root, { recursive: true, force: true });
  });

  function copy(): string {
    const dir = join(root, `copy-${count++}`);
    spawnSync('cp', ['-r', pristine, dir]);
    return dir;
  }
  const verifyWith = async (dir: string, keyFile: string): Promise<number> => verifyCommand(dir, { key: keyFile, env: 'sandbox' }, captureIo());

  it('shows in the HTML report who signed: the PEM key’s fingerprint', async () => {
    const html = await readFile(join(pristine, 'index.html'), 'utf8');
    const fingerprint = spawnSync('bash', ['-c', `openssl pkey -pubin -in ${key.publicPath} -outform DER | sha256sum`], { encoding: 'utf8' }).stdout.slice(0, 64);
    expect(fingerprint).to.match(/^[0-9a-f]{64}$/);
    expect(html).to.contain(`<dt>Signed by</dt><dd>sha256:${fingerprint} (local PEM key, SHA-256 of its public key, ECDSA_SHA_256)</dd>`);
  });

  it('re-renders a verified bundle, re-signs it with the private key, and it still verifies', async () => {
    const dir = copy();
    const before = await snapshot(dir);
    const inodes = await Promise.all(['index.html', 'junit.xml', 'summary.md', 'run.json'].map(async (file) => (await stat(join(dir, file))).ino));
    const io = captureIo();
    expect(await reportCommand(dir, { key: key.privatePath, env: 'sandbox' }, io), io.text()).to.equal(0);
    const rewritten = await Promise.all(['index.html', 'junit.xml', 'summary.md', 'run.json'].map(async (file) => (await stat(join(dir, file))).ino));
    // The three reports were written anew (atomic rename: a new inode); run.json, the evidence, was not touched.
    expect(rewritten.map((ino, i) => ino !== inodes[i])).to.deep.equal([true, true, true, false]);
    expect(io.text()).to.match(/re-signed by sha256:[0-9a-f]{64}$/);
    const after = await snapshot(dir);
    // Same renderer, same record: the reports come out byte for byte; ECDSA makes a fresh signature.
    for (const file of ['index.html', 'junit.xml', 'summary.md', 'run.json', 'samples.csv.gz', MANIFEST_FILE]) expect(after.get(file), file).to.equal(before.get(file));
    expect(after.get(ATTESTATION_FILE)).to.not.equal(before.get(ATTESTATION_FILE));
    expect(await verifyWith(dir, key.publicPath)).to.equal(0);
  });

  it('refuses a forged run.json with a recomputed manifest: exit 1, names the files, writes nothing', async () => {
    const dir = copy();
    const record = await readFile(join(dir, 'run.json'), 'utf8');
    await writeFile(join(dir, 'run.json'), record.replace('"outcome": "failed"', '"outcome": "passed"'));
    const files = ['index.html', 'junit.xml', 'run.json', 'samples.csv.gz', 'summary.md'];
    await writeFile(join(dir, MANIFEST_FILE), spawnSync('sha256sum', files, { cwd: dir, encoding: 'utf8' }).stdout);
    const before = await snapshot(dir);
    const io = captureIo();
    expect(await reportCommand(dir, { key: key.privatePath, env: 'sandbox' }, io)).to.equal(1);
    expect(io.text()).to.contain('does not verify, so nothing was re-rendered or re-signed');
    expect(io.text()).to.contain('changed: run.json');
    expect(io.text()).to.contain('changed: manifest.sha256');
    expect(await snapshot(dir)).to.deep.equal(before);
    expect(await readFile(join(dir, 'summary.md'), 'utf8')).to.contain('FAILED');
  });

  it('refuses a bundle signed by another key: exit 1, unknown key, writes nothing', async () => {
    const dir = copy();
    const other = await writeKeyPair(root, `other-${count++}`);
    const before = await snapshot(dir);
    const io = captureIo();
    expect(await reportCommand(dir, { key: other.privatePath, env: 'sandbox' }, io)).to.equal(1);
    expect(io.text()).to.contain('unknown key: signed by unknown key sha256:');
    expect(await snapshot(dir)).to.deep.equal(before);
  });

  it('with only the public key it can verify but not re-sign: exit 2, writes nothing', async () => {
    const dir = copy();
    const before = await snapshot(dir);
    const io = captureIo();
    expect(await reportCommand(dir, { key: key.publicPath, env: 'sandbox' }, io)).to.equal(2);
    expect(io.text()).to.contain('must be re-signed by that key, which is not at hand (no private key)');
    expect(io.text()).to.contain('Nothing was written.');
    expect(await snapshot(dir)).to.deep.equal(before);
  });

  it('exits 2 when the directory holds no run record', async () => {
    const io = captureIo();
    expect(await reportCommand(join(root, 'nowhere'), { key: key.publicPath, env: 'sandbox' }, io)).to.equal(2);
    expect(io.text()).to.contain('does not exist; expected the directory of a finished drill run');
  });
});
