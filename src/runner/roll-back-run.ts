import { describeReason } from '../util/describe-reason.ts';
import type { RollbackFailure } from './fault-controller.ts';
import { planFaults } from './plan-faults.ts';
import type { PreparedRun } from './preflight.ts';
import { releaseLocks } from './run-locks.ts';
import type { StateSnapshot } from './run-record.ts';
import type { RunScope } from './run-scope.ts';
import { snapshotOf } from './state-snapshot.ts';

export interface RollbackResult {
  /** Faults that stayed in after every retry: the run exits 4 and says how to undo each. */
  readonly failures: readonly RollbackFailure[];
  /** Every target read back live after the rollback, when that worked. */
  readonly after?: StateSnapshot;
}

export const NOTHING_TO_ROLL_BACK: RollbackResult = { failures: [] };

/**
 * The one thing that must always happen once anything may have been changed: every journaled
 * fault reverted (newest first), the targets read back, then the locks released and the journal
 * closed, or, when a fault stayed in, the journal left open for `drdrill recover`.
 *
 * @param closing the journal's closing word when the run already knows how it ended
 */
export async function rollBackRun(scope: RunScope, prepared: PreparedRun, closing: string | undefined): Promise<RollbackResult> {
  const { controller, journal, locks } = prepared;
  if (controller.activeCount > 0) scope.mark('failback');
  // Those an earlier revert step could not undo are among them: they stay in too.
  const failures = await controller.rollbackAll();
  let after: StateSnapshot | undefined;
  // Read every target again, live: the evidence that rollback restored what was there.
  try {
    after = snapshotOf(await planFaults(scope.drill.faults, scope.deps));
  } catch (error) {
    scope.log(`could not read targets back after rollback: ${describeReason(error)}`);
  }
  if (failures.length === 0) {
    await releaseLocks(locks, journal, scope.log);
    await journal.close(closing ?? 'rolled-back');
  } else {
    // A target still faulted stays locked: no other drill should start on it. recover releases it.
    await journal.abandon();
  }
  return { failures, ...(after === undefined ? {} : { after }) };
}

/**
 * A drill's `revert` step: the named fault (or every active one, newest first) undone now, while
 * load and observers go on. Reverting the last fault in starts the failback phase, and once it
 * is out, the settle phase. The journal stays open and the locks held: `rollBackRun` still ends
 * the run. Returns the faults that stayed in (the run then stops and exits 4).
 */
export async function revertFaults(scope: RunScope, prepared: PreparedRun, which: string | 'all'): Promise<readonly RollbackFailure[]> {
  const { controller } = prepared;
  if (controller.activeCount === 0) return [];
  if (which === 'all' || (controller.activeCount === 1 && controller.activeNames.includes(which))) scope.mark('failback');
  const before = controller.failures.length;
  if (which === 'all') await controller.rollbackAll();
  else await controller.revert(which);
  const failures = controller.failures.slice(before);
  if (failures.length === 0 && controller.activeCount === 0) scope.mark('settle');
  return failures;
}

/** What the run's reason says about rollbacks that failed: each target, its error, and how to undo it by hand. */
export function describeRollbackFailures(failures: readonly RollbackFailure[]): string {
  return failures.map(describeRollbackFailure).join('\n');
}

function describeRollbackFailure(failure: RollbackFailure): string {
  const lines = [`${failure.target}: ${failure.error}`, '  undo by hand:', ...failure.manualUndo.map((line) => `    ${line}`)];
  if (failure.armed.length > 0) {
    const deadline = new Date(Math.max(...failure.armed.map((revert) => revert.deadline))).toISOString();
    lines.push(
      `  the dead-man's switch still reverts it at ${deadline} unless stopped (${failure.armed.map((r) => `${r.executionId} in ${r.region}`).join(', ')})`,
    );
  }
  return lines.join('\n');
}
