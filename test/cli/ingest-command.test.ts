import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { AssertionContext } from '../../src/assertions/assertion-context.ts';
import { evaluateAssertions, type AssertionSpec } from '../../src/assertions/assertion-spec.ts';
import { latencyPercentiles } from '../../src/assertions/latency-percentiles.ts';
import { ingestCommand } from '../../src/cli/ingest-command.ts';
import { verifyCommand } from '../../src/cli/verify-command.ts';
import { pemSigner } from '../../src/evidence/pem-signer.ts';
import { DEFAULT_K6_SCRIPT, k6ScriptEnv } from '../../src/load/k6-engine.ts';
import { executionSegments } from '../../src/load/k6-instances.ts';
import { k6OperatorObjects } from '../../src/load/k6-operator-manifest.ts';
import { readK6ResultFile } from '../../src/load/k6-result-file.ts';
import type { LoadPlan } from '../../src/load/load-engine.ts';
import { loadTargetsOf } from '../../src/load/load-plan-check.ts';
import { SampleStore } from '../../src/load/sample-store.ts';
import { readRunRecord, writeRunDirectory } from '../../src/reporters/write-run-directory.ts';
import { judgedFields } from '../../src/runner/judged-fields.ts';
import { recordedTimeline } from '../../src/runner/recorded-timeline.ts';
import type { RunRecord } from '../../src/runner/run-record.ts';
import { captureIo } from '../e2e/e2e-kit.ts';
import { writeKeyPair } from '../evidence/signing-kit.ts';
import { fakeK6Path } from '../load/support/fake-k6.ts';
import { REGION_HEADER, startRegionServers, type RegionServers } from '../load/support/region-servers.ts';
import { buildFixtureRunRecord } from '../reporters/fixture-run-record.ts';

const EAST = '127.0.0.1';
const RATE = 300;
const DURATION_MS = 1000;
const RUNNERS = 3;

/** The drill's one assertion, as run.json keeps it (validated: durations in ms). */
const BUDGET: AssertionSpec = { assertion: 'error-budget', phase: 'all', maxErrorRate: 1, maxLatency: { p50: 1000, p95: 1500, p99: 2000 } };
const CONTEXT: AssertionContext = {
  primaryRegion: 'us-east-1',
  secondaryRegion: 'us-west-2',
  regions: ['us-east-1', 'us-west-2'],
  probeIntervalMs: 1000,
  cohorts: [{ name: 'jvm-forever', model: 'jvm-forever', share: 100, dnsCacheMs: Number.POSITIVE_INFINITY }],
};

interface TestRunSpec {
  readonly spec: { readonly args: readonly string[]; readonly runner: { readonly env: readonly { name: string; value?: string }[] } };
}

/**
 * Runs the TestRun as k6-operator would, one stand-in k6 per runner pod: the manifest's args and
 * environment, plus the execution segment the operator gives each runner; each writes its own file.
 */
async function runTestRun(testRun: TestRunSpec, results: string): Promise<string[]> {
  const env = Object.fromEntries(testRun.spec.runner.env.flatMap((v) => (v.value === undefined ? [] : [[v.name, v.value]])));
  return Promise.all(
    executionSegments(RUNNERS).map(async (segment) => {
      const pod = `ingest-test-${segment.index + 1}`;
      const args = testRun.spec.args.map((arg) => arg.replace('/results', results).replace('$(DRDRILL_RUNNER)', pod));
      const child = spawn(fakeK6Path(), ['run', ...args, '--execution-segment', segment.segment, '--execution-segment-sequence', segment.sequence, DEFAULT_K6_SCRIPT], {
        env: { ...process.env, ...env, DRDRILL_RUNNER: pod },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      const code = await new Promise<number | null>((done) => child.on('exit', done));
      expect(code, `runner ${pod}`).to.equal(0);
      return join(results, `${pod}.ndjson`);
    }),
  );
}

/** Every file of a directory and its bytes, to prove a refusal wrote nothing. */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const name of (await readdir(dir)).sort()) files.set(name, (await readFile(join(dir, name))).toString('base64'));
  return files;
}

describe('drdrill ingest merges k6-operator runners’ files into a run and judges it again', function () {
  this.timeout(30_000);
  let root: string;
  let regions: RegionServers;
  let key: { privatePath: string; publicPath: string };
  let files: string[];
  let runDir: string;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'drdrill-ingest-'));
    key = await writeKeyPair(root, 'evidence');
    regions = await startRegionServers([{ address: EAST, region: 'us-east-1' }]);
    const plan: LoadPlan = { url: `http://${EAST}:${regions.port}/`, rate: RATE, durationMs: DURATION_MS, maxRequests: 10_000, timeoutMs: 2000, regionHeader: REGION_HEADER, target: 'api' };
    const [, testRun] = k6OperatorObjects({
      name: 'ingest-test',
      parallelism: RUNNERS,
      scriptFile: 'drill-load.ts',
      scriptText: '',
      scriptEnv: k6ScriptEnv(plan, loadTargetsOf(plan), {}),
      resultsClaim: 'ingest-test-results',
    });
    const results = join(root, 'results');
    await mkdir(results);
    // The drill ran its faults and observers here while the cluster offered the load: no local requests.
    const startedAt = Date.now();
    files = await runTestRun(testRun as unknown as TestRunSpec, results);
    const endedAt = Date.now() + 500;
    runDir = join(root, 'run');
    const empty = new SampleStore();
    const base = buildFixtureRunRecord({}, empty);
    const unjudged: RunRecord = {
      ...base,
      drill: { ...base.drill, name: 'ingest-test', definition: { name: 'ingest-test', assertions: [BUDGET] } },
      startedAt,
      endedAt,
      phases: [{ phase: 'baseline', at: startedAt }],
      faults: [],
      dns: [],
      health: [],
      context: CONTEXT,
    };
    // Judged as the run judged it, over no requests.
    const verdicts = await evaluateAssertions(recordedTimeline(unjudged, empty), [BUDGET], CONTEXT);
    const record: RunRecord = { ...unjudged, ...judgedFields(recordedTimeline(unjudged, empty), verdicts, CONTEXT), outcome: 'failed', exitCode: 1 };
    await writeRunDirectory(runDir, record, empty, { signer: pemSigner(key.privatePath) });
  });
  after(async () => {
    await regions?.close();
    if (root !== undefined) await rm(root, { recursive: true, force: true });
  });

  it('merges 3 runners: the arrival rate is the planned one, p50/p95/p99 are those over all samples together, and the bundle verifies', async () => {
    const before = await readRunRecord(runDir);
    expect(before.verdicts[0]?.status, 'judged over no requests').to.not.equal('passed');

    const io = captureIo();
    const code = await ingestCommand({ dir: runDir, files, key: key.privatePath, env: 'sandbox' }, io);
    expect(code, io.text()).to.equal(0);
    const record = await readRunRecord(runDir);

    const planned = (RATE * DURATION_MS) / 1000;
    expect(Math.abs(record.totals.requests - planned) / planned, `merged ${record.totals.requests} of ${planned} planned`).to.be.at.most(0.01);
    expect(Math.abs(regions.byAddress(EAST).requests.length - planned) / planned, 'ground truth: requests the server saw').to.be.at.most(0.01);
    expect(record.load?.ingested?.map((file) => file.samples).reduce((a, b) => a + b, 0)).to.equal(record.totals.requests);
    const arrivals = record.series.points.reduce((sum, point) => sum + point.requests, 0);
    expect(arrivals, 'every merged request is in the traffic series').to.equal(record.totals.requests);

    // Ground truth for the percentiles: all three files' points read together, apart from the command.
    const together = new SampleStore();
    for (const file of files) await readK6ResultFile(file, (sample) => together.push(sample));
    const all = latencyPercentiles(together, Array.from({ length: together.length }, (_, i) => i));
    const verdict = record.verdicts[0];
    expect(verdict?.status, JSON.stringify(verdict)).to.equal('passed');
    for (const key of ['p50', 'p95', 'p99'] as const) expect(verdict?.details?.[`latency ${key} ms`], key).to.equal(all?.[key]);
    expect(record.outcome).to.equal('passed');
    expect(record.context?.cohorts?.[0]?.dnsCacheMs, 'an endless cache survives JSON').to.equal(Number.POSITIVE_INFINITY);

    for (const file of record.load?.ingested ?? []) expect(existsSync(join(runDir, file.kept)), file.kept).to.equal(true);
    const verify = captureIo();
    expect(await verifyCommand(runDir, { key: key.publicPath, env: 'sandbox' }, verify), verify.text()).to.equal(0);
  });

  it('refuses a file it already merged, and a bundle that does not verify, writing nothing (exit 2)', async () => {
    const merged = snapshot(runDir);
    const again = captureIo();
    expect(await ingestCommand({ dir: runDir, files: [files[0] ?? ''], key: key.privatePath, env: 'sandbox' }, again)).to.equal(2);
    expect(again.text()).to.contain('were already merged as ingest-test-1.ndjson');
    expect(await snapshot(runDir)).to.deep.equal(await merged);

    const extra = join(root, 'extra.ndjson');
    await writeFile(extra, (await readFile(files[1] ?? '', 'utf8')).replaceAll('"value":', '"value":1'));
    await writeFile(join(runDir, 'summary.md'), 'edited\n');
    const tampered = await snapshot(runDir);
    const io = captureIo();
    expect(await ingestCommand({ dir: runDir, files: [extra], key: key.privatePath, env: 'sandbox' }, io)).to.equal(2);
    expect(io.text()).to.contain('does not verify, so nothing was merged or re-signed');
    expect(await snapshot(runDir)).to.deep.equal(tampered);
  });
});
