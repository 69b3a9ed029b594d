import { describeError } from '../util/describe-error.ts';
/**
 * Raised when a fault with several targets failed part-way. The targets already changed were
 * rolled back, newest first, before this was thrown; the message says what happened to each.
 */
export class PartialInjectionError extends Error {
  override readonly name = 'PartialInjectionError';
}

/** How one target of a multi-target fault is changed and put back. */
export interface TargetStep<T> {
  readonly label: (target: T) => string;
  readonly apply: (target: T) => Promise<readonly string[]>;
  /** Restores the target's journaled prior state; a no-op when it was never changed. */
  readonly undo: (target: T) => Promise<unknown>;
}

/**
 * Applies a fault to its targets in order and returns every request id. When target k fails,
 * targets k … 0 are restored in reverse order before PartialInjectionError is thrown: target k
 * too, because a call that failed (a timeout, say) may still have landed, and every undo is a
 * restore-to-prior that changes nothing on a target that was never touched.
 */
export async function applyInOrder<T>(targets: readonly T[], step: TargetStep<T>): Promise<string[]> {
  const requestIds: string[] = [];
  for (let index = 0; index < targets.length; index++) {
    const target = targets[index] as T;
    try {
      requestIds.push(...(await step.apply(target)));
    } catch (error) {
      const outcomes: string[] = [];
      for (let back = index; back >= 0; back--) {
        const done = targets[back] as T;
        try {
          await step.undo(done);
          outcomes.push(`${step.label(done)}: restored`);
        } catch (undoError) {
          outcomes.push(`${step.label(done)}: NOT restored (${undoError instanceof Error ? undoError.message : String(undoError)})`);
        }
      }
      const reason = describeError(error);
      throw new PartialInjectionError(
        `fault failed on target ${index + 1} of ${targets.length} (${step.label(target)}): ${reason}. ` +
          `Rolled back in reverse order: ${outcomes.join('; ')}`,
        { cause: error },
      );
    }
  }
  return requestIds;
}

/** Undoes every target newest first; collects failures so one stuck target does not strand the rest. */
export async function undoInReverse<T>(targets: readonly T[], step: Pick<TargetStep<T>, 'label'> & { readonly undo: (target: T) => Promise<{ requestIds: readonly string[]; detail?: string }> }): Promise<{ requestIds: string[]; detail?: string }> {
  const requestIds: string[] = [];
  const details: string[] = [];
  const failures: string[] = [];
  let firstError: unknown;
  for (let index = targets.length - 1; index >= 0; index--) {
    const target = targets[index] as T;
    try {
      const result = await step.undo(target);
      requestIds.push(...result.requestIds);
      if (result.detail !== undefined) details.push(result.detail);
    } catch (error) {
      firstError ??= error;
      failures.push(`${step.label(target)}: ${describeError(error)}`);
    }
  }
  if (failures.length > 0) {
    throw new Error(`rollback failed for ${failures.length} of ${targets.length} target(s): ${failures.join('; ')}`, { cause: firstError });
  }
  return details.length === 0 ? { requestIds } : { requestIds, detail: details.join('; ') };
}
