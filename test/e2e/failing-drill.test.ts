import { expect } from 'chai';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { runCli } from '../../src/cli/cli.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { DEFAULT_TOPOLOGY } from '../../src/sandbox/topology/topology.ts';
import { captureIo, onlyRunDir, tempDir } from './e2e-kit.ts';

describe('a drill whose thresholds cannot be met', function () {
  this.timeout(60_000);
  let sandbox: Sandbox;
  let out: string;
  let stateDir: string;
  let exitCode: number;
  const io = captureIo();

  before(async () => {
    // A 0.5 s health-check interval keeps the run short; the thresholds fail at any speed.
    sandbox = await startSandbox({ topology: { ...DEFAULT_TOPOLOGY, timeScale: 0.05 } });
    out = await tempDir('fail-out');
    stateDir = await tempDir('fail-state');
    exitCode = await runCli(
      ['run', 'test/fixtures/drills/impossible-thresholds.drill.ts', '--sandbox-url', sandbox.description.controlPlaneUrl, '--out', out, '--state-dir', stateDir],
      io,
    );
  });
  after(async () => {
    await sandbox.close();
    await rm(out, { recursive: true, force: true });
    await rm(stateDir, { recursive: true, force: true });
  });

  it('exits 1 because the system deviated, not because drdrill broke', () => {
    expect(exitCode, io.text()).to.equal(1);
  });

  it('names each failed assertion on the console with observed and expected', () => {
    const text = io.text();
    const convergence = io.lines.flatMap((l) => l.split('\n')).find((l) => l.includes('DNS converges on secondary within 50 ms'));
    expect(convergence, text).to.match(/✗/);
    expect(convergence).to.match(/observed .*converged in [\d.]+ s/);
    expect(convergence).to.match(/expected ≤ 50 ms/);
    expect(text).to.match(/✗ .*recovery.*observed [\d.]+% errors \(\d+ of \d+ requests\)/);
  });

  it('writes JUnit failures that carry observed vs expected', async () => {
    const xml = await readFile(path.join(await onlyRunDir(out, 'impossible-thresholds'), 'junit.xml'), 'utf8');
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml) as {
      testsuites: { failures: string; testsuite: { testcase: { name: string; failure?: { message: string; '#text': string } }[] } };
    };
    expect(parsed.testsuites.failures).to.equal('2');
    const failed = parsed.testsuites.testsuite.testcase.filter((testcase) => testcase.failure !== undefined);
    expect(failed.map((testcase) => testcase.name)).to.deep.equal([
      'DNS converges on secondary within 50 ms',
      'Error rate ≤ 0.00% in phase recovery',
    ]);
    for (const testcase of failed) {
      expect(testcase.failure?.['#text']).to.match(/observed: /);
      expect(testcase.failure?.['#text']).to.match(/expected: /);
    }
  });

  it('still rolls the fault back', () => {
    const concurrency = sandbox.events().flatMap((e) => (e.type === 'function-concurrency' ? [e.reservedConcurrency] : []));
    expect(concurrency).to.deep.equal([0, null]);
  });
});
