/**
 * Runs `work` on demand: one run shared by every caller while it lasts, and runs at least
 * `minGapMs` apart, so a burst of callers costs one run and a steady stream a bounded rate.
 */
export class CoalescedTask {
  readonly #work: (signal: AbortSignal) => Promise<void>;
  readonly #minGapMs: number;
  readonly #cancel = new AbortController();
  #running: Promise<void> | undefined;
  #lastStart = -Infinity;

  constructor(work: (signal: AbortSignal) => Promise<void>, minGapMs: number) {
    this.#work = work;
    this.#minGapMs = minGapMs;
  }

  run(): Promise<void> {
    if (this.#running !== undefined) return this.#running;
    if (this.#cancel.signal.aborted || performance.now() - this.#lastStart < this.#minGapMs) return Promise.resolve();
    this.#lastStart = performance.now();
    this.#running = this.#work(this.#cancel.signal).finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async stop(): Promise<void> {
    this.#cancel.abort();
    await this.#running;
  }
}
