import { expect } from 'chai';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { writeAtomic } from '../../src/reporters/atomic-write.ts';
import { renderHtml } from '../../src/reporters/html.ts';
import { renderJunit } from '../../src/reporters/junit.ts';
import { SAMPLES_CSV_HEADER } from '../../src/reporters/samples-csv.ts';
import { pemSigner } from '../../src/evidence/pem-signer.ts';
import { readRunRecord, RunRecordReadError, withSignature, writeRunDirectory } from '../../src/reporters/write-run-directory.ts';
import { writeKeyPair } from '../evidence/signing-kit.ts';
import { buildFixtureRunRecord, buildFixtureSamples, FIXTURE_START } from './fixture-run-record.ts';

describe('writeRunDirectory', () => {
  let root: string;
  const samples = buildFixtureSamples();
  const record = buildFixtureRunRecord({}, samples);

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'drdrill-reporters-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('creates the directory and writes exactly the seven files of a signed bundle, leaving no temporary files', async () => {
    const dir = join(root, 'reports', 'primary-lambda-throttle', record.runId);
    const key = await writeKeyPair(root, 'evidence');
    const { files, signature } = await writeRunDirectory(dir, record, samples, { signer: pemSigner(key.privatePath) });
    expect(signature.status).to.equal('signed');
    expect(files).to.deep.equal(['run.json', 'junit.xml', 'index.html', 'summary.md', 'samples.csv.gz', 'manifest.sha256', 'attestation.intoto.jsonl'].map((name) => join(dir, name)));
    expect((await readdir(dir)).sort()).to.deep.equal(['attestation.intoto.jsonl', 'index.html', 'junit.xml', 'manifest.sha256', 'run.json', 'samples.csv.gz', 'summary.md']);
    const signed = withSignature(record, signature);
    expect(await readFile(join(dir, 'junit.xml'), 'utf8')).to.equal(renderJunit([signed]));
    expect(await readFile(join(dir, 'index.html'), 'utf8')).to.equal(renderHtml(signed));
  });

  it('writes run.json as pretty JSON that reads back as the same record, with why it is unsigned', async () => {
    const dir = join(root, 'round-trip');
    const { signature } = await writeRunDirectory(dir, record, samples);
    expect(signature).to.deep.equal({ status: 'unsigned', reason: 'no signer was configured' });
    const text = await readFile(join(dir, 'run.json'), 'utf8');
    expect(text.split('\n')[1]).to.equal('  "schemaVersion": 1,');
    expect(await readRunRecord(dir)).to.deep.equal(JSON.parse(JSON.stringify(withSignature(record, signature))));
  });

  it('writes every sample to samples.csv.gz, one line each under the header, quoting fields that need it', async () => {
    const dir = join(root, 'samples');
    await writeRunDirectory(dir, record, samples);
    const csv = gunzipSync(await readFile(join(dir, 'samples.csv.gz'))).toString('utf8');
    const lines = csv.trimEnd().split('\n');
    expect(lines).to.have.length(samples.length + 1);
    expect(lines[0]).to.equal(SAMPLES_CSV_HEADER);
    expect(lines[1]).to.equal(`${FIXTURE_START},20,200,,us-east-1,127.0.0.2,"api, ""v2""",`);
    expect(lines[2]).to.equal(`${FIXTURE_START + 50},21,200,,us-east-1,127.0.0.2,api,`);
    expect(lines.filter((line) => line.includes(',0,ETIMEDOUT,,127.0.0.2,'))).to.have.length(10);
  });

  it('replaces the files of an earlier write in the same directory', async () => {
    const dir = join(root, 'rewrite');
    await writeRunDirectory(dir, record, samples);
    const passed = buildFixtureRunRecord({ outcome: 'passed', exitCode: 0, verdicts: [] }, samples);
    await writeRunDirectory(dir, passed, samples);
    expect((await readRunRecord(dir)).outcome).to.equal('passed');
    expect(await readdir(dir)).to.have.length(6);
  });
});

describe('readRunRecord', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'drdrill-read-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function readError(json: string | undefined): Promise<RunRecordReadError> {
    const dir = await mkdtemp(join(root, 'case-'));
    if (json !== undefined) await writeFile(join(dir, 'run.json'), json);
    try {
      await readRunRecord(dir);
    } catch (error) {
      expect(error).to.be.instanceOf(RunRecordReadError);
      return error as RunRecordReadError;
    }
    throw new Error('readRunRecord accepted a bad run directory');
  }

  it('says run.json does not exist when the directory has none', async () => {
    const error = await readError(undefined);
    expect(error.name).to.equal('RunRecordReadError');
    expect(error.message).to.match(/cannot read run record .*run\.json: it does not exist/);
  });

  it('says run.json is not valid JSON when it is truncated', async () => {
    const text = JSON.stringify(buildFixtureRunRecord());
    expect((await readError(text.slice(0, 200))).message).to.match(/run\.json is not valid JSON/);
  });

  it('names the bad field when run.json has the wrong shape', async () => {
    const record = buildFixtureRunRecord();
    const bad = { ...record, verdicts: [{ ...record.verdicts[0], status: 'maybe' }] };
    const error = await readError(JSON.stringify(bad));
    expect(error.message).to.contain('is not a valid drdrill run record: verdicts[0].status:');
  });

  it('refuses a schema version it does not know', async () => {
    const error = await readError(JSON.stringify({ ...buildFixtureRunRecord(), schemaVersion: 2 }));
    expect(error.message).to.match(/schemaVersion 2; expected 1/);
  });
});

describe('writeAtomic', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'drdrill-atomic-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('leaves the previous file intact and no temporary file behind when the write fails midway', async () => {
    const target = join(root, 'run.json');
    await writeFile(target, 'old');
    const error = await writeAtomic(target, async (temp) => {
      await writeFile(temp, 'half a fi');
      throw new Error('disk full');
    }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).to.be.instanceOf(Error).with.property('message', 'disk full');
    expect(await readFile(target, 'utf8')).to.equal('old');
    expect(await readdir(root)).to.deep.equal(['run.json']);
  });
});
