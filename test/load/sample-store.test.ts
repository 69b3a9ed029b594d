import { expect } from 'chai';
import type { Sample } from '../../src/load/sample.ts';
import { SampleStore } from '../../src/load/sample-store.ts';

describe('SampleStore', () => {
  it('gives back every sample as pushed, however its strings repeat or alternate (interned per column)', () => {
    const regions = ['us-east-1', 'us-east-1', 'us-west-2', 'us-east-1', undefined, 'eu-west-1', 'eu-west-1', 'us-west-2'];
    const samples: Sample[] = regions.map((region, i) => ({
      start: 1000 + i,
      latencyMs: 1 + i / 4,
      status: region === undefined ? 0 : 200,
      ...(region === undefined ? { error: 'ECONNREFUSED' } : { region, address: `127.0.0.${2 + (i % 3)}` }),
      target: i % 2 === 0 ? 'api' : 'orders',
    }));
    const store = new SampleStore(16);
    for (const sample of samples) store.push(sample);
    expect([...store]).to.deep.equal(samples);
    expect(samples.map((_, i) => store.regionAt(i))).to.deep.equal(regions);
  });

  it('grows past its first capacity without losing a sample', () => {
    const store = new SampleStore(16);
    for (let i = 0; i < 1000; i++) store.push({ start: i, latencyMs: i % 7, status: 200, region: i % 3 === 0 ? 'a' : 'b' });
    expect(store.length).to.equal(1000);
    expect(store.get(999)).to.deep.equal({ start: 999, latencyMs: 999 % 7, status: 200, region: 'a' });
    expect(store.regionAt(998)).to.equal('b');
  });
});
