/**
 * One built-in engine step against the bench endpoint, for profiling:
 * `node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/support/profile-engine.ts fresh 4000`
 * (mode keep-alive | fresh | fresh+dns, rate per second, 3 s). Prints one JSON line: what was sent
 * and answered, the scheduling lag, the error codes and the load average.
 */
import { loadavg } from 'node:os';
import { createBuiltinEngine } from '../../src/load/builtin-engine.ts';
import { startBenchEndpoint } from './start-endpoint.ts';

const mode = process.argv[2] ?? 'fresh';
const rate = Number(process.argv[3] ?? '4000');
const durationMs = 3000;
const endpoint = await startBenchEndpoint();
const host = mode === 'fresh+dns' ? 'bench.drdrill.test' : '127.0.0.1';
let ok = 0;
const codes = new Map<string, number>();
const summary = await createBuiltinEngine().run(
  {
    url: `http://${host}:${endpoint.httpPort}/`,
    rate,
    durationMs,
    maxRequests: (rate * durationMs) / 1000 + 1,
    timeoutMs: 2000,
    regionHeader: 'x-drdrill-region',
    target: 'profile',
    keepAlive: mode === 'keep-alive',
    ...(mode === 'fresh+dns' ? { resolver: `127.0.0.1:${endpoint.dnsPort}` } : {}),
  },
  (sample) => {
    if (sample.status === 200) ok++;
    else codes.set(sample.error ?? String(sample.status), (codes.get(sample.error ?? String(sample.status)) ?? 0) + 1);
  },
  new AbortController().signal,
);
process.stdout.write(`${JSON.stringify({ mode, rate, sent: summary.sent, ok, lagP99Ms: summary.schedulingLagP99Ms, lagMaxMs: summary.maxSchedulingLagMs, codes: Object.fromEntries(codes), load: loadavg()[0] })}\n`);
await endpoint.stop();
