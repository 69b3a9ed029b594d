import { expect } from 'chai';
import { ArrivalSchedule } from '../../src/load/arrival-schedule.ts';
import { LagHistogram } from '../../src/load/lag-histogram.ts';

describe('ArrivalSchedule', () => {
  it('spaces requests 1/rate apart at a constant rate and counts those due before the end', () => {
    const schedule = new ArrivalSchedule(100, 1000);
    expect(schedule.total).to.equal(100);
    expect([0, 1, 50, 99].map((i) => schedule.offsetMs(i))).to.deep.equal([0, 10, 500, 990]);
  });

  it('ramps the rate linearly: a ramp 0→100/s over 2 s offers 100 requests, three quarters in the second half', () => {
    const schedule = new ArrivalSchedule(0, 10_000, [{ target: 100, durationMs: 2000 }]);
    expect(schedule.durationMs).to.equal(2000);
    expect(schedule.total).to.equal(100);
    const offsets = Array.from({ length: schedule.total }, (_, i) => schedule.offsetMs(i));
    expect(offsets.filter((t) => t < 1000)).to.have.length(25);
    for (let i = 1; i < offsets.length; i++) expect(offsets[i]).to.be.greaterThan(offsets[i - 1] ?? -1);
    // Cumulative arrivals n(t) = 25 t² (t in s): request 64 is due at 1.6 s.
    expect(schedule.offsetMs(64)).to.be.closeTo(1600, 0.01);
  });

  it('chains stages (hold, then down) and is cut short by the duration', () => {
    const schedule = new ArrivalSchedule(50, 10_000, [
      { target: 50, durationMs: 1000 },
      { target: 0, durationMs: 1000 },
    ]);
    expect(schedule.total).to.equal(75);
    expect(schedule.offsetMs(49)).to.be.closeTo(980, 1e-6);
    expect(schedule.offsetMs(50)).to.be.closeTo(1000, 1e-6);
    const cut = new ArrivalSchedule(50, 1500, [
      { target: 50, durationMs: 1000 },
      { target: 0, durationMs: 1000 },
    ]);
    expect(cut.durationMs).to.equal(1500);
    expect(cut.total).to.equal(69); // 50 + (50 + 25) / 2 · 0.5 = 68.75
  });
});

describe('LagHistogram', () => {
  it('reports quantiles within its 0.05 ms resolution and the exact maximum', () => {
    const histogram = new LagHistogram();
    for (let i = 0; i < 990; i++) histogram.record(1);
    for (let i = 0; i < 10; i++) histogram.record(40);
    expect(histogram.quantile(0.5)).to.be.closeTo(1.05, 1e-9);
    expect(histogram.quantile(0.99)).to.be.closeTo(1.05, 1e-9);
    expect(histogram.quantile(0.999)).to.be.closeTo(40, 1e-9);
    expect(histogram.max).to.equal(40);
    const other = new LagHistogram();
    other.record(2000);
    histogram.merge(other);
    expect(histogram.count).to.equal(1001);
    expect(histogram.quantile(1)).to.equal(2000);
  });
});
