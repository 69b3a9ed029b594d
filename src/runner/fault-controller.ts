import { setTimeout as delay } from 'node:timers/promises';
import type { FaultHandle, InjectorDeps } from '../injectors/injector.ts';
import { injectorFor, type FaultSpec } from '../injectors/injector-registry.ts';
import type { ArmedRevert, DeadMansSwitch } from './dead-mans-switch.ts';
import type { Journal } from './journal.ts';
import type { FaultEvent } from './timeline.ts';
import { describeError } from '../util/describe-error.ts';
import { worstCallMs } from '../aws/call-deadlines.ts';

/** A fault that went in (or may have: its intent is journaled), waiting to be undone. */
interface ActiveFault {
  readonly seq: number;
  readonly injector: string;
  /** The handle as journaled before the call, replaced by the one `inject` returned once it did. */
  handle: FaultHandle;
  readonly target: string;
  /** Dead-man's-switch executions that revert this fault if drdrill cannot. */
  armed: readonly ArmedRevert[];
  /** When its intent was journaled: the fault's budget counts from here. */
  readonly startedAt: number;
  /** The fault's name in the drill, for its events. */
  readonly name?: string;
}

/** A rollback that failed after every retry, with the commands that undo it by hand. */
export interface RollbackFailure {
  readonly injector: string;
  readonly target: string;
  readonly error: string;
  readonly manualUndo: readonly string[];
  /** The dead-man's switch still armed for this fault: it reverts the fault at its deadline. */
  readonly armed: readonly ArmedRevert[];
}

export interface FaultControllerOptions {
  readonly deps: InjectorDeps;
  readonly journal: Journal;
  readonly onEvent: (event: FaultEvent) => void;
  /** Server-side reverts armed before each fault; absent (tests, no switch) means none. */
  readonly deadMansSwitch?: DeadMansSwitch;
  /** How long after arming the switch reverts a fault (the fault's maximum duration plus a margin). */
  readonly revertAfterMs?: number;
  /** Warnings for people: a switch that could not be stopped after a good rollback. */
  readonly warn?: (line: string) => void;
  /** Attempts per rollback before giving up (with backoff between them). */
  readonly rollbackAttempts?: number;
  readonly rollbackBackoffMs?: number;
  /**
   * The least time a rollback gets however late it starts. Default: one call with every SDK
   * attempt at its deadline, which is what it takes to learn that the control plane is silent.
   */
  readonly minRollbackMs?: number;
}

/**
 * Injects faults and guarantees their undo: every fault is journaled before its mutating call
 * and pushed on a stack as soon as its intent is on disk (even if the call then fails, since a
 * timed-out call may still have landed), and rollback pops that stack, newest first.
 */
export class FaultController {
  readonly #options: FaultControllerOptions;
  readonly #active: ActiveFault[] = [];
  readonly #failures: RollbackFailure[] = [];

  constructor(options: FaultControllerOptions) {
    this.#options = options;
  }

  /** @param name the fault's name in the drill (see `faultName`), carried on its events */
  async inject(spec: FaultSpec, name?: string): Promise<void> {
    const injector = injectorFor(spec.injector);
    const { deps, journal, onEvent } = this.#options;
    let active: ActiveFault | undefined;
    let startedAt = Date.now();
    const result = await injector.inject(spec, deps, async (handle) => {
      const target = injector.describe(handle);
      const seq = await journal.intent(injector.kind, target, handle);
      active = { seq, injector: injector.kind, handle, target, armed: [], startedAt: Date.now(), ...(name === undefined ? {} : { name }) };
      this.#active.push(active);
      // Armed after the intent (so recover knows the fault even if arming dies half-way) and
      // before the mutating call (so no moment exists with the fault in and nothing to revert it).
      const { deadMansSwitch, revertAfterMs } = this.#options;
      if (deadMansSwitch !== undefined && revertAfterMs !== undefined) {
        active.armed = await deadMansSwitch.arm(injector.revertCalls(handle, deps), revertAfterMs);
        if (active.armed.length > 0) await journal.armed(seq, active.armed);
      }
      startedAt = Date.now();
    });
    // When the call returned, not when the journal caught up: a fault the system follows at once
    // (an alarm-bound health check) is already visible to the probes during the fsync.
    const at = Date.now();
    if (active === undefined) throw new Error(`injector ${injector.kind} did not journal its fault before injecting`);
    // Some ids exist only once the call returned (an FIS experiment's): journal the final handle
    // too, so recover undoes exactly what was started.
    active.handle = result.handle;
    await journal.applied(active.seq, result.requestIds, result.handle);
    const details = [result.detail, describeArmed(active.armed)].filter((part): part is string => part !== undefined);
    onEvent({
      kind: 'inject',
      at,
      startedAt,
      ...(name === undefined ? {} : { fault: name }),
      injector: injector.kind,
      target: injector.describe(result.handle),
      requestIds: result.requestIds,
      ...(details.length === 0 ? {} : { detail: details.join('; ') }),
    });
  }

  /** Waits until the active faults (those named, else every one) are observable. */
  async verify(signal: AbortSignal, names?: readonly string[]): Promise<void> {
    for (const fault of this.#active) {
      if (names !== undefined && (fault.name === undefined || !names.includes(fault.name))) continue;
      await injectorFor(fault.injector).verify(fault.handle, this.#options.deps, signal);
      this.#options.onEvent({
        kind: 'verified',
        at: Date.now(),
        ...(fault.name === undefined ? {} : { fault: fault.name }),
        injector: fault.injector,
        target: fault.target,
        requestIds: [],
      });
    }
  }

  get activeCount(): number {
    return this.#active.length;
  }

  /** The names of the faults still in, oldest first. */
  get activeNames(): readonly string[] {
    return this.#active.flatMap((fault) => (fault.name === undefined ? [] : [fault.name]));
  }

  /**
   * Every fault that could not be undone so far (by `revert` or `rollbackAll`): each stays in
   * until a person or the dead-man's switch undoes it.
   */
  get failures(): readonly RollbackFailure[] {
    return this.#failures;
  }

  /**
   * Undoes every active fault, newest first, retrying each with backoff. Never throws: a fault
   * that cannot be undone is returned with the commands a person can run instead, together with
   * those an earlier `revert` could not undo.
   *
   * Each fault's retries stay inside its budget: until `revertAfterMs` after it went in (when
   * the dead-man's switch takes over), or at least `minRollbackMs`. Calls blocked when the budget
   * runs out are interrupted, so a silent control plane ends in a RollbackFailure on time rather
   * than whenever it answers. `clients.interrupt` (a signal) cuts the current attempt short and
   * the next one starts.
   */
  async rollbackAll(): Promise<RollbackFailure[]> {
    for (let fault = this.#active.pop(); fault !== undefined; fault = this.#active.pop()) await this.#rollBack(fault);
    return [...this.#failures];
  }

  /**
   * Undoes one named fault (a drill's `revert` step), with the same retries and budget as
   * `rollbackAll`. Returns its failure, if it stayed in; a name not active is nothing to undo.
   */
  async revert(name: string): Promise<RollbackFailure | undefined> {
    const index = this.#active.findIndex((fault) => fault.name === name);
    const [fault] = index === -1 ? [] : this.#active.splice(index, 1);
    return fault === undefined ? undefined : this.#rollBack(fault);
  }

  async #rollBack(fault: ActiveFault): Promise<RollbackFailure | undefined> {
    const { deps, journal, onEvent } = this.#options;
    const injector = injectorFor(fault.injector);
    const attempts = this.#options.rollbackAttempts ?? 4;
    const backoffMs = this.#options.rollbackBackoffMs ?? 250;
    const budgetEnd = this.#budgetEnd(fault);
    const outOfTime = setTimeout(() => deps.clients.interrupt(`the rollback of ${fault.target} ran out of time`), Math.max(0, budgetEnd - Date.now()));
    let lastError = '';
    try {
      for (let attempt = 1; attempt <= attempts; attempt++) {
        try {
          const startedAt = Date.now();
          const result = await injector.rollback(fault.handle, deps);
          // When the undo returned (see inject): what follows it at once must not precede its mark.
          const at = Date.now();
          await journal.rolledBack(fault.seq, result.requestIds);
          onEvent({
            kind: 'rollback',
            ...(fault.name === undefined ? {} : { fault: fault.name }),
            at,
            startedAt,
            injector: fault.injector,
            target: fault.target,
            requestIds: result.requestIds,
            ...(result.detail === undefined ? {} : { detail: result.detail }),
          });
          await this.#disarm(fault);
          return undefined;
        } catch (error) {
          lastError = describeCallError(error);
          const wait = backoffMs * 2 ** (attempt - 1);
          if (attempt === attempts || Date.now() + wait >= budgetEnd) break;
          this.#options.warn?.(`rollback of ${fault.target}: attempt ${attempt} of ${attempts} failed (${lastError}); trying again`);
          await delay(wait);
        }
      }
    } finally {
      clearTimeout(outOfTime);
    }
    await journal.rollbackFailed(fault.seq, lastError);
    onEvent({ kind: 'rollback-failed', at: Date.now(), ...(fault.name === undefined ? {} : { fault: fault.name }), injector: fault.injector, target: fault.target, requestIds: [], detail: lastError });
    const failure = {
      injector: fault.injector,
      target: fault.target,
      error: lastError,
      manualUndo: injector.manualUndo(fault.handle, deps.clients.awsCli),
      armed: fault.armed,
    };
    this.#failures.push(failure);
    return failure;
  }

  /** When retrying a fault's rollback stops: its switch's deadline, or the least time a rollback gets. */
  #budgetEnd(fault: ActiveFault): number {
    const { deps, revertAfterMs } = this.#options;
    const minimum = Date.now() + (this.#options.minRollbackMs ?? worstCallMs(deps.clients.deadlines));
    return revertAfterMs === undefined ? minimum : Math.max(minimum, fault.startedAt + revertAfterMs);
  }

  /**
   * Stops a rolled-back fault's switch. Failing to is only a warning: the switch would re-apply
   * the prior state at its deadline, which is the state rollback just restored.
   */
  async #disarm(fault: ActiveFault): Promise<void> {
    if (fault.armed.length === 0 || this.#options.deadMansSwitch === undefined) return;
    try {
      await this.#options.deadMansSwitch.disarm(fault.armed);
      await this.#options.journal.disarmed(fault.seq);
    } catch (error) {
      const ids = fault.armed.map((revert) => revert.executionId).join(', ');
      this.#options.warn?.(
        `could not stop the dead-man's switch of ${fault.target} (${ids}): ${error instanceof Error ? error.message : String(error)}; ` +
          'it will set the prior state again at its deadline, which is harmless; "drdrill recover" stops it',
      );
    }
  }
}

/** An error and, for an interrupted call, why it was interrupted (the AbortError's cause). */
function describeCallError(error: unknown): string {
  const text = describeError(error);
  const cause = error instanceof Error ? error.cause : undefined;
  return cause === undefined ? text : `${text}: ${cause instanceof Error ? cause.message : String(cause)}`;
}

function describeArmed(armed: readonly ArmedRevert[]): string | undefined {
  if (armed.length === 0) return undefined;
  const deadline = Math.max(...armed.map((revert) => revert.deadline));
  return `dead-man's switch armed: ${armed.length} revert(s) at ${new Date(deadline).toISOString()} (${armed.map((revert) => revert.executionId).join(', ')})`;
}
