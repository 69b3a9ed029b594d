import type { AssertionContext } from '../assertions/assertion-context.ts';
import { measureHeadlineFigures } from '../assertions/headline-figures.ts';
import type { Verdict } from '../assertions/verdict.ts';
import { runTotals } from '../reporters/run-totals.ts';
import { buildRunSeries } from '../reporters/series.ts';
import type { RunRecord } from './run-record.ts';
import type { Timeline } from './timeline.ts';

/** Width of the report's traffic buckets. */
const SERIES_BUCKET_MS = 1000;

/**
 * The parts of run.json computed from the judged Timeline: traffic series and totals, the
 * verdicts, and every headline figure computed once, here. The run and `drdrill ingest` both
 * call it, so a run judged again reads exactly like one judged the first time.
 */
export function judgedFields(timeline: Timeline, verdicts: readonly Verdict[], context: AssertionContext): Pick<RunRecord, 'series' | 'totals' | 'verdicts' | 'figures'> {
  return {
    series: buildRunSeries(timeline.samples, timeline.startedAt, timeline.endedAt, SERIES_BUCKET_MS),
    totals: runTotals(timeline.samples),
    // Each figure is stored once, in `figures`: the verdicts keep their words, not a second copy.
    verdicts: verdicts.map(({ figures: _lifted, ...verdict }) => verdict),
    figures: measureHeadlineFigures(timeline, verdicts, context),
  };
}
