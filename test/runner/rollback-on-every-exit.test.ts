import { expect } from 'chai';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { DrillInput } from '../../src/drill/drill-schema.ts';
import { validateDrill } from '../../src/drill/load-drill.ts';
import { createBuiltinEngine } from '../../src/load/builtin-engine.ts';
import { journalDir } from '../../src/runner/journal.ts';
import { runDrill, type DrillRun } from '../../src/runner/run-drill.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import { sandboxEnvironment } from '../../src/sandbox/sandbox-environment.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { DEFAULT_TOPOLOGY } from '../../src/sandbox/topology/topology.ts';
import { tempDir } from '../e2e/e2e-kit.ts';

/** A short throttle drill; each case below changes what makes it end. */
const BASE = {
  service: 'api',
  load: { rate: 20, timeout: '1s' },
  phases: { baseline: '500ms', recovery: '1s', settle: '300ms' },
  probes: { dnsInterval: '100ms' },
  faults: [{ injector: 'lambda-throttle', target: { region: 'primary' } }],
  assertions: [{ assertion: 'error-budget', phase: 'baseline', maxErrorRate: 0 }],
} satisfies Omit<DrillInput, 'name'>;

interface ExitCase {
  readonly name: string;
  readonly drill: Partial<DrillInput>;
  readonly outcome: string;
  readonly reason?: RegExp;
  /** What the journal's closing line says. */
  readonly closed: string;
  /** Acts on the run's progress lines: aborts it or throws, as the case needs. */
  readonly onLine?: (line: string, abort: () => void) => void;
}

const CASES: readonly ExitCase[] = [
  { name: 'success', drill: {}, outcome: 'passed', closed: 'rolled-back' },
  {
    name: 'a failed verdict',
    // Detection takes 1.5 s at this time scale: a 1 s recovery phase is all errors from the throttled primary.
    drill: { assertions: [{ assertion: 'error-budget', phase: 'recovery', maxErrorRate: 0 }] },
    outcome: 'failed',
    closed: 'rolled-back',
  },
  {
    name: 'the fault reaching its maximum duration',
    drill: { phases: { baseline: '500ms', recovery: '20s', settle: '300ms' }, guardrails: { maxFaultDuration: '1s' } },
    outcome: 'aborted',
    reason: /^aborted: the fault reached its maximum duration of 1000 ms$/,
    closed: 'rolled-back',
  },
  {
    name: 'an abort from the caller during recovery',
    drill: { phases: { baseline: '500ms', recovery: '20s', settle: '300ms' } },
    outcome: 'aborted',
    reason: /^aborted: operator pressed Ctrl-C$/,
    closed: 'rolled-back',
    onLine: (line, abort) => {
      if (line.startsWith('phase           recovery')) abort();
    },
  },
  {
    name: 'an exception once the fault is in',
    drill: {},
    outcome: 'aborted',
    reason: /^drill failed: the log sink broke$/,
    closed: 'aborted',
    onLine: (line) => {
      if (line.startsWith('inject ')) throw new Error('the log sink broke');
    },
  },
];

describe('rollback on every exit path of a run', function () {
  this.timeout(60_000);
  let sandbox: Sandbox;
  const dirs: string[] = [];

  // A sandbox per case: a run stopped before its settle phase leaves DNS on the secondary for a while.
  beforeEach(async () => {
    // A 0.5 s health-check interval: each run below takes a few seconds.
    sandbox = await startSandbox({ topology: { ...DEFAULT_TOPOLOGY, timeScale: 0.05 } });
  });
  afterEach(async () => {
    await sandbox.close();
  });
  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  async function run(exit: ExitCase): Promise<{ run: DrillRun; stateDir: string; concurrency: (number | null)[] }> {
    const stateDir = await tempDir('exit-state');
    dirs.push(stateDir);
    const caller = new AbortController();
    let thrown = false;
    const result = await runDrill({
      drill: validateDrill({ ...BASE, ...exit.drill, name: 'exit-path' }),
      file: 'exit-path.drill.ts',
      environment: sandboxEnvironment(sandbox.description),
      engine: createBuiltinEngine(),
      stateDir,
      signal: caller.signal,
      log: (line) => {
        // Once only: the run must still be able to say why it stopped.
        if (thrown) return;
        try {
          exit.onLine?.(line, () => caller.abort(new Error('operator pressed Ctrl-C')));
        } catch (error) {
          thrown = true;
          throw error;
        }
      },
    });
    const concurrency = sandbox
      .events()
      .flatMap((e) => (e.type === 'function-concurrency' ? [e.reservedConcurrency] : []));
    return { run: result, stateDir, concurrency };
  }

  for (const exit of CASES) {
    it(`reverts the fault, releases the locks and closes the journal after ${exit.name}`, async () => {
      const { run: done, stateDir, concurrency } = await run(exit);
      const { record } = done;
      expect(record.outcome, record.reason).to.equal(exit.outcome);
      if (exit.reason !== undefined) expect(record.reason).to.match(exit.reason);
      // Ground truth: the sandbox saw the function throttled once and restored once.
      expect(concurrency).to.deep.equal([0, null]);
      expect(done.rollbackFailures).to.deep.equal([]);
      expect(record.faults.map((event) => event.kind)).to.include.members(['inject', 'rollback']);
      const phases = record.phases.map((mark) => mark.phase);
      expect(phases).to.include('failback');
      // Settle follows only a run that was not stopped.
      expect(phases.includes('settle')).to.equal(exit.outcome === 'passed' || exit.outcome === 'failed');
      const snapshots = record.evidence?.snapshots;
      expect(snapshots?.after?.items).to.have.lengthOf.at.least(1);
      expect(snapshots?.after?.items).to.deep.equal(snapshots?.before?.items);
      const journal = (await readFile(path.join(journalDir(stateDir), `${record.runId}.ndjson`), 'utf8'))
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { type: string; outcome?: string });
      const milestones = new Set(['intent', 'rolled-back', 'unlocked', 'closed']);
      expect(journal.map((entry) => entry.type).filter((type) => milestones.has(type))).to.deep.equal(['intent', 'rolled-back', 'unlocked', 'closed']);
      expect(journal.at(-1)).to.include({ type: 'closed', outcome: exit.closed });
    });
  }
});
