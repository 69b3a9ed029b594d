import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { access, constants, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetPublicKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { kmsSigner } from '../../src/evidence/kms-signer.ts';
import { ATTESTATION_FILE } from '../../src/evidence/statement.ts';
import { writeRunDirectory } from '../../src/reporters/write-run-directory.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { buildFixtureRunRecord, buildFixtureSamples } from '../reporters/fixture-run-record.ts';
import { FAST_TOPOLOGY, sdkClient } from '../sandbox/sandbox-test-kit.ts';

/** Debian's openssl and jq: tools that share no code with drdrill. */
const OPENSSL = '/usr/bin/openssl';
const JQ = '/usr/bin/jq';

/**
 * What an auditor runs with no drdrill at hand: rebuild the DSSE pre-authentication encoding
 * from the envelope with printf, check the DER ECDSA signature over it with openssl and the
 * public key exported from KMS, then check every file against the signed subjects.
 */
const AUDITOR_SCRIPT = String.raw`
set -euo pipefail
bundle=$1 key=$2 work=$3
envelope="$bundle/attestation.intoto.jsonl"
type=$(jq -j .payloadType "$envelope")
jq -j .payload "$envelope" | base64 -d > "$work/payload.json"
jq -j '.signatures[0].sig' "$envelope" | base64 -d > "$work/sig.der"
# PAE = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths in bytes.
{ printf 'DSSEv1 %d %s %d ' "$(printf %s "$type" | wc -c)" "$type" "$(wc -c < "$work/payload.json")"; cat "$work/payload.json"; } > "$work/pae.bin"
openssl pkey -pubin -inform DER -in "$key" -out "$work/key.pem"
openssl dgst -sha256 -verify "$work/key.pem" -signature "$work/sig.der" "$work/pae.bin"
jq -r '.subject[] | "\(.digest.sha256)  \(.name)"' "$work/payload.json" > "$work/subjects.sha256"
cd "$bundle" && sha256sum --check --strict "$work/subjects.sha256"
`;

async function requireTool(file: string, debianPackage: string): Promise<void> {
  try {
    await access(file, constants.X_OK);
  } catch {
    throw new Error(`${file} is missing: install the Debian package ${debianPackage} (apt-get install -y ${debianPackage}); this test never skips`);
  }
}

describe('a signed bundle checks out with openssl, jq and sha256sum alone', function () {
  this.timeout(60_000);
  let sandbox: Sandbox;
  let kms: KMSClient;
  let root: string;
  let bundle: string;
  let keyDer: string;
  let count = 0;

  before(async () => {
    await requireTool(OPENSSL, 'openssl');
    await requireTool(JQ, 'jq');
    sandbox = await startSandbox({ topology: FAST_TOPOLOGY });
    kms = sdkClient(KMSClient, sandbox);
    root = await mkdtemp(join(tmpdir(), 'drdrill-openssl-'));
    bundle = join(root, 'bundle');
    await writeRunDirectory(bundle, buildFixtureRunRecord(), buildFixtureSamples(), { signer: kmsSigner(kms, 'alias/drdrill-evidence') });
    // The public key as anyone with kms:GetPublicKey exports it (DER SubjectPublicKeyInfo).
    const exported = await kms.send(new GetPublicKeyCommand({ KeyId: 'alias/drdrill-evidence' }));
    keyDer = join(root, 'evidence.der');
    await writeFile(keyDer, exported.PublicKey ?? new Uint8Array());
  });
  after(async () => {
    kms?.destroy();
    await sandbox?.close();
    if (root !== undefined) await rm(root, { recursive: true, force: true });
  });

  function audit(dir: string, key = keyDer): { status: number | null; output: string } {
    const work = join(root, `work-${count++}`);
    spawnSync('mkdir', [work]);
    const result = spawnSync('/bin/bash', ['-c', AUDITOR_SCRIPT, 'audit', dir, key, work], {
      encoding: 'utf8',
      env: { PATH: '/usr/bin:/bin' },
      timeout: 20_000,
    });
    return { status: result.status, output: result.stdout + result.stderr };
  }
  function copy(): string {
    const dir = join(root, `copy-${count++}`);
    spawnSync('cp', ['-r', bundle, dir]);
    return dir;
  }

  it('passes on the untouched bundle: "Verified OK" and every subject "OK"', () => {
    const { status, output } = audit(bundle);
    expect(status, output).to.equal(0);
    expect(output).to.contain('Verified OK');
    for (const file of ['index.html', 'junit.xml', 'manifest.sha256', 'run.json', 'samples.csv.gz', 'summary.md']) expect(output).to.contain(`${file}: OK`);
  });

  it('fails on a Statement whose run.json digest was forged: openssl says "Verification failure"', async () => {
    const dir = copy();
    const envelope = JSON.parse(await readFile(join(dir, ATTESTATION_FILE), 'utf8')) as { payload: string };
    const payload = Buffer.from(envelope.payload, 'base64').toString('utf8').replace(/("name":"run\.json","digest":\{"sha256":")([0-9a-f])/, (_m, head: string, digit: string) => `${head}${digit === 'f' ? '0' : 'f'}`);
    await writeFile(join(dir, ATTESTATION_FILE), `${JSON.stringify({ ...envelope, payload: Buffer.from(payload).toString('base64') })}\n`);
    const { status, output } = audit(dir);
    expect(status).to.not.equal(0);
    expect(output).to.contain('Verification failure');
  });

  it('fails on a changed run.json under an intact signature: sha256sum names run.json', async () => {
    const dir = copy();
    await writeFile(join(dir, 'run.json'), (await readFile(join(dir, 'run.json'), 'utf8')).replace('"outcome": "failed"', '"outcome": "passed"'));
    const { status, output } = audit(dir);
    expect(status).to.not.equal(0);
    expect(output).to.contain('Verified OK');
    expect(output).to.contain('run.json: FAILED');
  });

  it('fails with the public key of another P-256 key (openssl genpkey)', () => {
    const other = join(root, 'other.der');
    execFileSync(OPENSSL, ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', join(root, 'other.pem')]);
    execFileSync(OPENSSL, ['pkey', '-in', join(root, 'other.pem'), '-pubout', '-outform', 'DER', '-out', other]);
    const { status, output } = audit(bundle, other);
    expect(status).to.not.equal(0);
    expect(output).to.contain('Verification failure');
  });
});
