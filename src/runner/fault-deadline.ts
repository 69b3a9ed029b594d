import type { AssertionContext } from '../assertions/assertion-context.ts';
import { checkBeforeInjecting } from './check-before-injecting.ts';
import type { PreparedRun } from './preflight.ts';
import type { RunScope } from './run-scope.ts';

/**
 * The guardrails around injections: the steady state checked before the first one (the fault
 * phase starts there), and the maximum fault duration counted from the injection that finds no
 * fault in, until a revert takes the last one out.
 */
export class FaultDeadline {
  readonly #scope: RunScope;
  readonly #prepared: PreparedRun;
  readonly #context: AssertionContext;
  #checked = false;
  #since: number | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(scope: RunScope, prepared: PreparedRun, context: AssertionContext) {
    this.#scope = scope;
    this.#prepared = prepared;
    this.#context = context;
  }

  async beforeInject(): Promise<void> {
    if (!this.#checked) {
      await checkBeforeInjecting(this.#scope, this.#context);
      this.#checked = true;
      this.#scope.mark('fault');
    }
    if (this.#timer !== undefined) return;
    const { maxFaultMs } = this.#prepared;
    this.#since = Date.now();
    this.#timer = setTimeout(() => this.#scope.stop.abort(new Error(`the fault reached its maximum duration of ${maxFaultMs} ms`)), maxFaultMs);
  }

  /** When the faults in now started going in (now, when none is). */
  since(): number {
    return this.#since ?? Date.now();
  }

  /** Epoch ms the faults in must be out by, when any are in. */
  deadline(): number | undefined {
    return this.#timer === undefined || this.#since === undefined ? undefined : this.#since + this.#prepared.maxFaultMs;
  }

  /** After each step: once no fault is in, nothing is left to time. */
  afterStep(): void {
    if (this.#prepared.controller.activeCount === 0) this.close();
  }

  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#since = undefined;
  }
}
