import { homeRegion } from '../drill/environment.ts';
import type { InjectorDeps, PlannedChange } from '../injectors/injector.ts';
import { describeReason } from '../util/describe-reason.ts';
import type { Journal } from './journal.ts';
import { LockHeldError } from './lock-held-error.ts';
import { acquireTargetLocks, lockTargets, type TargetLocks } from './target-lock.ts';

/**
 * Takes the targets' locks, journaling their names first (so recover can release them whatever
 * happens next). A refusal closes the journal, since the run never started: nothing to recover.
 */
export async function lockTheTargets(
  journal: Journal,
  planned: readonly PlannedChange[],
  options: {
    readonly runId: string;
    readonly drill: string;
    readonly owner: string;
    readonly ttlMs: number;
    readonly deps: Pick<InjectorDeps, 'environment' | 'clients'>;
  },
): Promise<TargetLocks> {
  // One region for every run's locks, or runs would not see each other's.
  const { environment, clients } = options.deps;
  const region = homeRegion(environment);
  const targets = planned.map((change) => change.target);
  await journal.locked(region, [...lockTargets(targets).keys()]);
  try {
    return await acquireTargetLocks({
      ssm: clients.ssm(region),
      region,
      targets,
      holder: { runId: options.runId, drill: options.drill, owner: options.owner },
      ttlMs: options.ttlMs,
      deps: options.deps,
    });
  } catch (error) {
    // acquireTargetLocks released whatever it had taken before failing.
    await journal.unlocked();
    await journal.close(error instanceof LockHeldError ? 'refused: target locked' : 'refused: could not lock the targets');
    throw error;
  }
}

/** Releases the run's locks and journals it; a failure only warns, since recover (or expiry) frees them. */
export async function releaseLocks(locks: TargetLocks, journal: Journal, log: (line: string) => void): Promise<void> {
  try {
    await locks.release();
    await journal.unlocked();
  } catch (error) {
    // The journal keeps the names: recover releases them, and they expire in any case.
    log(`WARNING         could not release the target locks (${locks.names.join(', ')}): ${describeReason(error)}; "drdrill recover" releases them`);
  }
}
