import { setTimeout as delay } from 'node:timers/promises';

/** Sleeps for `ms`, returning early (without throwing) when `signal` aborts. Returns true if it slept fully. */
export async function abortableSleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  try {
    await delay(ms, undefined, { signal });
    return true;
  } catch (error) {
    if (signal.aborted) return false;
    throw error;
  }
}
