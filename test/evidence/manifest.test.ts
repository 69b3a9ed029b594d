import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { appendFile, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MANIFEST_FILE, verifyManifest } from '../../src/evidence/manifest.ts';
import { pemSigner } from '../../src/evidence/pem-signer.ts';
import { ATTESTATION_FILE } from '../../src/evidence/statement.ts';
import { verifyCommand } from '../../src/cli/verify-command.ts';
import type { CliIo } from '../../src/cli/cli-io.ts';
import { writeRunDirectory } from '../../src/reporters/write-run-directory.ts';
import { buildFixtureRunRecord, buildFixtureSamples } from '../reporters/fixture-run-record.ts';
import { writeKeyPair } from './signing-kit.ts';

function capture(): { out: (line: string) => void; err: (line: string) => void; text: () => string } {
  const lines: string[] = [];
  return { out: (line) => lines.push(line), err: (line) => lines.push(line), text: () => lines.join('\n') };
}

describe('the evidence bundle manifest', () => {
  let root: string;
  let pristine: string;
  let count = 0;
  let verify: (dir: string, io: CliIo) => Promise<number>;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'drdrill-manifest-'));
    pristine = join(root, 'pristine');
    const key = await writeKeyPair(root, 'evidence');
    await writeRunDirectory(pristine, buildFixtureRunRecord(), buildFixtureSamples(), { signer: pemSigner(key.privatePath) });
    verify = (dir, io) => verifyCommand(dir, { key: key.publicPath, env: 'sandbox' }, io);
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** A fresh copy of the sealed bundle to tamper with. */
  async function copy(): Promise<string> {
    const dir = join(root, `copy-${count++}`);
    spawnSync('cp', ['-r', pristine, dir]);
    return dir;
  }

  it('lists every other file of the run directory with its SHA-256, in sha256sum format', async () => {
    const manifest = await readFile(join(pristine, MANIFEST_FILE), 'utf8');
    const names = manifest.trimEnd().split('\n').map((line) => line.slice(66));
    expect(names).to.deep.equal(['index.html', 'junit.xml', 'run.json', 'samples.csv.gz', 'summary.md']);
    expect((await readdir(pristine)).filter((name) => name !== MANIFEST_FILE && name !== ATTESTATION_FILE).sort()).to.deep.equal(names);
    const check = spawnSync('sha256sum', ['--check', '--strict', MANIFEST_FILE], { cwd: pristine, encoding: 'utf8' });
    expect(check.status, check.stdout + check.stderr).to.equal(0);
  });

  it('verifies an untouched bundle and exits 0', async () => {
    const io = capture();
    expect(await verify(pristine, io)).to.equal(0);
    expect(io.text()).to.contain('6 files match the signed attestation');
  });

  it('catches a single flipped bit at the start, middle and end of every file, naming the file', async function () {
    this.timeout(20_000);
    const files = (await readdir(pristine)).filter((name) => name !== MANIFEST_FILE && name !== ATTESTATION_FILE);
    const dir = await copy();
    for (const file of files) {
      const original = await readFile(join(dir, file));
      for (const position of [0, Math.floor(original.length / 2), original.length - 1]) {
        const tampered = Buffer.from(original);
        tampered[position] = (tampered[position] ?? 0) ^ 0x01;
        await writeFile(join(dir, file), tampered);
        const io = capture();
        expect(await verify(dir, io), `${file} byte ${position}`).to.equal(1);
        expect(io.text()).to.contain(`changed: ${file}`);
        expect((await verifyManifest(dir)).changed).to.deep.equal([file]);
      }
      await writeFile(join(dir, file), original);
    }
    expect((await verifyManifest(dir)).intact).to.equal(true);
  });

  it('catches every byte of run.json changed in turn', async function () {
    this.timeout(30_000);
    const dir = await copy();
    const original = await readFile(join(dir, 'run.json'));
    // Every byte of the first 256 (the identity of the run) and every 1009th after it.
    const positions = [...Array(original.length).keys()].filter((i) => i < 256 || i % 1009 === 0);
    for (const position of positions) {
      const tampered = Buffer.from(original);
      tampered[position] = ((tampered[position] ?? 0) + 1) & 0xff;
      await writeFile(join(dir, 'run.json'), tampered);
      const check = await verifyManifest(dir);
      if (check.intact || check.changed[0] !== 'run.json') expect.fail(`byte ${position} of run.json changed unnoticed`);
    }
  });

  it('names files that were added, removed, renamed or grew', async () => {
    const dir = await copy();
    await writeFile(join(dir, 'extra.txt'), 'planted');
    await rm(join(dir, 'summary.md'));
    await rename(join(dir, 'junit.xml'), join(dir, 'junit-old.xml'));
    await appendFile(join(dir, 'index.html'), '\n');
    const io = capture();
    expect(await verify(dir, io)).to.equal(1);
    const text = io.text();
    for (const line of ['changed: index.html', 'added:   extra.txt', 'added:   junit-old.xml', 'removed: junit.xml', 'removed: summary.md']) expect(text).to.contain(line);
  });

  it('catches a file planted in a subdirectory', async () => {
    const dir = await copy();
    spawnSync('mkdir', [join(dir, 'sub')]);
    await writeFile(join(dir, 'sub', 'note.txt'), 'x');
    expect(await verifyManifest(dir)).to.include({ intact: false }).and.deep.include({ added: ['sub/note.txt'] });
  });

  it('catches an edited manifest: a hash changed to match nothing', async () => {
    const dir = await copy();
    const manifest = await readFile(join(dir, MANIFEST_FILE), 'utf8');
    await writeFile(join(dir, MANIFEST_FILE), manifest.replace(/^[0-9a-f]/, (c) => (c === '0' ? '1' : '0')));
    expect((await verifyManifest(dir)).changed).to.deep.equal(['index.html']);
  });

  it('names a signed manifest that was removed or mangled, and exits 2 for a directory with neither manifest nor attestation', async () => {
    const dir = await copy();
    await rm(join(dir, MANIFEST_FILE));
    const io = capture();
    expect(await verify(dir, io)).to.equal(1);
    expect(io.text()).to.contain('removed: manifest.sha256');
    await writeFile(join(dir, MANIFEST_FILE), 'not a manifest\n');
    const io2 = capture();
    expect(await verify(dir, io2)).to.equal(1);
    expect(io2.text()).to.contain('changed: manifest.sha256');
    await rm(join(dir, MANIFEST_FILE));
    await rm(join(dir, ATTESTATION_FILE));
    const io3 = capture();
    expect(await verify(dir, io3)).to.equal(2);
    expect(io3.text()).to.match(/manifest\.sha256 does not exist; expected the run directory of a drill run/);
  });

  it('still exits 2 naming the bad line when an unsigned bundle has a malformed manifest', async () => {
    const dir = await copy();
    await rm(join(dir, ATTESTATION_FILE));
    await writeFile(join(dir, MANIFEST_FILE), 'not a manifest\n');
    const io = capture();
    expect(await verify(dir, io)).to.equal(2);
    expect(io.text()).to.contain('line 1 is not "<64 hex digits>  <file>"');
  });
});
