import { expect } from 'chai';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Figure } from '../../src/assertions/figure.ts';
import { runCli } from '../../src/cli/cli.ts';
import { readRunRecord } from '../../src/reporters/write-run-directory.ts';
import type { RunRecord } from '../../src/runner/run-record.ts';
import type { Sandbox, SandboxEvent } from '../../src/sandbox/sandbox-handle.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { captureIo, onlyRunDir, tempDir } from './e2e-kit.ts';

/**
 * Ground truth for client cohorts: one sandbox failover loaded by five cohorts (a fifth of
 * 100 req/s each). The sandbox records when its DNS switched the record to the secondary; each
 * cohort's measured recovery (its `rto[cohort]` figure) must land where its model puts it:
 * - fresh resolves per connection: at the switch;
 * - ttl, jvm and k6 cache answers for C (the 1 s TTL, 3 s, 5 s): within C after the switch, and
 *   at the moment the cohort's own connections moved to the secondary (its cache ran out);
 * - jvm-forever never recovers while the fault is in, and its RTO verdict fails saying why.
 * Every bound is widened by the cohort's request spacing (its resolution) and timer slack only.
 */
const DRILL = 'test/fixtures/drills/client-cohorts.drill.ts';
const RECORD = 'api.drdrill.test';
const SECONDARY = '127.0.0.3';
/** 20 req/s per cohort: the resolution of each cohort's recovery. */
const SPACING_MS = 50;
/** Timer lateness on a busy 2-core machine (same slack as the demo drill's ground-truth test). */
const SLACK_MS = 25;
const CACHED = { ttl: 1000, jvm: 3000, k6: 5000 } as const;

type DnsAnswerEvent = Extract<SandboxEvent, { type: 'dns-answer' }>;

describe('client cohorts on a sandbox failover, against the sandbox DNS switch', function () {
  this.timeout(120_000);
  let sandbox: Sandbox;
  let out: string;
  let stateDir: string;
  let record: RunRecord;
  let exitCode: number;
  let injectAt: number;
  let switchAt: number;
  /** Start of each cohort's first request connected to the secondary after the switch (epoch ms). */
  const movedAt = new Map<string, number>();
  const requests = new Map<string, number>();
  const io = captureIo();

  before(async () => {
    sandbox = await startSandbox();
    out = await tempDir('cohorts-out');
    stateDir = await tempDir('cohorts-state');
    exitCode = await runCli(['run', DRILL, '--sandbox-url', sandbox.description.controlPlaneUrl, '--out', out, '--state-dir', stateDir], io);
    const dir = await onlyRunDir(out, 'client-cohorts');
    record = await readRunRecord(dir);
    injectAt = record.faults.find((event) => event.kind === 'inject')?.at ?? Number.NaN;
    const switched = sandbox
      .events()
      .find((e): e is DnsAnswerEvent => e.type === 'dns-answer' && e.name === RECORD && e.at >= injectAt - 1000 && e.addresses.join() === SECONDARY);
    if (switched === undefined) throw new Error(`the sandbox never switched ${RECORD} to the secondary:\n${io.text()}`);
    switchAt = switched.at;
    const csv = gunzipSync(await readFile(path.join(dir, 'samples.csv.gz'))).toString('utf8').trim().split('\n');
    const header = (csv[0] ?? '').split(',');
    const startColumn = header.indexOf('start_ms');
    const cohortColumn = header.indexOf('cohort');
    const addressColumn = header.indexOf('address');
    for (const line of csv.slice(1)) {
      const fields = line.split(',');
      const cohort = fields[cohortColumn] ?? '';
      const start = Number(fields[startColumn]);
      requests.set(cohort, (requests.get(cohort) ?? 0) + 1);
      if (fields[addressColumn] === SECONDARY && start >= injectAt && start < (movedAt.get(cohort) ?? Number.POSITIVE_INFINITY)) movedAt.set(cohort, start);
    }
  });
  after(async () => {
    await sandbox.close();
    await rm(out, { recursive: true, force: true });
    await rm(stateDir, { recursive: true, force: true });
  });

  const rtoOf = (cohort: string): Figure => {
    const figure = record.figures?.find((each) => each.name === `rto[${cohort}]`);
    if (figure === undefined) throw new Error(`no rto[${cohort}] figure:\n${io.text()}`);
    return figure;
  };

  it('sends each cohort its fifth of the load, tagged', () => {
    const total = [...requests.values()].reduce((sum, count) => sum + count, 0);
    expect([...requests.keys()].sort()).to.deep.equal(['fresh', 'jvm', 'jvm-forever', 'k6', 'ttl']);
    for (const [cohort, count] of requests) expect(count / total, cohort).to.be.closeTo(0.2, 0.01);
  });

  it('has fresh clients recover at the sandbox DNS switch', () => {
    const rto = rtoOf('fresh');
    const recoveredAt = injectAt + (rto.value ?? Number.NaN);
    expect(Math.abs(recoveredAt - switchAt), io.text()).to.be.at.most(SPACING_MS + SLACK_MS);
  });

  for (const [cohort, cacheMs] of Object.entries(CACHED)) {
    it(`has ${cohort} clients recover within their ${cacheMs} ms cache after the switch, when their own connections moved`, () => {
      const rto = rtoOf(cohort);
      const recoveredAt = injectAt + (rto.value ?? Number.NaN);
      const moved = movedAt.get(cohort) ?? Number.NaN;
      const detail = `${cohort}: recovered ${recoveredAt - switchAt} ms and moved ${moved - switchAt} ms after the switch\n${io.text()}`;
      // The model: the cache expires at most C after the DNS shift, never before it.
      expect(recoveredAt, detail).to.be.within(switchAt - SPACING_MS - SLACK_MS, switchAt + cacheMs + SPACING_MS + SLACK_MS);
      // Recovery is the cohort's cache running out: its first connection to the secondary.
      expect(Math.abs(recoveredAt - moved), detail).to.be.at.most(SPACING_MS + SLACK_MS);
      // And inside the window the report prints beside it: DNS shift + up to the cache.
      const expected = rto.expected;
      expect(expected?.toMs, detail).to.be.closeTo((expected?.fromMs ?? 0) + cacheMs, 1);
      expect(rto.value, detail).to.be.within((expected?.fromMs ?? 0) - SPACING_MS - SLACK_MS, (expected?.toMs ?? 0) + SPACING_MS + SLACK_MS);
    });
  }

  it('has jvm-forever never recover within the drill, failing its RTO assertion with the reason', () => {
    expect(rtoOf('jvm-forever').value).to.equal(null);
    const verdict = record.verdicts.find((each) => each.name.includes('cohort jvm-forever'));
    expect(verdict?.status).to.equal('failed');
    expect(verdict?.observed).to.match(/^clients never recovered while the fault was in place/);
    expect(verdict?.observed).to.include('cohort jvm-forever cannot recover on DNS: it caches the first DNS answer for the life of the process');
    expect(exitCode, 'the failed assertion fails the run').to.equal(1);
    expect(record.verdicts.filter((each) => each.status !== 'passed').map((each) => each.name)).to.have.length(1);
  });
});
