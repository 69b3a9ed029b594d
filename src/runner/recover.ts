import { AwsClients } from '../aws/aws-clients.ts';
import { injectorFor } from '../injectors/injector-registry.ts';
import { DeadMansSwitch } from './dead-mans-switch.ts';
import { Journal, openJournals, type JournalState } from './journal.ts';
import { lockDeleteCommand, releaseTargetLocks } from './target-lock.ts';
import { describeError } from '../util/describe-error.ts';

export interface RecoverOptions {
  readonly stateDir: string;
  /** Undo journals of runs whose process still seems alive (it may be a reused pid). */
  readonly force?: boolean;
  readonly log?: (line: string) => void;
}

export interface RecoverReport {
  readonly journals: number;
  readonly undone: number;
  readonly skipped: readonly string[];
  readonly failed: readonly { readonly target: string; readonly error: string; readonly manualUndo: readonly string[] }[];
}

/**
 * Undoes what interrupted runs left behind, newest fault first, from their journals alone.
 * Idempotent: rollbacks restore a recorded prior state, so running it twice changes nothing
 * the second time, and a journal is closed only once everything in it is undone.
 */
export async function recover(options: RecoverOptions): Promise<RecoverReport> {
  const log = options.log ?? (() => {});
  const journals = await openJournals(options.stateDir);
  const skipped: string[] = [];
  const failed: RecoverReport['failed'][number][] = [];
  let undone = 0;
  for (const journal of journals) {
    const { run } = journal;
    if (!options.force && run.pid !== process.pid && isAlive(run.pid)) {
      skipped.push(`${run.runId}: its process (pid ${run.pid}) is still running; use --force if it is not drdrill`);
      continue;
    }
    if (run.environment.kind === 'sandbox' && !(await sandboxReachable(run.environment.endpoint))) {
      // An embedded sandbox dies with its run, and its state with it: there is nothing left to undo.
      log(`${run.runId}: its sandbox (${run.environment.endpoint ?? 'no endpoint'}) is gone, and the fault with it`);
      await (await Journal.reopen(journal.file)).close('sandbox-gone');
      continue;
    }
    log(`recovering ${run.runId} (${run.drill}, environment ${run.environment.name}): ${journal.pending.length} fault(s) to undo`);
    const writer = await Journal.reopen(journal.file);
    const result = await undoJournal(journal, writer, log);
    undone += result.undone;
    failed.push(...result.failed);
    // Closed only once everything in it is undone; otherwise the next recover tries again.
    if (result.failed.length === 0) await writer.close('recovered');
    else await writer.abandon();
  }
  return { journals: journals.length, undone, skipped, failed };
}

async function undoJournal(
  journal: JournalState,
  writer: Journal,
  log: (line: string) => void,
): Promise<{ undone: number; failed: RecoverReport['failed'][number][] }> {
  const { environment, defaultService } = journal.run;
  const clients = AwsClients.forEnvironment(environment);
  const deps = { environment, clients, defaultService };
  const failed: RecoverReport['failed'][number][] = [];
  const stillFaulted = new Set<number>();
  let undone = 0;
  try {
    for (const intent of journal.pending) {
      const injector = injectorFor(intent.injector);
      try {
        const result = await injector.rollback(intent.handle, deps);
        await writer.rolledBack(intent.seq, result.requestIds);
        undone++;
        log(`  undone ${intent.target}`);
      } catch (error) {
        const message = describeError(error);
        failed.push({ target: intent.target, error: message, manualUndo: injector.manualUndo(intent.handle, clients.awsCli) });
        stillFaulted.add(intent.seq);
        log(`  FAILED ${intent.target}: ${message}`);
      }
    }
    // The switches of undone faults have nothing left to do; those of faults still in stay armed,
    // the one revert left that does not depend on this machine.
    const deadMansSwitch = new DeadMansSwitch(deps, journal.run.runId);
    const bySeq = new Map<number, (typeof journal.armed)[number][]>();
    for (const revert of journal.armed) {
      if (!stillFaulted.has(revert.seq)) bySeq.set(revert.seq, [...(bySeq.get(revert.seq) ?? []), revert]);
    }
    for (const [seq, reverts] of bySeq) {
      try {
        await deadMansSwitch.disarm(reverts);
        await writer.disarmed(seq);
        log(`  stopped the dead-man's switch (${reverts.map((revert) => revert.executionId).join(', ')})`);
      } catch (error) {
        const message = describeError(error);
        log(`  could not stop the dead-man's switch (${reverts.map((revert) => revert.executionId).join(', ')}): ${message}; it will set the prior state again at its deadline, which is harmless`);
      }
    }
    // Locks go last, and only once every fault is undone: a target still faulted stays locked.
    const locks = journal.locks;
    if (locks !== undefined && failed.length === 0) {
      try {
        const report = await releaseTargetLocks({ ssm: clients.ssm(locks.region), region: locks.region, names: locks.names, runId: journal.run.runId, deps });
        await writer.unlocked();
        if (report.released.length > 0) log(`  released ${report.released.length} target lock(s)`);
        if (report.notOurs.length > 0) log(`  left ${report.notOurs.length} lock(s) alone: another run holds them now`);
      } catch (error) {
        const message = describeError(error);
        const manualUndo = locks.names.map((name) => lockDeleteCommand(name, locks.region, clients.awsCli));
        failed.push({ target: `target locks ${locks.names.join(', ')}`, error: message, manualUndo });
        log(`  FAILED to release the target locks: ${message}`);
      }
    }
  } finally {
    clients.destroy();
  }
  return { undone, failed };
}

async function sandboxReachable(endpoint: string | undefined): Promise<boolean> {
  if (endpoint === undefined) return false;
  try {
    const response = await fetch(new URL('/_sandbox/describe', endpoint), { signal: AbortSignal.timeout(2000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
