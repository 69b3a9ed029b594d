import { mkdtempSync, readFileSync, rmSync, symlinkSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { expect } from 'chai';
import { findK6, K6NotFoundError, K6VersionError } from '../../src/load/k6-binary.ts';
import { createK6Engine, K6RunError, type K6EngineOptions } from '../../src/load/k6-engine.ts';
import type { LoadPlan, LoadSummary } from '../../src/load/load-engine.ts';
import type { Sample } from '../../src/load/sample.ts';
import { LoadChoiceError, selectEngine, type LoadChoice } from '../../src/load/select-engine.ts';
import { fakeK6Env, fakeK6Path } from './support/fake-k6.ts';
import { REGION_HEADER, startRegionServers, type RegionServers } from './support/region-servers.ts';

const EAST = '127.0.0.1';
const WEST = '127.0.0.2';

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
}

describe('k6 engine (with the k6 stand-in)', function () {
  this.timeout(20_000);
  let regions: RegionServers;
  let runDir: string;

  before(async () => {
    regions = await startRegionServers([
      { address: EAST, region: 'us-east-1' },
      { address: WEST, region: 'us-west-2' },
    ]);
  });

  beforeEach(() => {
    runDir = mkdtempSync(join(tmpdir(), 'drdrill-k6-'));
    for (const server of regions.servers) {
      server.mode = 'ok';
      server.requests.length = 0;
    }
  });

  afterEach(() => rmSync(runDir, { recursive: true, force: true }));

  after(() => regions.close());

  function plan(overrides: Partial<LoadPlan> = {}): LoadPlan {
    return {
      url: `http://${EAST}:${regions.port}/orders`,
      rate: 50,
      durationMs: 200,
      maxRequests: 1000,
      timeoutMs: 1000,
      regionHeader: REGION_HEADER,
      target: 'api',
      runDir,
      ...overrides,
    };
  }

  async function run(loadPlan: LoadPlan, switches: Record<string, string> = {}, options: K6EngineOptions = {}, signal = new AbortController().signal) {
    const samples: Sample[] = [];
    const engine = createK6Engine({ env: fakeK6Env(switches), ...options });
    const summary: LoadSummary = await engine.run(loadPlan, (sample) => samples.push(sample), signal);
    return { summary, samples };
  }

  it('streams one sample per real request, with status, region, address and target', async () => {
    const { summary, samples } = await run(plan({ rate: 50, durationMs: 400 }));
    expect(summary).to.include({ engine: 'k6', sent: 20, completed: 20, outcome: 'completed', dropped: 0 });
    expect(samples).to.have.length(20);
    expect(regions.byAddress(EAST).requests, 'ground truth: the server saw every request').to.have.length(20);
    for (const sample of samples) {
      expect(sample).to.include({ status: 200, region: 'us-east-1', address: EAST, target: 'api' });
      expect(sample.latencyMs).to.be.within(0, 1000);
      expect(sample.start).to.be.closeTo(Date.now(), 10_000);
    }
  });

  it('passes the plan to k6 through -e and runs without usage reports, REST API or summary on stdout', async () => {
    const argsFile = join(runDir, 'args.json');
    await run(plan({ rate: 25, durationMs: 80, thresholds: { http_req_failed: ['rate<0.05'] }, ramp: [{ target: 50, durationMs: 60_000 }] }), {
      FAKE_K6_ARGS_FILE: argsFile,
    }, { tags: { drill: 'demo' } });
    const args = JSON.parse(readFileSync(argsFile, 'utf8')) as string[];
    expect(args.slice(0, 7)).to.deep.equal(['run', '--quiet', '--no-color', '--no-usage-report', '--address=', '--out', 'json=-']);
    expect(args.at(-1)).to.match(/k6\/drill-load\.ts$/);
    const inputs = Object.fromEntries(args.filter((_, i) => args[i - 1] === '-e').map((pair) => pair.split(/=(.*)/s).slice(0, 2)));
    expect(JSON.parse(inputs.DRDRILL_TARGETS ?? '')).to.deep.equal([
      { name: 'api', url: `http://${EAST}:${regions.port}/orders`, rate: 25, ramp: [{ target: 50, durationMs: 80 }] },
    ]);
    expect(inputs).to.include({
      DRDRILL_DURATION_MS: '80',
      DRDRILL_TIMEOUT_MS: '1000',
      DRDRILL_REGION_HEADER: REGION_HEADER,
      DRDRILL_KEEP_ALIVE: 'false',
      DRDRILL_THRESHOLDS: '{"http_req_failed":["rate<0.05"]}',
      DRDRILL_TAGS: '{"drill":"demo"}',
      DRDRILL_SUMMARY: join(runDir, 'k6-summary.json'),
    });
  });

  it('keeps the raw output compressed in the run directory, with the summary and stderr', async () => {
    const { summary, samples } = await run(plan({ rate: 50, durationMs: 200 }));
    const raw = gunzipSync(readFileSync(join(runDir, 'k6-output.ndjson.gz'))).toString('utf8');
    const points = raw.split('\n').filter((line) => line.startsWith('{"metric":"drdrill_request"'));
    expect(points).to.have.length(samples.length);
    expect(raw.split('\n').filter((line) => line.includes('"type":"Point"')).length, 'every point is kept, not only ours').to.equal(samples.length * 5);
    expect(JSON.parse(readFileSync(join(runDir, 'k6-summary.json'), 'utf8'))).to.include({ fake: true });
    expect(summary.evidence).to.deep.equal([join(runDir, 'k6-output.ndjson.gz'), join(runDir, 'k6-summary.json'), join(runDir, 'k6-stderr.log')]);
  });

  it('resolves with outcome thresholds-crossed on exit 99, keeping every sample', async () => {
    regions.byAddress(EAST).mode = { status: 503 };
    const { summary, samples } = await run(plan({ rate: 50, durationMs: 200 }), { FAKE_K6_EXIT: '99' });
    expect(summary.outcome).to.equal('thresholds-crossed');
    expect(samples).to.have.length(10);
    expect(samples.every((s) => s.status === 503)).to.equal(true);
  });

  it('rejects with a script-error K6RunError carrying exit code 107 and what k6 said', async () => {
    const error = await rejection(run(plan(), { FAKE_K6_SCRIPT_ERROR: '1' }));
    expect(error).to.be.instanceOf(K6RunError).that.includes({ kind: 'script-error', exitCode: 107 });
    expect((error as Error).message).to.contain('the script threw an exception').and.to.contain('ReferenceError: regionHeadr');
  });

  it('waits for a slow start and still delivers every request', async () => {
    const startedAt = Date.now();
    const { summary, samples } = await run(plan({ rate: 50, durationMs: 200 }), { FAKE_K6_START_DELAY_MS: '700' });
    expect(Date.now() - startedAt).to.be.at.least(850);
    expect(summary.outcome).to.equal('completed');
    expect(samples).to.have.length(10);
  });

  it('kills k6 and rejects when it writes nothing within the start timeout', async () => {
    const startedAt = Date.now();
    const error = await rejection(run(plan({ durationMs: 10_000 }), { FAKE_K6_SILENT: '1' }, { startTimeoutMs: 300 }));
    expect(error).to.be.instanceOf(K6RunError).with.property('kind', 'start-timeout');
    expect(Date.now() - startedAt).to.be.below(3000);
  });

  /** Runs until `afterFirstMs` after the first sample (k6 is surely running by then), then aborts. */
  async function runThenAbort(loadPlan: LoadPlan, afterFirstMs: number, switches: Record<string, string> = {}, options: K6EngineOptions = {}) {
    const controller = new AbortController();
    const samples: Sample[] = [];
    let abortedAt = 0;
    const engine = createK6Engine({ env: fakeK6Env(switches), ...options });
    const summary = await engine.run(
      loadPlan,
      (sample) => {
        if (samples.push(sample) === 1) {
          setTimeout(() => {
            abortedAt = Date.now();
            controller.abort();
          }, afterFirstMs);
        }
      },
      controller.signal,
    );
    return { summary, samples, stoppedAfterMs: Date.now() - abortedAt };
  }

  it('stops k6 with SIGINT on abort and resolves as aborted with the samples so far', async () => {
    const { summary, samples, stoppedAfterMs } = await runThenAbort(plan({ rate: 50, durationMs: 10_000 }), 300);
    expect(stoppedAfterMs, 'k6 stopped promptly after the abort').to.be.below(1500);
    expect(summary.outcome).to.equal('aborted');
    expect(summary.notes?.at(-1)).to.contain('105');
    expect(samples.length).to.be.within(10, 40);
    const arrived = regions.byAddress(EAST).requests.length;
    expect(samples.length, 'every request sent before the stop has its sample').to.equal(arrived);
    await sleep(200);
    expect(regions.byAddress(EAST).requests.length, 'no request after k6 stopped').to.equal(arrived);
  });

  it('kills k6 after the grace period when it ignores SIGINT', async () => {
    const { summary, stoppedAfterMs } = await runThenAbort(plan({ rate: 20, durationMs: 10_000 }), 100, { FAKE_K6_IGNORE_SIGINT: '1' }, { stopGraceMs: 400 });
    expect(summary.outcome).to.equal('aborted');
    expect(summary.notes?.at(-1)).to.contain('SIGKILL');
    expect(stoppedAfterMs).to.be.within(390, 2500);
  });

  it('stops k6 once maxRequests samples have arrived', async () => {
    const { summary, samples } = await run(plan({ rate: 100, durationMs: 10_000, maxRequests: 15 }));
    expect(summary.outcome).to.equal('completed');
    expect(samples.length).to.be.within(15, 40);
    expect(regions.byAddress(EAST).requests.length).to.be.below(60);
  });

  it('skips a banner on stdout and says so in the notes', async () => {
    const { summary, samples } = await run(plan({ rate: 50, durationMs: 100 }), { FAKE_K6_BANNER: '1' });
    expect(samples).to.have.length(5);
    expect(summary.notes?.some((note) => /non-JSON line/.test(note))).to.equal(true);
  });

  it('loads several targets at once, naming each in its samples', async () => {
    const { samples } = await run(
      plan({
        durationMs: 300,
        targets: [
          { name: 'api', url: `http://${EAST}:${regions.port}/` },
          { name: 'orders', url: `http://${WEST}:${regions.port}/`, rate: 20 },
        ],
      }),
    );
    expect(samples.filter((s) => s.target === 'api' && s.region === 'us-east-1')).to.have.length(15);
    expect(samples.filter((s) => s.target === 'orders' && s.region === 'us-west-2')).to.have.length(6);
  });

  it('rejects with the error when onSample throws, and stops k6', async () => {
    const engine = createK6Engine({ env: fakeK6Env() });
    const error = await rejection(
      engine.run(plan({ rate: 100, durationMs: 5000 }), () => {
        throw new Error('sink full');
      }, new AbortController().signal),
    );
    expect(error).to.be.instanceOf(Error).with.property('message', 'sink full');
    const arrived = regions.byAddress(EAST).requests.length;
    await sleep(200);
    expect(regions.byAddress(EAST).requests.length).to.equal(arrived);
    expect(arrived).to.be.below(100);
  });
});

describe('findK6', () => {
  it('finds k6 through K6_BIN and reads its version', async () => {
    const k6 = await findK6({ env: fakeK6Env({ FAKE_K6_VERSION: '1.2.3' }) });
    expect(k6).to.include({ path: fakeK6Path(), version: '1.2.3' });
  });

  it('finds k6 on PATH when K6_BIN is not set', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drdrill-path-'));
    try {
      symlinkSync(fakeK6Path(), join(dir, 'k6'));
      const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${dir}:${process.env.PATH ?? ''}` };
      delete env.K6_BIN;
      expect((await findK6({ env })).path).to.equal(join(dir, 'k6'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects a k6 older than v0.57, which cannot run TypeScript', async () => {
    const error = await rejection(findK6({ env: fakeK6Env({ FAKE_K6_VERSION: '0.56.0' }) }));
    expect(error).to.be.instanceOf(K6VersionError).with.property('version', '0.56.0');
    expect((error as Error).message).to.contain('v0.57.0').and.contain('--load builtin');
  });

  it('rejects a K6_BIN that is not an executable, and a PATH without k6', async () => {
    const env: NodeJS.ProcessEnv = { PATH: '', K6_BIN: '/nonexistent/k6' };
    const missing = await rejection(findK6({ env }));
    expect(missing).to.be.instanceOf(K6NotFoundError).with.property('message').that.contains('/nonexistent/k6');
    const none = await rejection(findK6({ env: { PATH: '/nonexistent' } }));
    expect(none).to.be.instanceOf(K6NotFoundError).with.property('message').that.contains('not on PATH');
  });
});

describe('selectEngine', () => {
  const noK6 = { PATH: '/nonexistent' };

  it('uses k6 for auto when it is installed, and says so', async () => {
    const { engine, note } = await selectEngine('auto', { env: fakeK6Env() });
    expect(engine.name).to.equal('k6');
    expect(note).to.contain('k6 v0.57.0').and.contain('auto');
  });

  it('falls back to builtin for auto when k6 is missing, too old, or a custom resolver is needed', async () => {
    const missing = await selectEngine('auto', { env: noK6 });
    expect(missing.engine.name).to.equal('builtin');
    expect(missing.note).to.contain('k6 is not installed');
    const old = await selectEngine('auto', { env: fakeK6Env({ FAKE_K6_VERSION: '0.50.0' }) });
    expect(old.engine.name).to.equal('builtin');
    expect(old.note).to.contain('v0.50.0');
    const resolver = await selectEngine('auto', { env: fakeK6Env(), resolver: '127.0.0.1:5353' });
    expect(resolver.engine.name).to.equal('builtin');
    expect(resolver.note).to.contain('127.0.0.1:5353');
  });

  it('fails for --load k6 when k6 is missing, and rejects unknown choices', async () => {
    expect(await rejection(selectEngine('k6', { env: noK6 }))).to.be.instanceOf(K6NotFoundError);
    expect(await rejection(selectEngine('jmeter' as LoadChoice))).to.be.instanceOf(LoadChoiceError);
    expect((await selectEngine('builtin', { env: fakeK6Env() })).engine.name).to.equal('builtin');
    expect(existsSync(fakeK6Path())).to.equal(true);
  });
});
