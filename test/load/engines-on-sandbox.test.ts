import { expect } from 'chai';
import { createBuiltinEngine } from '../../src/load/builtin-engine.ts';
import { createK6Engine } from '../../src/load/k6-engine.ts';
import type { LoadEngine, LoadPlan } from '../../src/load/load-engine.ts';
import { SampleStore } from '../../src/load/sample-store.ts';
import type { Sample } from '../../src/load/sample.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { fakeK6Env } from './support/fake-k6.ts';

const RECORD = 'api.drdrill.test';
const REGION_HEADER = 'x-drdrill-region';

/** The type of each field of a sample: the "shape" both engines must agree on. */
function shapeOf(sample: Sample): Record<string, string> {
  return Object.fromEntries(Object.entries(sample).map(([key, value]) => [key, typeof value]));
}

describe('both load engines on the sandbox', function () {
  this.timeout(30_000);
  let sandbox: Sandbox | undefined;
  let plan: LoadPlan;
  let regionOf: Map<string, string>;

  before(async () => {
    const started = await startSandbox();
    sandbox = started;
    const { description } = started;
    regionOf = new Map(description.regions.map((region) => [region.address, region.name]));
    plan = {
      url: `http://${RECORD}:${description.httpPort}/`,
      rate: 40,
      durationMs: 500,
      maxRequests: 1000,
      timeoutMs: 2000,
      resolver: `${description.dns.host}:${description.dns.port}`,
      regionHeader: REGION_HEADER,
      target: 'api',
    };
  });

  after(() => sandbox?.close());

  async function drive(engine: LoadEngine): Promise<{ samples: Sample[]; store: SampleStore }> {
    const samples: Sample[] = [];
    const store = new SampleStore();
    const summary = await engine.run(
      plan,
      (sample) => {
        samples.push(sample);
        store.push(sample);
      },
      new AbortController().signal,
    );
    expect(summary.outcome).to.equal('completed');
    expect(summary.completed).to.equal(samples.length);
    return { samples, store };
  }

  it('resolve the failover record through the sandbox DNS and emit samples of the same shape', async () => {
    const builtin = await drive(createBuiltinEngine());
    // The stand-in makes real requests, resolving through DRDRILL_RESOLVER as a system resolver would.
    const k6 = await drive(createK6Engine({ env: fakeK6Env() }));

    for (const { samples } of [builtin, k6]) {
      expect(samples).to.have.length(20);
      for (const sample of samples) {
        expect(sample.status).to.equal(200);
        expect(sample.target).to.equal('api');
        expect(regionOf.has(sample.address ?? ''), `address ${sample.address} is a sandbox region`).to.equal(true);
        expect(sample.region, 'the region header matches the address that answered').to.equal(regionOf.get(sample.address ?? ''));
        expect(sample.latencyMs).to.be.within(0, 2000);
      }
    }
    const builtinShape = shapeOf(builtin.samples[0]!);
    expect(builtinShape).to.deep.equal({ start: 'number', latencyMs: 'number', status: 'number', region: 'string', address: 'string', target: 'string' });
    for (const sample of [...builtin.samples, ...k6.samples]) expect(shapeOf(sample)).to.deep.equal(builtinShape);
    // Healthy sandbox: both engines are answered by the primary, so the streams agree on where traffic went.
    expect(new Set(k6.samples.map((s) => s.region))).to.deep.equal(new Set(builtin.samples.map((s) => s.region)));
    // And both fit the columnar store the runner keeps, reading back the same (latency as float32).
    for (const { samples, store } of [builtin, k6]) {
      expect(store.length).to.equal(samples.length);
      samples.forEach((sample, i) => {
        const { latencyMs, ...rest } = store.get(i);
        const { latencyMs: expected, ...expectedRest } = sample;
        expect(rest).to.deep.equal(expectedRest);
        expect(latencyMs).to.be.closeTo(expected, 0.01);
      });
    }
  });
});
