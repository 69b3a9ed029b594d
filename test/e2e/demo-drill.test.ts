import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { access, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { runCli } from '../../src/cli/cli.ts';
import { readRunRecord } from '../../src/reporters/write-run-directory.ts';
import type { RunRecord } from '../../src/runner/run-record.ts';
import type { Sandbox, SandboxEvent } from '../../src/sandbox/sandbox-handle.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { captureIo, onlyRunDir, tempDir } from './e2e-kit.ts';

const DEMO = 'drills/sandbox/primary-lambda-throttle.drill.ts';
const RECORD = 'api.drdrill.test';
const PRIMARY = '127.0.0.2';
const SECONDARY = '127.0.0.3';
/** Slack for timer lateness on a busy 2-core machine, on top of the one-probe-interval bound. */
const SCHEDULING_SLACK_MS = 25;

type DnsAnswerEvent = Extract<SandboxEvent, { type: 'dns-answer' }>;

/** Ground truth: when the sandbox's DNS started answering `address` for the record, after `after`. */
function switchedAt(sandbox: Sandbox, address: string, after: number): number {
  const event = sandbox
    .events()
    .find((e): e is DnsAnswerEvent => e.type === 'dns-answer' && e.name === RECORD && e.at >= after && e.addresses.join() === address);
  if (event === undefined) throw new Error(`the sandbox never switched ${RECORD} to ${address}`);
  return event.at;
}

/** Measured: the first probe (by send time) after `after` that saw `address`. */
function firstSeen(record: RunRecord, address: string, after: number): number {
  const seen = record.dns.find((o) => o.at >= after && o.addresses.join() === address);
  if (seen === undefined) throw new Error(`no probe saw ${address}`);
  return seen.at;
}

describe('the demo drill on the sandbox', function () {
  this.timeout(90_000);
  let sandbox: Sandbox;
  let out: string;
  let stateDir: string;
  let exitCode: number;
  let record: RunRecord;
  let runDir: string;
  const io = captureIo();

  before(async () => {
    sandbox = await startSandbox();
    out = await tempDir('demo-out');
    stateDir = await tempDir('demo-state');
    exitCode = await runCli(
      ['run', DEMO, '--sandbox-url', sandbox.description.controlPlaneUrl, '--out', out, '--state-dir', stateDir],
      io,
    );
    runDir = await onlyRunDir(out, 'primary-lambda-throttle');
    record = await readRunRecord(runDir);
  });
  after(async () => {
    await sandbox.close();
    await rm(out, { recursive: true, force: true });
    await rm(stateDir, { recursive: true, force: true });
  });

  it('passes, exits 0 and writes junit.xml, index.html and run.json', async () => {
    expect(exitCode, io.text()).to.equal(0);
    expect(record.outcome).to.equal('passed');
    for (const file of ['junit.xml', 'index.html', 'run.json']) await access(path.join(runDir, file));
    expect(record.verdicts.map((v) => v.assertion)).to.deep.equal([
      // Its two until steps (failed over, failed back), then its assertions.
      'until',
      'until',
      'dns-convergence',
      'error-budget',
      'error-budget',
      'rto',
      'region-share',
      'failback',
    ]);
    expect(record.verdicts.filter((v) => v.status !== 'passed'), io.text()).to.deep.equal([]);
  });

  it('measures DNS convergence within one probe interval of when the sandbox actually switched', () => {
    const interval = (record.drill.definition as { probes: { dnsInterval: number } }).probes.dnsInterval;
    const injectedAt = record.faults.find((f) => f.kind === 'inject')?.at ?? Number.NaN;
    const truth = switchedAt(sandbox, SECONDARY, injectedAt);
    const measured = firstSeen(record, SECONDARY, injectedAt);
    expect(measured - truth, 'first probe seeing the secondary, minus the switch').to.be.within(-SCHEDULING_SLACK_MS, interval + SCHEDULING_SLACK_MS);

    const verdict = record.verdicts.find((v) => v.assertion === 'dns-convergence');
    const reported = Object.values(verdict?.details ?? {})[0];
    expect(reported).to.be.a('number');
    expect(Math.abs((reported as number) - (truth - injectedAt))).to.be.at.most(interval + SCHEDULING_SLACK_MS);
    expect(verdict?.resolutionMs).to.equal(interval);
  });

  it('measures failback against the ground truth too', () => {
    const interval = (record.drill.definition as { probes: { dnsInterval: number } }).probes.dnsInterval;
    const rolledBackAt = record.faults.find((f) => f.kind === 'rollback')?.at ?? Number.NaN;
    const truth = switchedAt(sandbox, PRIMARY, rolledBackAt);
    const measured = firstSeen(record, PRIMARY, rolledBackAt);
    expect(measured - truth).to.be.within(-SCHEDULING_SLACK_MS, interval + SCHEDULING_SLACK_MS);
  });

  it('sees the fault the way clients do: 500s from the primary, then answers from the secondary', () => {
    const regionsServed = new Set(record.series.points.flatMap((p) => Object.keys(p.byRegion)));
    expect([...regionsServed].sort()).to.deep.equal(['us-east-1', 'us-west-2']);
    expect(record.totals.errors).to.be.greaterThan(0);
    // 50 req/s for as long as the load ran: the run, less preflight.
    const seconds = (record.endedAt - record.startedAt) / 1000;
    expect(record.totals.requests).to.be.within(0.8 * 50 * (seconds - 1), 50 * seconds);
  });

  it('leaves the function as it found it and the journal closed', async () => {
    const concurrency = sandbox.events().filter((e) => e.type === 'function-concurrency');
    expect(concurrency.map((e) => (e.type === 'function-concurrency' ? e.reservedConcurrency : 'x'))).to.deep.equal([0, null]);
    const journal = await readFile(path.join(stateDir, 'journal', `${record.runId}.ndjson`), 'utf8');
    // Locked before the fault, the switch armed before the mutating call, both undone after rollback.
    expect(journal.trim().split('\n').map((l) => (JSON.parse(l) as { type: string }).type)).to.deep.equal([
      'run',
      'locked',
      'intent',
      'armed',
      'applied',
      'rolled-back',
      'disarmed',
      'unlocked',
      'closed',
    ]);
  });

  it('validates its JUnit file against the schema', async () => {
    await promisify(execFile)('xmllint', ['--noout', '--schema', 'test/fixtures/junit-10.xsd', path.join(runDir, 'junit.xml')]);
  });
});
