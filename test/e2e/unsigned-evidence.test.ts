import { expect } from 'chai';
import { access, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli } from '../../src/cli/cli.ts';
import { readRunRecord } from '../../src/reporters/write-run-directory.ts';
import { sandboxEnvironmentInput } from '../support/sandbox-environment-input.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { captureIo, onlyRunDir, tempDir } from './e2e-kit.ts';

const DRILL = {
  name: 'unsigned-evidence',
  service: 'api',
  load: { rate: 5 },
  phases: { baseline: '1s', recovery: '1s', settle: '500ms' },
  faults: [{ injector: 'lambda-throttle', target: { region: 'primary' } }],
  assertions: [{ assertion: 'error-budget', phase: 'baseline', maxErrorRate: 100 }],
};

describe('a drill whose evidence key is missing in KMS', function () {
  this.timeout(60_000);
  let sandbox: Sandbox;
  let dir: string;

  before(async () => {
    sandbox = await startSandbox();
    dir = await tempDir('unsigned');
  });
  after(async () => {
    await sandbox?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('still runs, rolls back and writes every report, and says loudly that the evidence is unsigned', async () => {
    const drillFile = path.join(dir, 'unsigned.drill.ts');
    const envFile = path.join(dir, 'no-key.ts');
    await writeFile(drillFile, `import { defineDrill } from ${JSON.stringify(path.resolve('src/drill/define-drill.ts'))};\nexport const drill = defineDrill(${JSON.stringify(DRILL)} as never);\n`);
    const environment = { ...sandboxEnvironmentInput(sandbox), name: 'no-key', evidence: { signingKey: 'alias/missing' } };
    await writeFile(envFile, `import { defineEnvironment } from ${JSON.stringify(path.resolve('src/drill/environment.ts'))};\nexport const environment = defineEnvironment(${JSON.stringify(environment)} as never);\n`);
    const io = captureIo();
    const code = await runCli(['run', drillFile, '--env', envFile, '--load', 'builtin', '--state-dir', path.join(dir, 'state'), '--out', path.join(dir, 'out')], io);
    expect(code, io.text()).to.equal(0);
    expect(io.text()).to.match(/UNSIGNED EVIDENCE: KMS key alias\/missing cannot sign: SignerError: KMS GetPublicKey for alias\/missing failed: NotFoundException: .*The reports were written, but nothing vouches for them\./);
    const runDir = await onlyRunDir(path.join(dir, 'out'), DRILL.name);
    expect((await readdir(runDir)).sort()).to.deep.equal(['index.html', 'junit.xml', 'manifest.sha256', 'run.json', 'samples.csv.gz', 'summary.md']);
    expect((await readRunRecord(runDir)).evidence?.signature).to.deep.include({ status: 'unsigned' });
    await access(path.join(runDir, 'index.html'));
    // The fault was rolled back all the same: the function has no reservation left.
    const concurrency = sandbox.events().filter((event) => event.type === 'function-concurrency');
    expect(concurrency.at(-1)).to.deep.include({ reservedConcurrency: null });
  });
});
