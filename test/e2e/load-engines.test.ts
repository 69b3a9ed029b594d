import { expect } from 'chai';
import { access, chmod, rm } from 'node:fs/promises';
import path from 'node:path';
import { runCli } from '../../src/cli/cli.ts';
import { readRunRecord } from '../../src/reporters/write-run-directory.ts';
import type { RunRecord } from '../../src/runner/run-record.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { DEFAULT_TOPOLOGY } from '../../src/sandbox/topology/topology.ts';
import { captureIo, onlyRunDir, tempDir } from './e2e-kit.ts';

const FAKE_K6 = path.resolve('test/fixtures/k6/fake-k6.mjs');

/** Runs the impossible-thresholds drill (short) with one engine and returns its record. */
async function runWith(sandbox: Sandbox, load: string, env: Record<string, string> = {}): Promise<{ code: number; record: RunRecord; dir: string; text: string }> {
  const out = await tempDir(`engine-${load}`);
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const io = captureIo();
    const code = await runCli(
      ['run', 'test/fixtures/drills/impossible-thresholds.drill.ts', '--load', load, '--sandbox-url', sandbox.description.controlPlaneUrl, '--out', out, '--state-dir', out],
      io,
    );
    const dir = await onlyRunDir(out, 'impossible-thresholds');
    return { code, record: await readRunRecord(dir), dir, text: io.text() };
  } finally {
    process.env = saved;
  }
}

describe('the same drill with each load engine', function () {
  this.timeout(90_000);
  let sandbox: Sandbox;
  let builtin: Awaited<ReturnType<typeof runWith>>;
  let k6: Awaited<ReturnType<typeof runWith>>;

  before(async () => {
    await chmod(FAKE_K6, 0o755);
    sandbox = await startSandbox({ topology: { ...DEFAULT_TOPOLOGY, timeScale: 0.05 } });
    builtin = await runWith(sandbox, 'builtin');
    // k6 resolves through the system resolver; the stand-in plays one that points at the sandbox.
    const dns = `${sandbox.description.dns.host}:${sandbox.description.dns.port}`;
    k6 = await runWith(sandbox, 'k6', { K6_BIN: FAKE_K6, DRDRILL_RESOLVER: dns });
  });
  after(async () => {
    await sandbox.close();
    for (const run of [builtin, k6]) if (run !== undefined) await rm(path.dirname(path.dirname(run.dir)), { recursive: true, force: true });
  });

  it('says which engine ran, in the console and the record', () => {
    expect(builtin.record.engine).to.equal('builtin');
    expect(builtin.text).to.include('load engine: builtin');
    expect(k6.record.engine).to.equal('k6');
    expect(k6.text).to.match(/load engine: k6/);
    expect(k6.record.load?.summary?.engine).to.equal('k6');
  });

  it('produces the same sample stream shape from both engines', () => {
    for (const run of [builtin, k6]) {
      expect(run.record.totals.requests, run.record.engine).to.be.greaterThan(100);
      const regions = new Set(run.record.series.points.flatMap((point) => Object.keys(point.byRegion)));
      expect([...regions].sort(), run.record.engine).to.deep.equal(['us-east-1', 'us-west-2']);
      expect(run.record.totals.errors, run.record.engine).to.be.greaterThan(0);
      expect(run.record.verdicts.map((v) => v.assertion), run.record.engine).to.deep.equal(['dns-convergence', 'error-budget']);
    }
  });

  it('keeps k6’s raw output, compressed, in the run directory as evidence', async () => {
    await access(path.join(k6.dir, 'k6-output.ndjson.gz'));
  });
});
