import { expect } from 'chai';
import { setTimeout as delay } from 'node:timers/promises';
import { SampleStore } from '../../src/load/sample-store.ts';
import { startErrorRateGuard } from '../../src/runner/error-rate-guard.ts';

/** Pushes `count` samples that completed just now, `failing` of them with a 500. */
function pushNow(samples: SampleStore, count: number, failing: number): void {
  const now = Date.now();
  for (let i = 0; i < count; i++) samples.push({ start: now - 5, latencyMs: 5, status: i < failing ? 500 : 200 });
}

describe('startErrorRateGuard', () => {
  it('fires once the breach has lasted the grace period, and only once', async () => {
    const samples = new SampleStore();
    const reasons: string[] = [];
    const guard = startErrorRateGuard({ samples, maxErrorRate: 50, windowMs: 1000, graceMs: 200, checkEveryMs: 20, onBreach: (r) => reasons.push(r) });
    try {
      pushNow(samples, 20, 20);
      await delay(100);
      expect(reasons, 'inside the grace period').to.deep.equal([]);
      await delay(250);
      pushNow(samples, 20, 20);
      await delay(100);
      expect(reasons).to.have.length(1);
      expect(reasons[0]).to.match(/^stop condition: 100\.0% of the last \d+ requests failed \(limit 50% over 1000 ms\)/);
    } finally {
      guard.stop();
    }
  });

  it('does not fire while the rate stays at or under the limit', async () => {
    const samples = new SampleStore();
    const reasons: string[] = [];
    const guard = startErrorRateGuard({ samples, maxErrorRate: 50, windowMs: 1000, graceMs: 50, checkEveryMs: 20, onBreach: (r) => reasons.push(r) });
    try {
      for (let round = 0; round < 5; round++) {
        pushNow(samples, 20, 10);
        await delay(40);
      }
      expect(reasons).to.deep.equal([]);
    } finally {
      guard.stop();
    }
  });

  it('forgets failures that slid out of the window', async () => {
    const samples = new SampleStore();
    const reasons: string[] = [];
    const old = Date.now() - 10_000;
    for (let i = 0; i < 50; i++) samples.push({ start: old, latencyMs: 1, status: 0, error: 'ECONNREFUSED' });
    const guard = startErrorRateGuard({ samples, maxErrorRate: 10, windowMs: 1000, graceMs: 0, checkEveryMs: 20, onBreach: (r) => reasons.push(r) });
    try {
      pushNow(samples, 30, 0);
      await delay(100);
      expect(reasons).to.deep.equal([]);
    } finally {
      guard.stop();
    }
  });

  it('waits for enough requests before judging', async () => {
    const samples = new SampleStore();
    const reasons: string[] = [];
    const guard = startErrorRateGuard({ samples, maxErrorRate: 10, windowMs: 1000, graceMs: 0, minRequests: 10, checkEveryMs: 20, onBreach: (r) => reasons.push(r) });
    try {
      pushNow(samples, 5, 5);
      await delay(80);
      expect(reasons).to.deep.equal([]);
      pushNow(samples, 5, 5);
      await delay(80);
      expect(reasons).to.have.length(1);
    } finally {
      guard.stop();
    }
  });
});
