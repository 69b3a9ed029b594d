import { expect } from 'chai';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { loadDrill, type LoadedDrill } from '../../src/drill/load-drill.ts';
import { readRunRecord } from '../../src/reporters/write-run-directory.ts';
import type { RunRecord } from '../../src/runner/run-record.ts';
import { PHASES } from '../../src/runner/timeline.ts';
import { drillSteps } from '../../src/steps/drill-steps.ts';
import { onlyRunDir, tempDir } from './e2e-kit.ts';

const execFileAsync = promisify(execFile);

/**
 * Every drill shipped in drills/sandbox/, run from the CLI as the steps interpreter walks it: each
 * passes with one passed verdict per assertion (and per until step), its steps recorded in order,
 * the phases every assertion reads marked in order, and its faults rolled back.
 */
describe('every shipped sandbox drill, run as steps', function () {
  this.timeout(480_000);
  const records = new Map<string, RunRecord>();
  const drills = new Map<string, LoadedDrill>();
  const outputs: string[] = [];
  const dirs: string[] = [];

  before(async () => {
    // A drill file imports the whole package: loaded once here, a busy machine does not push the
    // first drill's import past its 5 s limit.
    await import('../../src/index.ts');
    const files = (await readdir('drills/sandbox')).filter((name) => name.endsWith('.drill.ts')).sort().map((name) => path.join('drills/sandbox', name));
    for (const file of files) {
      const loaded = await loadDrill(file);
      drills.set(loaded.drill.name, loaded);
    }
    // Drills that share a sandbox run in an order that leaves it fit for the next (as the injector
    // drills' lanes do); a drill with its own topology gets the embedded sandbox it asks for. Each
    // lane is its own process, so two lanes use two cores instead of sharing one event loop.
    const own = [...drills.values()].filter(({ drill }) => drill.sandbox !== undefined).map(({ drill }) => [drill.name]);
    const lanes: (readonly (readonly string[])[])[] = [
      [['lambda-500-ssm-flag', 'health-check-disable', 'routing-control-isolation', 'primary-lambda-throttle', 'lambda-500-fis', 'two-functions-throttle', 'health-check-invert', 'per-service-isolation']],
      [['api-mapping-blind-spot', 'alb-ingress-revoke', 'routing-control-failover', 'fis-experiment'], ...own],
    ];
    const laned = new Set(lanes.flat(2));
    expect([...drills.keys()].filter((name) => !laned.has(name)), 'a shipped drill in no lane').to.deep.equal([]);
    await Promise.all(
      lanes.map(async (runs) => {
        for (const names of runs) await runInProcess(names);
      }),
    );
  });
  after(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  async function runInProcess(names: readonly string[]): Promise<void> {
    const out = await tempDir('shipped-steps-out');
    const stateDir = await tempDir('shipped-steps-state');
    dirs.push(out, stateDir);
    const files = names.map((name) => `drills/sandbox/${name}.drill.ts`);
    // As CI runs them: no terminal, so a drill's approve steps are answered by the flag.
    const args = ['bin/drdrill.js', 'run', ...files, '--approve', 'all', '--out', out, '--state-dir', stateDir];
    const { stdout, stderr } = await execFileAsync(process.execPath, args, { maxBuffer: 64 * 1024 * 1024 }).catch(
      (error: { stdout?: string; stderr?: string }) => ({ stdout: error.stdout ?? '', stderr: error.stderr ?? '' }),
    );
    outputs.push(stdout, stderr);
    for (const name of names) records.set(name, await readRunRecord(await onlyRunDir(out, name)));
  }

  const each = (check: (name: string, record: RunRecord, loaded: LoadedDrill) => void): void => {
    expect(records.size, outputs.join('\n')).to.equal(drills.size);
    for (const [name, record] of records) {
      const loaded = drills.get(name);
      if (loaded === undefined) throw new Error(`no drill ${name}`);
      check(name, record, loaded);
    }
  };

  it('passes every drill with one passed verdict per assertion and until step', () => {
    expect(drills.size).to.be.at.least(14);
    each((name, record, { drill }) => {
      expect(record.outcome, `${name}: ${record.reason ?? ''}\n${outputs.join('\n')}`).to.equal('passed');
      const untils = drillSteps(drill).filter((step) => step.step === 'until').length;
      expect(record.verdicts.length, name).to.equal(drill.assertions.length + untils);
      for (const verdict of record.verdicts) expect(verdict.status, `${name}: ${verdict.name}: ${verdict.observed}`).to.equal('passed');
    });
  });

  it('records every step started and ended, in the drill’s order, each passed', () => {
    each((name, record, { drill }) => {
      const planned = drillSteps(drill).map((step) => step.name);
      const started = (record.steps ?? []).filter((event) => event.kind === 'started').map((event) => event.step);
      const ended = (record.steps ?? []).filter((event) => event.kind === 'ended');
      expect(started, name).to.deep.equal(planned);
      expect(ended.map((event) => event.step), name).to.deep.equal(planned);
      for (const event of ended) expect(event.status, `${name}: ${event.step}`).to.equal('passed');
    });
  });

  it('answers every approve step, by the flag, in the drill’s order', () => {
    each((name, record, { drill }) => {
      const asked = drillSteps(drill).flatMap((step) => (step.step === 'approve' ? [step.name] : []));
      expect((record.approvals ?? []).map((approval) => `${approval.step} ${approval.approved ? 'approved' : 'refused'} via ${approval.via}`), name).to.deep.equal(
        asked.map((step) => `${step} approved via flag`),
      );
    });
    expect([...drills.values()].some(({ drill }) => drillSteps(drill).some((step) => step.step === 'approve')), 'a shipped drill asks for approval').to.equal(true);
  });

  it('marks the five phases in order, the fault phase before the first injection and the settle after the last rollback', () => {
    each((name, record) => {
      expect(record.phases.map((mark) => mark.phase), name).to.deep.equal([...PHASES]);
      const at = (phase: string): number => record.phases.find((mark) => mark.phase === phase)?.at ?? Number.NaN;
      const injects = record.faults.filter((event) => event.kind === 'inject').map((event) => event.at);
      const rollbacks = record.faults.filter((event) => event.kind === 'rollback').map((event) => event.at);
      expect(at('fault'), name).to.be.at.most(Math.min(...injects));
      expect(at('settle'), name).to.be.at.least(Math.max(...rollbacks));
      expect(record.faults.some((event) => event.kind === 'rollback-failed'), name).to.equal(false);
      expect(rollbacks.length, name).to.equal(injects.length);
    });
  });
});
