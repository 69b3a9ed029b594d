import { z } from 'zod';
import { SampleStore } from '../load/sample-store.ts';
import type { Timeline } from '../runner/timeline.ts';
import type { Figure } from './figure.ts';

/** `cohort` of rto, error-budget, region-share and failback: judge only that cohort's requests. */
export const cohortOption = z.string().min(1, 'expected the name of a cohort in load.clients').optional();

const filtered = new WeakMap<SampleStore, Map<string, SampleStore>>();

/**
 * The timeline with only `cohort`'s samples (the timeline itself without a cohort), or a sentence
 * saying why there is none. The copy is made once per store and cohort: several assertions on
 * the same cohort share it.
 */
export function timelineOfCohort(timeline: Timeline, cohort: string | undefined): Timeline | { readonly problem: string } {
  if (cohort === undefined) return timeline;
  const byCohort = filtered.get(timeline.samples) ?? new Map<string, SampleStore>();
  filtered.set(timeline.samples, byCohort);
  let samples = byCohort.get(cohort);
  if (samples === undefined) {
    samples = new SampleStore();
    for (let i = 0; i < timeline.samples.length; i++) if (timeline.samples.cohortAt(i) === cohort) samples.push(timeline.samples.get(i));
    byCohort.set(cohort, samples);
  }
  if (samples.length === 0) {
    const known = timeline.samples.cohorts;
    return { problem: `no request of cohort "${cohort}" was sampled (${known.length === 0 ? 'the load had no cohorts' : `cohorts sampled: ${known.join(', ')}`})` };
  }
  return { ...timeline, samples };
}

/** A figure measured on one cohort's requests: `rto` becomes `rto[jvm]`. */
export function ofCohort(figure: Figure, cohort: string | undefined): Figure {
  return cohort === undefined ? figure : { ...figure, name: `${figure.name}[${cohort}]`, cohort };
}
