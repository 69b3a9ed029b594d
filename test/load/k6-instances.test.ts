import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { expect } from 'chai';
import { latencyPercentiles } from '../../src/assertions/latency-percentiles.ts';
import { createK6Engine } from '../../src/load/k6-engine.ts';
import { executionSegments } from '../../src/load/k6-instances.ts';
import { K6NdjsonParser } from '../../src/load/k6-ndjson.ts';
import type { LoadPlan } from '../../src/load/load-engine.ts';
import { SampleStore } from '../../src/load/sample-store.ts';
import { fakeK6Env } from './support/fake-k6.ts';
import { REGION_HEADER, startRegionServers, type RegionServers } from './support/region-servers.ts';

const EAST = '127.0.0.1';

function indices(store: SampleStore): number[] {
  return Array.from({ length: store.length }, (_, i) => i);
}

/** Every drdrill_request point of one instance's kept output, read afresh from its file. */
function readKept(file: string, into: SampleStore): number {
  let count = 0;
  const parser = new K6NdjsonParser({
    onSample: (sample) => {
      into.push(sample);
      count++;
    },
  });
  parser.push(gunzipSync(readFileSync(file)));
  parser.end();
  return count;
}

describe('executionSegments', () => {
  it('cuts a test into equal segments of one sequence, as k6-operator gives its runners', () => {
    expect(executionSegments(3).map((s) => [s.segment, s.sequence])).to.deep.equal([
      ['0:1/3', '0,1/3,2/3,1'],
      ['1/3:2/3', '0,1/3,2/3,1'],
      ['2/3:1', '0,1/3,2/3,1'],
    ]);
    expect(executionSegments(1)[0]).to.include({ segment: '0:1', sequence: '0,1' });
    expect(() => executionSegments(0)).to.throw(RangeError, /expected a whole number of 1 or more/);
  });
});

describe('k6 on several instances (three stand-in k6 processes)', function () {
  this.timeout(30_000);
  let regions: RegionServers;
  let runDir: string;

  before(async () => {
    regions = await startRegionServers([{ address: EAST, region: 'us-east-1' }]);
  });
  beforeEach(() => {
    runDir = mkdtempSync(join(tmpdir(), 'drdrill-k6-instances-'));
    regions.byAddress(EAST).requests.length = 0;
  });
  afterEach(() => rmSync(runDir, { recursive: true, force: true }));
  after(() => regions.close());

  function plan(overrides: Partial<LoadPlan> = {}): LoadPlan {
    return {
      url: `http://${EAST}:${regions.port}/`,
      rate: 300,
      durationMs: 1000,
      maxRequests: 10_000,
      timeoutMs: 2000,
      regionHeader: REGION_HEADER,
      target: 'api',
      runDir,
      k6Instances: 3,
      ...overrides,
    };
  }

  it('splits the arrival rate exactly and merges the streams live; percentiles over the merge equal those over all samples', async () => {
    const merged = new SampleStore();
    const arrivals: number[] = [];
    const summary = await createK6Engine({ env: fakeK6Env() }).run(
      plan(),
      (sample) => {
        merged.push(sample);
        arrivals.push(Date.now());
      },
      new AbortController().signal,
    );
    const planned = 300; // 300 req/s for 1 s
    expect(Math.abs(merged.length - planned) / planned, `merged ${merged.length} of ${planned} planned requests`).to.be.at.most(0.01);
    expect(Math.abs(regions.byAddress(EAST).requests.length - planned) / planned, 'ground truth: requests the server saw').to.be.at.most(0.01);
    expect(summary).to.include({ engine: 'k6', sent: merged.length, outcome: 'completed' });
    expect(summary.evidence).to.include(join(runDir, 'k6-output-3.ndjson.gz'));

    // Each process ran its own third; together their kept files hold exactly what was merged.
    const together = new SampleStore();
    const perInstance = [1, 2, 3].map((n) => readKept(join(runDir, `k6-output-${n}.ndjson.gz`), together));
    expect(perInstance).to.deep.equal([100, 100, 100]);
    expect(together.length).to.equal(merged.length);
    const starts = (store: SampleStore): number[] => indices(store).map((i) => store.startAt(i)).sort((a, b) => a - b);
    expect(starts(merged)).to.deep.equal(starts(together));

    // Live: samples arrived while the load ran, not all at the end.
    expect(arrivals.at(-1)! - arrivals[0]!, 'spread of arrival times (ms)').to.be.above(400);

    const mergedFigures = latencyPercentiles(merged, indices(merged));
    const allFigures = latencyPercentiles(together, indices(together));
    expect(mergedFigures).to.not.equal(undefined);
    for (const key of ['p50', 'p95', 'p99'] as const) expect(mergedFigures?.[key], key).to.equal(allFigures?.[key]);
  });

  it('bounds the whole test by maxRequests, stopping every instance', async () => {
    let count = 0;
    const summary = await createK6Engine({ env: fakeK6Env() }).run(plan({ maxRequests: 60, durationMs: 3000 }), () => count++, new AbortController().signal);
    expect(summary.outcome).to.equal('completed');
    expect(count).to.be.at.least(60).and.below(450);
    expect(regions.byAddress(EAST).requests.length, 'k6 stopped well before its 900 planned requests').to.be.below(450);
  });
});
