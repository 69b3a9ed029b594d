import { homeRegion } from '../drill/environment.ts';
import { awsCliFor } from '../aws/aws-cli.ts';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { AwsClients } from '../aws/aws-clients.ts';
import { injectorFor } from '../injectors/injector-registry.ts';
import { describeError } from '../util/describe-error.ts';
import { DeadMansSwitch } from './dead-mans-switch.ts';
import { lockJournal } from './journal-lock.ts';
import { Journal, listJournals, readJournal, type JournalState } from './journal.ts';
import { pidExists, processLiveness, type ProcessLiveness } from './process-identity.ts';
import { lockDeleteCommand, releaseTargetLocks } from './target-lock.ts';

export interface RecoverOptions {
  readonly stateDir: string;
  /** Undo journals of runs whose process still seems alive (it may be a reused pid). */
  readonly force?: boolean;
  readonly log?: (line: string) => void;
  /** How long to wait for another recover working on the same journal. @default 120_000 */
  readonly lockWaitMs?: number;
}

export interface RecoverFailure {
  readonly target: string;
  readonly error: string;
  readonly manualUndo: readonly string[];
}

export interface RecoverReport {
  /** Journals found open (not closed) when recover looked. */
  readonly journals: number;
  readonly undone: number;
  readonly skipped: readonly string[];
  readonly failed: readonly RecoverFailure[];
  /**
   * Journals recover did not undo and left open for the next recover: unreadable, control plane
   * unreachable, another account's credentials. Each line says why and what to do.
   */
  readonly leftOpen: readonly string[];
}

/** Control-plane and STS probes must not hang a recover: after this, "unreachable". */
const PROBE_TIMEOUT_MS = 5_000;

/**
 * Undoes what interrupted runs left behind, newest fault first, from their journals alone.
 * Idempotent: rollbacks restore a recorded prior state, so running it twice changes nothing
 * the second time. A journal is closed only once everything in it is verifiably undone; any
 * journal it could not undo (unreadable, control plane unreachable, another account) stays open
 * and is reported, so the next recover tries again.
 *
 * @throws InvalidInputError when the state folder is missing or not a folder.
 */
export async function recover(options: RecoverOptions): Promise<RecoverReport> {
  const files = await listJournals(options.stateDir);
  const report = { journals: 0, undone: 0, skipped: [] as string[], failed: [] as RecoverFailure[], leftOpen: [] as string[] };
  for (const file of files) await recoverJournalFile(file, options, report);
  return report;
}

type MutableReport = { journals: number; undone: number; skipped: string[]; failed: RecoverFailure[]; leftOpen: string[] };

/** One journal, under its lock: two recovers never undo the same journal at once. */
async function recoverJournalFile(file: string, options: RecoverOptions, report: MutableReport): Promise<void> {
  const log = options.log ?? (() => {});
  let journal: JournalState;
  try {
    journal = await readJournal(file);
  } catch (error) {
    report.journals++;
    report.leftOpen.push(`${file}: unreadable (${describeError(error)}); left as it is. Its intents name what a run may have changed: undo those by hand, then delete the file`);
    return;
  }
  if (journal.closed) return;
  report.journals++;
  const lock = await lockJournal(file, options.lockWaitMs === undefined ? {} : { waitMs: options.lockWaitMs });
  if ('heldBy' in lock) {
    report.leftOpen.push(`${journal.run.runId}: ${lock.heldBy} is still recovering it; run recover again once it has finished`);
    return;
  }
  try {
    // Read again under the lock: another recover may have finished it while we waited.
    journal = await readJournal(file);
    if (journal.closed) {
      log(`${journal.run.runId}: already recovered by another recover`);
      return;
    }
    await recoverJournal(journal, options, report, log);
  } catch (error) {
    report.leftOpen.push(`${journal.run.runId}: recover failed (${describeError(error)}); the journal is left open`);
  } finally {
    await lock.acquired.release();
  }
}

async function recoverJournal(journal: JournalState, options: RecoverOptions, report: MutableReport, log: (line: string) => void): Promise<void> {
  const { run } = journal;
  const liveness = runLiveness(journal);
  if (!options.force && run.pid !== process.pid && liveness !== 'gone') {
    report.skipped.push(
      liveness === 'alive'
        ? `${run.runId}: its process (pid ${run.pid}) is still running; use --force if it is not drdrill`
        : `${run.runId}: pid ${run.pid} belongs to a process drdrill cannot inspect; use --force if it is not this run`,
    );
    return;
  }
  const manualUndo = journal.pending.flatMap((intent) => injectorFor(intent.injector).manualUndo(intent.handle, awsCliFor(run.environment)));
  if (run.environment.kind === 'sandbox' && run.sandboxProcess !== undefined && processLiveness(run.sandboxProcess) === 'gone') {
    // The sandbox kept its state in the memory of a process that has ended: the fault went with it.
    // Whatever answers at its URL now is another sandbox, which this journal must not touch.
    log(`${run.runId}: its sandbox (pid ${run.sandboxProcess.pid}) has exited, and the fault with it`);
    await (await Journal.reopen(journal.file)).close('sandbox-gone');
    return;
  }
  if (run.environment.kind === 'sandbox' && !(await sandboxReachable(run.environment.endpoint))) {
    report.leftOpen.push(
      `${run.runId}: the sandbox control plane at ${run.environment.endpoint ?? '(no endpoint)'} did not answer within ${PROBE_TIMEOUT_MS / 1000} s; ` +
        `nothing was undone and the journal is left open: run recover again once it answers${manualUndo.length === 0 ? '' : `, or undo by hand:\n${indent(manualUndo)}`}`,
    );
    return;
  }
  const clients = AwsClients.forEnvironment(run.environment);
  try {
    const refusal = await accountRefusal(journal, clients);
    if (refusal !== undefined) {
      report.leftOpen.push(`${run.runId}: ${refusal}; nothing was undone and the journal is left open`);
      return;
    }
    log(`recovering ${run.runId} (${run.drill}, environment ${run.environment.name}): ${journal.pending.length} fault(s) to undo`);
    const writer = await Journal.reopen(journal.file);
    const result = await undoJournal(journal, writer, clients, log);
    report.undone += result.undone;
    report.failed.push(...result.failed);
    // Closed only once everything in it is undone; otherwise the next recover tries again.
    if (result.failed.length === 0) await writer.close('recovered');
    else await writer.abandon();
  } finally {
    clients.destroy();
  }
}

/** Whether the run that wrote the journal still runs: by start time and command line where recorded. */
function runLiveness(journal: JournalState): ProcessLiveness {
  const { run } = journal;
  if (run.process !== undefined) return processLiveness(run.process);
  return pidExists(run.pid) ? 'alive' : 'gone';
}

/**
 * The journal's prior states belong to one account: applied with another account's credentials
 * (a wrong AWS_PROFILE), they would overwrite same-named resources there. STS says whose these are.
 */
async function accountRefusal(journal: JournalState, clients: AwsClients): Promise<string | undefined> {
  const { environment } = journal.run;
  let account: string | undefined;
  try {
    const answer = await clients.sts(homeRegion(environment)).send(new GetCallerIdentityCommand({}), { abortSignal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    account = answer.Account;
  } catch (error) {
    return `cannot confirm which account these credentials are for (STS GetCallerIdentity: ${describeError(error)})`;
  }
  if (account === environment.accountId) return undefined;
  const profile = environment.profile === undefined ? '' : ` (environment "${environment.name}" names profile "${environment.profile}")`;
  return (
    `it was written for account ${environment.accountId}, but these credentials are for account ${account ?? '(none given)'}: ` +
    `refusing to apply one account's prior state to another's resources; run recover with credentials for ${environment.accountId}${profile}`
  );
}

async function undoJournal(
  journal: JournalState,
  writer: Journal,
  clients: AwsClients,
  log: (line: string) => void,
): Promise<{ undone: number; failed: RecoverFailure[] }> {
  const { environment, defaultService } = journal.run;
  const deps = { environment, clients, defaultService };
  const failed: RecoverFailure[] = [];
  const stillFaulted = new Set<number>();
  let undone = 0;
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
  return { undone, failed };
}

async function sandboxReachable(endpoint: string | undefined): Promise<boolean> {
  if (endpoint === undefined) return false;
  try {
    const response = await fetch(new URL('/_sandbox/describe', endpoint), { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

function indent(lines: readonly string[]): string {
  return lines.map((line) => `    ${line}`).join('\n');
}
