import { formatDuration } from '../drill/duration.ts';
import type { StepProgress } from '../runner/live-run.ts';

/**
 * What a waiting step says every few seconds: `waiting for DNS on us-west-2: 1 of 2 resolvers,
 * 23 s of 2 m`; a hold says `holding: 1 fault in, 3 s of 8 s`.
 */
export function describeProgress(progress: StepProgress, now: number): string {
  const elapsed = formatDuration(Math.round((now - progress.startedAt) / 1000) * 1000);
  const budget = progress.budgetMs === undefined || progress.budgetMs === 0 ? '' : ` of ${formatDuration(progress.budgetMs)}`;
  const what = progress.kind === 'hold' ? `holding ${progress.step}` : `waiting for ${progress.awaiting === '' ? progress.step : progress.awaiting}`;
  return `${what}: ${progress.observed === '' ? '…' : progress.observed}, ${elapsed}${budget}`;
}
