import type { SampleStore } from '../../load/sample-store.ts';

/**
 * Samples are stored in completion order, so a live reader looking at the last seconds need not
 * walk the whole run: it starts at the first sample that completed at or after `since`, less a
 * margin for samples stored a little out of order. Every sample started at or after `since`
 * completed after it, so none of them is skipped.
 */
export function firstRecentIndex(samples: SampleStore, since: number, marginMs = 1000): number {
  let index = samples.length;
  while (index > 0) {
    const i = index - 1;
    if (samples.startAt(i) + samples.latencyAt(i) < since - marginMs) break;
    index = i;
  }
  return index;
}
