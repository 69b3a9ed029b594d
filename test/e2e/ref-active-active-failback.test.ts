import { expect } from 'chai';
import type { SandboxEvent } from '../../src/sandbox/sandbox-handle.ts';
import { addressOf, figureOf, injectAt, removeDirs, runDrillOnSandbox, verdictNamed, type DnsAnswerEvent, type SandboxDrillRun } from './sandbox-drill-run.ts';

type HealthEvent = Extract<SandboxEvent, { type: 'health-check-status' }>;

const RECORD = 'api.active.drdrill.test';

/**
 * Reference drill 5 (active-active behind weighted records), run from the CLI and held against
 * the sandbox's record of when the primary's health check changed and what its weighted record
 * could answer: the measured rebalance must follow the sandbox's own failback, and the flaps the
 * drill counts must match the switches the sandbox made (none beyond the one failback).
 */
describe('ref-active-active-failback, against the sandbox’s ground truth', function () {
  this.timeout(120_000);
  const dirs: string[] = [];
  let run: SandboxDrillRun;
  before(async () => {
    run = await runDrillOnSandbox('drills/sandbox/ref-active-active-failback.drill.ts', 'drills/topologies/active-active.ts', dirs);
  });
  after(async () => {
    await run?.sandbox.close();
    await removeDirs(dirs);
  });

  it('passes every verdict, the steady state judged on both regions’ shares', () => {
    expect(run.code, run.text).to.equal(0);
    for (const verdict of run.record.verdicts) expect(verdict.status, `${verdict.name}: ${verdict.observed}`).to.equal('passed');
    const steady = run.record.verdicts.find((verdict) => verdict.assertion === 'steady-state');
    expect(Number(steady?.details?.['us-east-1 sharePercent'])).to.be.within(40, 60);
    expect(Number(steady?.details?.['us-west-2 sharePercent'])).to.be.within(40, 60);
  });

  it('sees the record drop the primary once and take it back once, exactly as the sandbox switched', () => {
    const { sandbox, record } = run;
    const from = injectAt(record, 'throttle-us-east-1');
    const primary = addressOf(sandbox, 'us-east-1');
    const secondary = addressOf(sandbox, 'us-west-2');
    const answers = sandbox.events().filter((event): event is DnsAnswerEvent => event.type === 'dns-answer' && event.name === RECORD && event.at >= from);
    // Both in steady state; only the survivor while the check is unhealthy; both again: no relapse.
    expect(answers.map((event) => [...event.addresses].sort())).to.deep.equal([[secondary], [primary, secondary].sort()]);
    const health = sandbox.events().filter((event): event is HealthEvent => event.type === 'health-check-status' && event.healthCheckId === 'hc-api-us-east-1' && event.at >= from);
    expect(health.map((event) => event.healthy)).to.deep.equal([false, true]);
    expect(figureOf(record, 'rebalance.flaps')).to.equal(0);
  });

  it('times the rebalance from the rollback to the sandbox’s failback plus one share window', () => {
    const { sandbox, record } = run;
    const rollback = record.faults.find((event) => event.kind === 'rollback')?.at ?? Number.NaN;
    const bothAgain = sandbox.events().find((event): event is DnsAnswerEvent => event.type === 'dns-answer' && event.name === RECORD && event.at >= rollback && event.addresses.length === 2)?.at ?? Number.NaN;
    const measured = figureOf(record, 'rebalance');
    // A 1 s window needs about 0.8 s of requests split evenly to hold 40 % of the primary; the
    // windows step by 100 ms and requests resolve afresh, so the figure follows the switch by 0.5–1.3 s.
    expect(measured - (bothAgain - rollback)).to.be.within(500, 1300);
    const verdict = verdictNamed(record, 'Shares rebalance within 6 s, at most 0 flaps per resolver');
    expect(verdict.details?.['mostFlaps']).to.equal(0);
  });
});
