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

  it('keeps every sample across blocks, at their edges too, and counts the bytes of the blocks it holds', () => {
    const store = new SampleStore();
    const count = 3 * 65_536 + 7;
    for (let i = 0; i < count; i++) store.push({ start: i * 2, latencyMs: i % 11, status: i % 5 === 0 ? 0 : 200, ...(i % 5 === 0 ? { error: 'ETIMEDOUT' } : { region: i % 2 === 0 ? 'a' : 'b' }), target: 't' });
    expect(store.length).to.equal(count);
    for (const i of [0, 65_535, 65_536, 65_537, 131_071, 131_072, count - 1]) {
      expect(store.get(i), `sample ${i}`).to.deep.equal({
        start: i * 2,
        latencyMs: i % 11,
        status: i % 5 === 0 ? 0 : 200,
        ...(i % 5 === 0 ? { error: 'ETIMEDOUT' } : { region: i % 2 === 0 ? 'a' : 'b' }),
        target: 't',
      });
      expect(store.startAt(i)).to.equal(i * 2);
    }
    expect(store.startAt(count)).to.be.NaN;
    expect(() => store.get(count)).to.throw(RangeError, /outside 0\.\.196614/);
    // Four blocks of 65,536 samples at 24 bytes each: no doubled capacity past the first block.
    expect(store.byteLength).to.equal(4 * 65_536 * 24);
  });
});
