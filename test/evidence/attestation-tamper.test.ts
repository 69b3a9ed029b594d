import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { sign, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KMSClient } from '@aws-sdk/client-kms';
import { verifyCommand } from '../../src/cli/verify-command.ts';
import { IN_TOTO_PAYLOAD_TYPE, preAuthEncoding, type DsseEnvelope } from '../../src/evidence/dsse.ts';
import { kmsSigner } from '../../src/evidence/kms-signer.ts';
import { MANIFEST_FILE } from '../../src/evidence/manifest.ts';
import { ATTESTATION_FILE } from '../../src/evidence/statement.ts';
import { readRunRecord, writeRunDirectory } from '../../src/reporters/write-run-directory.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { captureIo } from '../e2e/e2e-kit.ts';
import { buildFixtureRunRecord, buildFixtureSamples } from '../reporters/fixture-run-record.ts';
import { FAST_TOPOLOGY, sdkClient } from '../sandbox/sandbox-test-kit.ts';

describe('drdrill verify names exactly what was done to a KMS-signed bundle', function () {
  this.timeout(60_000);
  let sandbox: Sandbox;
  let kms: KMSClient;
  let root: string;
  let pristine: string;
  let keyArn: string;
  let count = 0;

  before(async () => {
    sandbox = await startSandbox({ topology: FAST_TOPOLOGY });
    kms = sdkClient(KMSClient, sandbox);
    root = await mkdtemp(join(tmpdir(), 'drdrill-tamper-'));
    pristine = join(root, 'pristine');
    const evidence = { operator: { arn: 'arn:aws:iam::111122223333:role/game-day', account: '111122223333', userId: 'AROAEXAMPLE:alice' }, gitRevision: 'a'.repeat(40) };
    const written = await writeRunDirectory(pristine, buildFixtureRunRecord({ evidence }), buildFixtureSamples(), { signer: kmsSigner(kms, 'alias/drdrill-evidence') });
    if (written.signature.status !== 'signed') expect.fail(`fixture bundle unsigned: ${written.signature.reason}`);
    keyArn = written.signature.keyId;
  });
  after(async () => {
    kms?.destroy();
    await sandbox?.close();
    if (root !== undefined) await rm(root, { recursive: true, force: true });
  });

  async function copy(): Promise<string> {
    const dir = join(root, `copy-${count++}`);
    spawnSync('cp', ['-r', pristine, dir]);
    return dir;
  }
  async function verify(dir: string): Promise<{ code: number; text: string }> {
    const io = captureIo();
    const code = await verifyCommand(dir, { env: 'sandbox', sandboxUrl: sandbox.description.controlPlaneUrl }, io);
    return { code, text: io.text() };
  }
  /** The problem lines verify printed, without the heading. */
  const problems = (text: string): string[] => text.split('\n').slice(1).map((line) => line.trim());
  const envelopeOf = async (dir: string): Promise<DsseEnvelope> => JSON.parse(await readFile(join(dir, ATTESTATION_FILE), 'utf8')) as DsseEnvelope;

  it('accepts the untouched bundle, naming the KMS key ARN that signed it, which the HTML report shows too', async () => {
    const { code, text } = await verify(pristine);
    expect(code, text).to.equal(0);
    expect(keyArn).to.match(/^arn:aws:kms:us-east-1:111122223333:key\//);
    expect(text).to.contain(`signed by ${keyArn}`);
    expect(text).to.contain('6 files match the signed attestation');
    const html = await readFile(join(pristine, 'index.html'), 'utf8');
    expect(html).to.contain(`<dt>Signed by</dt><dd>${keyArn} (AWS KMS key, ECDSA_SHA_256)</dd>`);
  });

  it('signs an in-toto Statement v1 whose subjects are every file (sha256sum agrees) and whose predicate is the run', async () => {
    const envelope = await envelopeOf(pristine);
    expect(envelope.payloadType).to.equal('application/vnd.in-toto+json');
    expect(envelope.signatures.map((s) => s.keyid)).to.deep.equal([keyArn]);
    const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as {
      _type: string;
      subject: { name: string; digest: { sha256: string } }[];
      predicateType: string;
      predicate: Record<string, unknown>;
    };
    expect(statement._type).to.equal('https://in-toto.io/Statement/v1');
    expect(statement.predicateType).to.equal('https://drdrill.dev/attestation/drill-run/v1');
    const files = ['index.html', 'junit.xml', 'manifest.sha256', 'run.json', 'samples.csv.gz', 'summary.md'];
    const sums = spawnSync('sha256sum', files, { cwd: pristine, encoding: 'utf8' }).stdout.trim().split('\n').map((line) => ({ name: line.slice(66), digest: { sha256: line.slice(0, 64) } }));
    expect(statement.subject).to.deep.equal(sums);
    const record = await readRunRecord(pristine);
    expect(record.evidence?.operator).to.have.property('arn', 'arn:aws:iam::111122223333:role/game-day');
    expect(statement.predicate).to.deep.include({
      runId: record.runId,
      drill: { name: record.drill.name, file: record.drill.file },
      environment: record.environment,
      operator: record.evidence?.operator,
      tool: record.tool,
      gitRevision: 'a'.repeat(40),
      startedAt: new Date(record.startedAt).toISOString(),
      endedAt: new Date(record.endedAt).toISOString(),
      approvals: [],
      notes: [],
    });
    expect(record.verdicts.map((v) => v.status)).to.include.members(['passed', 'failed']);
    expect(statement.predicate['verdict']).to.deep.include({
      outcome: record.outcome,
      exitCode: record.exitCode,
      passed: record.verdicts.filter((v) => v.status === 'passed').length,
      failed: record.verdicts.filter((v) => v.status === 'failed').length,
      errored: record.verdicts.filter((v) => v.status === 'errored').length,
    });
  });

  it('a byte of run.json changed: exit 1, "changed: run.json" and nothing else', async () => {
    const dir = await copy();
    const bytes = await readFile(join(dir, 'run.json'));
    bytes[200] = (bytes[200] ?? 0) ^ 0x01;
    await writeFile(join(dir, 'run.json'), bytes);
    const { code, text } = await verify(dir);
    expect(code).to.equal(1);
    expect(problems(text)).to.deep.equal(['changed: run.json (its SHA-256 differs from the signed attestation)']);
  });

  it('a file added: exit 1, "added: <file>"', async () => {
    const dir = await copy();
    await writeFile(join(dir, 'approval.txt'), 'approved by nobody');
    const { code, text } = await verify(dir);
    expect(code).to.equal(1);
    expect(problems(text)).to.deep.equal(['added:   approval.txt (not listed in the signed attestation)']);
  });

  it('a file removed: exit 1, "removed: <file>"', async () => {
    const dir = await copy();
    await rm(join(dir, 'junit.xml'));
    const { code, text } = await verify(dir);
    expect(code).to.equal(1);
    expect(problems(text)).to.deep.equal(['removed: junit.xml (listed in the signed attestation, missing)']);
  });

  it('run.json changed and manifest.sha256 recomputed with sha256sum: exit 1 naming both, though sha256sum -c passes', async () => {
    const dir = await copy();
    const text = await readFile(join(dir, 'run.json'), 'utf8');
    expect(text).to.contain('"outcome": "failed"');
    await writeFile(join(dir, 'run.json'), text.replace('"outcome": "failed"', '"outcome": "passed"'));
    const files = ['index.html', 'junit.xml', 'run.json', 'samples.csv.gz', 'summary.md'];
    const resealed = spawnSync('sha256sum', files, { cwd: dir, encoding: 'utf8' });
    await writeFile(join(dir, MANIFEST_FILE), resealed.stdout);
    expect(spawnSync('sha256sum', ['--check', '--strict', MANIFEST_FILE], { cwd: dir }).status, 'the forger’s manifest checks out').to.equal(0);
    const result = await verify(dir);
    expect(result.code).to.equal(1);
    expect(problems(result.text)).to.deep.equal([
      'changed: manifest.sha256 (its SHA-256 differs from the signed attestation)',
      'changed: run.json (its SHA-256 differs from the signed attestation)',
    ]);
  });

  it("the envelope's signature replaced by one from another key: exit 1, bad signature (same keyid) or unknown key (its own keyid)", async () => {
    const dir = await copy();
    const envelope = await envelopeOf(dir);
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const forged = sign('sha256', preAuthEncoding(envelope.payloadType, Buffer.from(envelope.payload, 'base64')), other).toString('base64');
    await writeFile(join(dir, ATTESTATION_FILE), `${JSON.stringify({ ...envelope, signatures: [{ keyid: keyArn, sig: forged }] })}\n`);
    const sameKeyid = await verify(dir);
    expect(sameKeyid.code).to.equal(1);
    expect(problems(sameKeyid.text)).to.deep.equal([
      `bad signature: the signature does not verify with ${keyArn} (evidence.signingKey alias/drdrill-evidence of environment sandbox): the attestation was altered or signed by another key`,
    ]);
    await writeFile(join(dir, ATTESTATION_FILE), `${JSON.stringify({ ...envelope, signatures: [{ keyid: 'sha256:forger', sig: forged }] })}\n`);
    const ownKeyid = await verify(dir);
    expect(ownKeyid.code).to.equal(1);
    expect(problems(ownKeyid.text)).to.deep.equal([
      `unknown key: signed by unknown key sha256:forger; the trusted key (evidence.signingKey alias/drdrill-evidence of environment sandbox) is ${keyArn}`,
    ]);
  });

  it('a forged Statement (run.json digest updated to match a forged run.json) under the old signature: bad signature, and run.json named from the manifest', async () => {
    const dir = await copy();
    const envelope = await envelopeOf(dir);
    const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as { subject: { name: string; digest: { sha256: string } }[] };
    await writeFile(join(dir, 'run.json'), (await readFile(join(dir, 'run.json'), 'utf8')).replace('"outcome": "failed"', '"outcome": "passed"'));
    const forgedDigest = spawnSync('sha256sum', ['run.json'], { cwd: dir, encoding: 'utf8' }).stdout.slice(0, 64);
    const forged = { ...statement, subject: statement.subject.map((s) => (s.name === 'run.json' ? { ...s, digest: { sha256: forgedDigest } } : s)) };
    await writeFile(join(dir, ATTESTATION_FILE), `${JSON.stringify({ ...envelope, payload: Buffer.from(JSON.stringify(forged)).toString('base64') })}\n`);
    const { code, text } = await verify(dir);
    expect(code).to.equal(1);
    expect(problems(text)[0]).to.match(/^bad signature: the signature does not verify with arn:aws:kms:/);
    expect(problems(text)).to.include('changed: run.json (its SHA-256 differs from manifest.sha256 (unsigned, so only as far as it can be trusted))');
  });

  it('the attestation removed, or not a DSSE envelope, or of another payload type: missing or bad signature', async () => {
    const dir = await copy();
    const envelope = await envelopeOf(dir);
    await writeFile(join(dir, ATTESTATION_FILE), `${JSON.stringify({ ...envelope, payloadType: 'text/plain' })}\n`);
    expect(problems((await verify(dir)).text)).to.deep.equal([`bad signature: ${ATTESTATION_FILE}: payloadType is "text/plain"; expected "${IN_TOTO_PAYLOAD_TYPE}"`]);
    await writeFile(join(dir, ATTESTATION_FILE), 'not json\n');
    expect(problems((await verify(dir)).text)[0]).to.match(/^bad signature: attestation\.intoto\.jsonl is not JSON/);
    await rm(join(dir, ATTESTATION_FILE));
    const missing = await verify(dir);
    expect(missing.code).to.equal(1);
    expect(problems(missing.text)).to.deep.equal(['missing signature: attestation.intoto.jsonl does not exist: the run is unsigned']);
  });
});
