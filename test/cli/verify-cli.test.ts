import { expect } from 'chai';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { KMSClient } from '@aws-sdk/client-kms';
import { runCli } from '../../src/cli/cli.ts';
import { sandboxEvidenceKeyFile } from '../../src/cli/resolve-environment.ts';
import { kmsSigner } from '../../src/evidence/kms-signer.ts';
import { writeRunDirectory } from '../../src/reporters/write-run-directory.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { captureIo, tempDir } from '../e2e/e2e-kit.ts';
import { writeKeyPair } from '../evidence/signing-kit.ts';
import { buildFixtureRunRecord, buildFixtureSamples } from '../reporters/fixture-run-record.ts';
import { sdkClient } from '../sandbox/sandbox-test-kit.ts';

describe('drdrill verify from the command line', function () {
  this.timeout(60_000);
  let root: string;
  let stateDir: string;
  let bundle: string;
  let keyArn: string;

  before(async () => {
    root = await tempDir('verify-cli');
    stateDir = join(root, 'state');
    bundle = join(root, 'bundle');
    // Signed the way `drdrill run` signs on an embedded sandbox, which is gone by the time anyone verifies.
    const sandbox = await startSandbox({ evidenceKeyFile: sandboxEvidenceKeyFile(stateDir) });
    const kms = sdkClient(KMSClient, sandbox);
    try {
      const written = await writeRunDirectory(bundle, buildFixtureRunRecord(), buildFixtureSamples(), { signer: kmsSigner(kms, 'alias/drdrill-evidence') });
      keyArn = written.signature.status === 'signed' ? written.signature.keyId : expect.fail('unsigned');
    } finally {
      kms.destroy();
      await sandbox.close();
    }
  });
  after(async () => {
    if (root !== undefined) await rm(root, { recursive: true, force: true });
  });

  it('verifies a sandbox-signed bundle with a later embedded sandbox, whose KMS key is the same one', async () => {
    const io = captureIo();
    expect(await runCli(['verify', bundle, '--state-dir', stateDir], io), io.text()).to.equal(0);
    expect(io.text()).to.contain(`signed by ${keyArn} (evidence.signingKey alias/drdrill-evidence of environment sandbox)`);
  });

  it('with another state directory the sandbox key differs: exit 1, unknown key', async () => {
    const io = captureIo();
    expect(await runCli(['verify', bundle, '--state-dir', join(root, 'elsewhere')], io)).to.equal(1);
    expect(io.text()).to.contain(`unknown key: signed by unknown key ${keyArn}; the trusted key (evidence.signingKey alias/drdrill-evidence of environment sandbox) is arn:aws:kms:`);
  });

  it('with --key naming another PEM key: exit 1, unknown key; with a key file that is not there: exit 2', async () => {
    const other = await writeKeyPair(root, 'other');
    const io = captureIo();
    expect(await runCli(['verify', bundle, '--key', other.publicPath], io)).to.equal(1);
    expect(io.text()).to.match(/unknown key: signed by unknown key arn:aws:kms:\S+; the trusted key \(--key \S+other\.pub\.pem\) is sha256:[0-9a-f]{64}/);
    const missing = captureIo();
    expect(await runCli(['verify', bundle, '--key', join(root, 'nope.pem')], missing)).to.equal(2);
    expect(missing.text()).to.contain('--key: cannot read key file');
    expect(missing.text()).to.contain('nope.pem: it does not exist');
  });
});
