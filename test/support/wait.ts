import { TimeoutError } from 'p-wait-for';
import { waitUntil as waitUntilOrThrow } from '../../src/util/wait-until.ts';

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls every 10 ms until `condition` holds; false once `limitMs` passed without it. */
export async function waitUntil(condition: () => boolean, limitMs: number): Promise<boolean> {
  try {
    await waitUntilOrThrow(condition, { interval: 10, timeout: limitMs });
    return true;
  } catch (error) {
    if (error instanceof TimeoutError) return condition();
    throw error;
  }
}
