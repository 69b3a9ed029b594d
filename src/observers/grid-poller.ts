/**
 * Runs `poll(key)` for every key on a fixed grid (start + k·interval), the first round at once.
 * A key whose previous poll is still running skips that tick: one slow target never piles up
 * calls and never delays the others. A loop blocked past several ticks resumes at the next grid
 * point rather than firing a burst.
 */
export interface GridPollerOptions<K> {
  readonly keys: readonly K[];
  readonly intervalMs: number;
  /** One poll of one key; `cancel` aborts when the poller stops (results after that are dropped). */
  readonly poll: (key: K, cancel: AbortSignal) => Promise<void>;
  readonly signal?: AbortSignal;
}

export interface GridPoller {
  /** Settles once every key's first poll has finished. */
  readonly firstRound: Promise<void>;
  /** Stops ticking and cancels polls in flight; resolves once they settled. Idempotent. */
  stop(): Promise<void>;
}

export function startGridPoller<K>(options: GridPollerOptions<K>): GridPoller {
  const { keys, intervalMs, poll, signal } = options;
  const inFlight = new Map<K, Promise<void>>();
  const cancel = new AbortController();
  const firstPolls: Promise<void>[] = [];
  const startedAt = performance.now();
  let tick = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const onTick = (): void => {
    timer = undefined;
    if (stopped) return;
    for (const key of keys) {
      if (inFlight.has(key)) continue;
      const running = poll(key, cancel.signal).finally(() => inFlight.delete(key));
      inFlight.set(key, running);
      if (tick === 0) firstPolls.push(running);
    }
    const elapsed = performance.now() - startedAt;
    tick = Math.max(tick + 1, Math.floor(elapsed / intervalMs) + 1);
    timer = setTimeout(onTick, Math.max(0, startedAt + tick * intervalMs - performance.now()));
  };

  const stop = async (): Promise<void> => {
    if (!stopped) {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      signal?.removeEventListener('abort', onAbort);
      cancel.abort();
    }
    await Promise.allSettled([...inFlight.values()]);
  };
  const onAbort = (): void => void stop();

  if (signal?.aborted) {
    stopped = true;
  } else {
    signal?.addEventListener('abort', onAbort, { once: true });
    onTick();
  }
  return { firstRound: Promise.allSettled(firstPolls).then(() => undefined), stop };
}

/**
 * Hands a value to a caller's callback. A callback that throws is the caller's bug: it is
 * rethrown on the next tick, loudly, but outside the poller's bookkeeping so polling stays sound.
 */
export function deliver<T>(callback: (value: T) => void, value: T): void {
  try {
    callback(value);
  } catch (error) {
    process.nextTick(() => {
      throw error;
    });
  }
}
