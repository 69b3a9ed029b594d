import { expect } from 'chai';
import { recentTraffic } from '../../src/console/live-traffic.ts';
import { SampleStore } from '../../src/load/sample-store.ts';
import type { Sample } from '../../src/load/sample.ts';
import { tokenMatches, newConsoleToken } from '../../src/console/console-token.ts';

const NOW = 1_800_000_000_000;

/** Samples pushed in completion order, as engines deliver them. */
function store(samples: readonly Sample[]): SampleStore {
  const result = new SampleStore();
  for (const sample of [...samples].sort((a, b) => a.start + a.latencyMs - (b.start + b.latencyMs))) result.push(sample);
  return result;
}

describe('live traffic for the console and the status line', () => {
  it('counts the requests completed in the window per service: rate, error rate and share by region', () => {
    const samples: Sample[] = [];
    // 3 s of api at 10 req/s: the first 2 s on us-east-1 failing with 500, the last second on us-west-2.
    for (let i = 0; i < 30; i++) {
      const start = NOW - 3000 + i * 100;
      samples.push(i < 20 ? { start, latencyMs: 10, status: 500, region: 'us-east-1', target: 'api' } : { start, latencyMs: 10, status: 200, region: 'us-west-2', target: 'api' });
    }
    // Older than the window, and one still in flight at NOW: neither counts.
    samples.push({ start: NOW - 9000, latencyMs: 10, status: 500, region: 'us-east-1', target: 'api' });
    samples.push({ start: NOW - 50, latencyMs: 500, status: 200, region: 'us-west-2', target: 'api' });
    // A second service, with a transport error and no region.
    samples.push({ start: NOW - 1000, latencyMs: 5, status: 200, region: 'eu-west-1', target: 'auth' });
    samples.push({ start: NOW - 900, latencyMs: 5, status: 0, error: 'ECONNREFUSED', target: 'auth' });
    const [api, auth] = recentTraffic(store(samples), NOW, 3000);
    expect(api).to.deep.equal({
      service: 'api',
      requests: 30,
      rate: 10,
      errors: 20,
      errorPercent: 66.7,
      regions: [
        { region: 'us-east-1', percent: 66.7 },
        { region: 'us-west-2', percent: 33.3 },
      ],
    });
    expect(auth).to.deep.include({ service: 'auth', requests: 2, errors: 1, errorPercent: 50, regions: [{ region: 'eu-west-1', percent: 100 }] });
  });

  it('reports nothing when nothing completed in the window', () => {
    expect(recentTraffic(store([{ start: NOW - 10_000, latencyMs: 1, status: 200 }]), NOW, 3000)).to.deep.equal([]);
  });
});

describe('the console token', () => {
  it('is fresh each time and matches only itself', () => {
    const token = newConsoleToken();
    expect(newConsoleToken()).to.not.equal(token);
    expect(tokenMatches(token, token)).to.equal(true);
    expect(tokenMatches(token, `${token}x`)).to.equal(false);
    expect(tokenMatches(token, token.slice(1))).to.equal(false);
    expect(tokenMatches(token, '')).to.equal(false);
    expect(tokenMatches(token, undefined)).to.equal(false);
  });
});
