import { performance } from 'node:perf_hooks';
import { loadDrill } from '../../src/drill/load-drill.ts';
import { createBuiltinEngine } from '../../src/load/builtin-engine.ts';
import { runDrill } from '../../src/runner/run-drill.ts';
import type { RunRecord } from '../../src/runner/run-record.ts';
import { sandboxEnvironment } from '../../src/sandbox/sandbox-environment.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { drillSteps } from '../../src/steps/drill-steps.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DEMO = 'drills/sandbox/primary-lambda-throttle.drill.ts';

/** What the demo drill took, next to the least it could take. */
export interface DrillBenchResult {
  /** The run, preflight to record (`runDrill`), in ms. */
  readonly wallMs: number;
  /**
   * What the run physically had to wait for, in ms: the baseline, the detection and DNS shift it
   * observed (injection → DNS on the secondary), its holds, and the failback it observed (rollback
   * → DNS on the primary), each figure read from the run's own record.
   */
  readonly floorMs: number;
}

/**
 * Runs the demo drill (what `npm start` runs) on a fresh sandbox with the built-in engine and
 * measures it against its floor. The sandbox start and the report files are not the drill's time.
 */
export async function benchDemoDrill(): Promise<DrillBenchResult> {
  const { drill, file } = await loadDrill(DEMO);
  const sandbox = await startSandbox();
  const stateDir = mkdtempSync(join(tmpdir(), 'drdrill-bench-drill-'));
  try {
    const started = performance.now();
    const { record } = await runDrill({
      drill,
      file,
      environment: sandboxEnvironment(sandbox.description),
      engine: createBuiltinEngine(),
      stateDir,
      signal: new AbortController().signal,
    });
    const wallMs = performance.now() - started;
    if (record.outcome !== 'passed') throw new Error(`the demo drill did not pass: ${record.outcome} ${record.reason ?? ''}`);
    const holds = drillSteps(drill).reduce((sum, step) => sum + (step.step === 'hold' ? step.duration : 0), 0);
    return { wallMs, floorMs: holds + figure(record, 'dns.convergence') + figure(record, 'failback') };
  } finally {
    await sandbox.close();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

function figure(record: RunRecord, name: string): number {
  const value = record.figures?.find((each) => each.name === name)?.value;
  if (value === undefined || value === null) throw new Error(`the demo drill's record has no figure ${name}`);
  return value;
}
