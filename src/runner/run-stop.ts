import { describeReason } from '../util/describe-reason.ts';

/**
 * One signal for "stop the drill now": the caller's (Ctrl-C, SIGTERM) or a guardrail's (a stop
 * condition, the maximum fault duration). Every wait of the run listens to `signal`.
 */
export class RunStop {
  readonly signal: AbortSignal;
  readonly #guardrail = new AbortController();
  #abortedAt: number | undefined;

  constructor(callerSignal: AbortSignal, log: (line: string) => void) {
    this.signal = AbortSignal.any([callerSignal, this.#guardrail.signal]);
    this.signal.addEventListener(
      'abort',
      () => {
        this.#abortedAt = Date.now();
        log(`stopping        ${describeReason(this.signal.reason)}`);
      },
      { once: true },
    );
  }

  /** A guardrail stops the drill; faults are still rolled back. */
  abort(why: Error): void {
    this.#guardrail.abort(why);
  }

  /** When the run was told to stop, if it was: the record keeps it. */
  get abortedAt(): number | undefined {
    return this.#abortedAt;
  }
}
