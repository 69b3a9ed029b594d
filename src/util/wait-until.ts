import { setMaxListeners } from 'node:events';
import pWaitFor, { TimeoutError } from 'p-wait-for';

export interface WaitUntilOptions {
  /** Milliseconds between checks. */
  readonly interval: number;
  /** Stops the wait, rejecting with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Gives up after this many milliseconds with p-wait-for's TimeoutError. */
  readonly timeout?: number;
  /** The TimeoutError's message. */
  readonly timeoutMessage?: string;
}

/**
 * p-wait-for, with its abort listeners kept off long-lived signals. p-wait-for 6.0.0 adds one
 * `abort` listener per sleep and removes it only when the signal fires, so a verify polling every
 * 200 ms on the run's signal would pile up listeners there (and print Node's
 * MaxListenersExceededWarning at the eleventh). Here they land on a signal made for this one wait,
 * dropped with everything on it when the wait ends; the caller's signal gets one listener, removed
 * again. The timeout is this signal's too, since p-wait-for's own timeout signal leaks the same way.
 */
export async function waitUntil(condition: () => boolean | PromiseLike<boolean>, options: WaitUntilOptions): Promise<void> {
  const { signal, timeout, interval, timeoutMessage } = options;
  const local = new AbortController();
  // Bounded by this wait's own polls, and collected with it.
  setMaxListeners(0, local.signal);
  const forward = (): void => local.abort(signal?.reason);
  if (signal?.aborted) forward();
  else signal?.addEventListener('abort', forward, { once: true });
  const timer = timeout === undefined ? undefined : setTimeout(() => local.abort(new TimeoutError(timeoutMessage ?? `timed out after ${timeout} ms`)), timeout);
  try {
    await pWaitFor(condition, { interval, signal: local.signal });
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', forward);
  }
}
