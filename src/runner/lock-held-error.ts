import type { TargetLockRecord } from './target-lock.ts';

/** Which lock refused, and whose it is. */
export interface LockHeldDetails {
  /** The planned-change target label, e.g. `lambda us-east-1 api-handler`. */
  readonly target: string;
  /** The SSM parameter holding the lock, e.g. `/drdrill/locks/lambda/us-east-1/api-handler`. */
  readonly parameterName: string;
  readonly region: string;
  /** The run holding the lock; undefined when the parameter does not hold a drdrill lock at all. */
  readonly holder: TargetLockRecord | undefined;
}

/**
 * Raised when a target is locked by another run, or its lock parameter holds something drdrill
 * did not write. Nothing was changed, and the refused run left none of its own locks behind.
 */
export class LockHeldError extends Error {
  override readonly name = 'LockHeldError';
  readonly target: string;
  readonly parameterName: string;
  readonly region: string;
  readonly holder: TargetLockRecord | undefined;

  constructor(message: string, details: LockHeldDetails, options?: ErrorOptions) {
    super(message, options);
    this.target = details.target;
    this.parameterName = details.parameterName;
    this.region = details.region;
    this.holder = details.holder;
  }
}
