import { expect } from 'chai';
import { rm } from 'node:fs/promises';
import { runCli } from '../../src/cli/cli.ts';
import { readRunRecord } from '../../src/reporters/write-run-directory.ts';
import type { RunRecord } from '../../src/runner/run-record.ts';
import type { Sandbox, SandboxEvent } from '../../src/sandbox/sandbox-handle.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { captureIo, onlyRunDir, tempDir } from './e2e-kit.ts';

/**
 * Drills that run one after another on the same sandbox: each must leave it as it found it for
 * the next to pass. Lanes run side by side (each with its own sandbox) to keep the suite short.
 */
const LANES: readonly (readonly string[])[] = [
  ['lambda-500-ssm-flag', 'health-check-disable', 'routing-control-isolation'],
  ['lambda-500-fis', 'two-functions-throttle', 'health-check-invert'],
  ['api-mapping-blind-spot', 'alb-ingress-revoke', 'routing-control-failover', 'fis-experiment'],
];

interface LaneResult {
  readonly sandbox: Sandbox;
  readonly exitCode: number;
  readonly output: string;
  readonly records: ReadonlyMap<string, RunRecord>;
}

type DnsAnswerEvent = Extract<SandboxEvent, { type: 'dns-answer' }>;

describe('the sandbox drill of every injector, run from the CLI', function () {
  this.timeout(240_000);
  const lanes: LaneResult[] = [];
  const dirs: string[] = [];
  const recordOf = (name: string): { record: RunRecord; lane: LaneResult } => {
    const lane = lanes.find((l) => l.records.has(name));
    const record = lane?.records.get(name);
    if (lane === undefined || record === undefined) throw new Error(`drill ${name} did not run`);
    return { record, lane };
  };
  // From the fault phase mark (the inject event is stamped after its call returns, when the
  // sandbox may already have switched) to the rollback's answer.
  const faultWindow = (record: RunRecord): { from: number; to: number } => ({
    from: record.phases.find((p) => p.phase === 'fault')?.at ?? Number.NaN,
    to: record.faults.find((f) => f.kind === 'rollback')?.at ?? Number.NaN,
  });
  const answersFor = (sandbox: Sandbox, name: string, window: { from: number; to: number }): DnsAnswerEvent[] =>
    sandbox.events().filter((e): e is DnsAnswerEvent => e.type === 'dns-answer' && e.name === name && e.at >= window.from && e.at <= window.to);

  before(async () => {
    const results = await Promise.all(
      LANES.map(async (drills) => {
        const sandbox = await startSandbox();
        const out = await tempDir('injector-drills-out');
        const stateDir = await tempDir('injector-drills-state');
        dirs.push(out, stateDir);
        const io = captureIo();
        const files = drills.map((name) => `drills/sandbox/${name}.drill.ts`);
        const exitCode = await runCli(['run', ...files, '--sandbox-url', sandbox.description.controlPlaneUrl, '--out', out, '--state-dir', stateDir], io);
        const records = new Map<string, RunRecord>();
        for (const name of drills) records.set(name, await readRunRecord(await onlyRunDir(out, name)));
        return { sandbox, exitCode, output: io.text(), records };
      }),
    );
    lanes.push(...results);
  });
  after(async () => {
    await Promise.all(lanes.map((lane) => lane.sandbox.close()));
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('passes every drill, each lane exiting 0, with every fault rolled back', () => {
    for (const lane of lanes) expect(lane.exitCode, lane.output).to.equal(0);
    for (const name of LANES.flat()) {
      const { record } = recordOf(name);
      expect(record.outcome, `${name}: ${record.reason ?? ''}`).to.equal('passed');
      expect(record.verdicts.every((v) => v.status === 'passed'), name).to.equal(true);
      const kinds = record.faults.map((f) => f.kind);
      expect(kinds, name).to.include.members(['inject', 'verified', 'rollback']);
      expect(kinds, name).to.not.include('rollback-failed');
    }
  });

  it('states in each report what the drill proved', () => {
    for (const name of LANES.flat()) {
      const { record } = recordOf(name);
      expect(record.drill.description, name).to.match(/Proves /);
    }
    const blindSpot = recordOf('api-mapping-blind-spot').record;
    expect(blindSpot.drill.description).to.include('aim the health check at the custom domain');
    expect(blindSpot.verdicts.map((v) => v.name)).to.include(
      'Blind spot: clients get 403 Forbidden from the primary, yet DNS never fails over (the health check targets execute-api, not the custom domain)',
    );
    // The custom check reports its measurement as a figure, stored like the built-ins'.
    const forbidden = blindSpot.figures?.find((figure) => figure.name === 'custom.forbidden');
    expect(forbidden?.unit).to.equal('percent');
    expect(forbidden?.value).to.be.at.least(90);
  });

  it('api-mapping-blind-spot: the sandbox never moved service2 while clients got 403', () => {
    const { record, lane } = recordOf('api-mapping-blind-spot');
    const window = faultWindow(record);
    expect(answersFor(lane.sandbox, 'service2.drdrill.test', window), 'service2 DNS answer changes during the fault').to.deep.equal([]);
    const forbidden = lane.sandbox.events().filter((e) => e.type === 'fault' && e.service === 'service2' && e.fault === 'api-mapping-missing' && e.active);
    expect(forbidden).to.have.length(1);
  });

  it('alb-ingress-revoke: requests wait out the integration timeout, get 503, and DNS fails over', () => {
    const { record, lane } = recordOf('alb-ingress-revoke');
    expect(record.totals.errors).to.be.greaterThan(0);
    const window = faultWindow(record);
    const moved = answersFor(lane.sandbox, 'service2.drdrill.test', window).find((e) => e.addresses.join() === '127.0.0.3');
    expect(moved, 'the sandbox switched service2 to the secondary').to.not.equal(undefined);
  });

  it('routing-control drills: flipping service1 moves service1 and leaves service2 on its primary', () => {
    const failover = recordOf('routing-control-failover');
    const moved = answersFor(failover.lane.sandbox, 'service1.drdrill.test', faultWindow(failover.record));
    expect(moved.map((e) => e.addresses.join())).to.include('127.0.0.3');
    expect(answersFor(failover.lane.sandbox, 'service2.drdrill.test', faultWindow(failover.record))).to.deep.equal([]);

    const isolation = recordOf('routing-control-isolation');
    const window = faultWindow(isolation.record);
    expect(answersFor(isolation.lane.sandbox, 'service1.drdrill.test', window).map((e) => e.addresses.join())).to.include('127.0.0.3');
    expect(answersFor(isolation.lane.sandbox, 'service2.drdrill.test', window)).to.deep.equal([]);
  });

  it('health-check-disable: the sandbox never marked the disabled primary unhealthy while it was disabled', () => {
    const { record, lane } = recordOf('health-check-disable');
    const window = faultWindow(record);
    const unhealthy = lane.sandbox.events().filter((e) => e.type === 'health-check-status' && e.healthCheckId === 'hc-api-us-east-1' && !e.healthy && e.at >= window.from && e.at < window.to);
    expect(unhealthy).to.deep.equal([]);
  });
});
