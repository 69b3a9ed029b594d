import { expect } from 'chai';
import { SampleStore } from '../../src/load/sample-store.ts';
import type { Sample } from '../../src/load/sample.ts';
import { buildSeries, SeriesRangeError } from '../../src/reporters/series.ts';

function storeOf(samples: readonly Sample[]): SampleStore {
  const store = new SampleStore(16);
  for (const sample of samples) store.push(sample);
  return store;
}

describe('buildSeries', () => {
  const handMade: Sample[] = [
    { start: 999, latencyMs: 1, status: 200, region: 'a' }, // before the window
    { start: 1000, latencyMs: 10, status: 200, region: 'a' },
    { start: 1100, latencyMs: 30, status: 500, region: 'a' },
    { start: 1999, latencyMs: 20, status: 0, error: 'ECONNREFUSED' },
    // bucket [2000, 3000) stays empty
    ...Array.from({ length: 20 }, (_, k): Sample => ({
      start: 3000 + k * 10,
      latencyMs: 20 - k, // 20 down to 1: out of order on purpose
      status: k === 0 ? 404 : 200,
      region: k < 15 ? 'b' : 'a',
    })),
    { start: 4000, latencyMs: 1, status: 200, region: 'a' }, // `to` is exclusive
  ];

  it('counts requests, errors and regions per bucket and includes empty buckets', () => {
    const series = buildSeries(storeOf(handMade), 1000, 4000, 1000);
    expect(series).to.deep.equal([
      { t: 1000, requests: 3, errors: 2, p95: 30, byRegion: { a: 2 } },
      { t: 2000, requests: 0, errors: 0, p95: null, byRegion: {} },
      { t: 3000, requests: 20, errors: 1, p95: 19, byRegion: { b: 15, a: 5 } },
    ]);
  });

  it('gives the same buckets whatever order the samples arrive in', () => {
    const forward = buildSeries(storeOf(handMade), 1000, 4000);
    const backward = buildSeries(storeOf([...handMade].reverse()), 1000, 4000);
    expect(backward).to.deep.equal(forward);
  });

  it('computes p95 by nearest rank: the 95th of 100 latencies and the only one of one', () => {
    const hundred = Array.from({ length: 100 }, (_, k): Sample => ({ start: 50 + k, latencyMs: 100 - k, status: 200 }));
    const single: Sample = { start: 1500, latencyMs: 42.5, status: 200 };
    const series = buildSeries(storeOf([...hundred, single]), 0, 2000, 1000);
    expect(series.map((point) => point.p95)).to.deep.equal([95, 42.5]);
  });

  it('ends with a partial bucket when the window is not a whole number of buckets', () => {
    const series = buildSeries(storeOf([{ start: 2400, latencyMs: 5, status: 200 }]), 0, 2500, 1000);
    expect(series.map((point) => [point.t, point.requests])).to.deep.equal([
      [0, 0],
      [1000, 0],
      [2000, 1],
    ]);
  });

  it('honours a bucket size other than one second', () => {
    const samples = Array.from({ length: 10 }, (_, k): Sample => ({ start: k * 100, latencyMs: k, status: 200 }));
    const series = buildSeries(storeOf(samples), 0, 1000, 250);
    expect(series.map((point) => point.requests)).to.deep.equal([3, 2, 3, 2]);
    expect(series.map((point) => point.t)).to.deep.equal([0, 250, 500, 750]);
  });

  it('rejects a bucket size that is not positive and a window that ends before it starts', () => {
    const store = storeOf([]);
    expect(() => buildSeries(store, 0, 1000, 0)).to.throw(SeriesRangeError, /bucketMs must be a positive/);
    expect(() => buildSeries(store, 2000, 1000)).to.throw(SeriesRangeError, /from <= to/);
    expect(() => buildSeries(store, 0, 1e12, 1)).to.throw(SeriesRangeError, /more than/);
  });
});
