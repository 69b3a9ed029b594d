import type { LoadSummary } from './load-engine.ts';
import type { Sample } from './sample.ts';

/**
 * One k6 process's share of a test: `--execution-segment` and `--execution-segment-sequence`
 * values. k6 gives an arrival-rate scenario's iterations to the segments of one sequence so that
 * together they run exactly the whole schedule, each `length` of it.
 */
export interface ExecutionSegment {
  /** `1/3:2/3` */
  readonly segment: string;
  /** `0,1/3,2/3,1`: the same for every instance of the test. */
  readonly sequence: string;
  /** 0-based position, for file names and notes. */
  readonly index: number;
  readonly count: number;
}

/** `count` equal segments covering the whole test, as k6-operator gives its runners. */
export function executionSegments(count: number): readonly ExecutionSegment[] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`k6 instances is ${count}; expected a whole number of 1 or more`);
  const point = (i: number): string => (i === 0 ? '0' : i === count ? '1' : `${i}/${count}`);
  const sequence = Array.from({ length: count + 1 }, (_, i) => point(i)).join(',');
  return Array.from({ length: count }, (_, index) => ({ segment: `${point(index)}:${point(index + 1)}`, sequence, index, count }));
}

/** A k6 process that can be asked to stop because the test as a whole has enough samples. */
export interface K6Instance {
  start(): Promise<LoadSummary>;
  stopAtLimit(): void;
}

export type K6InstanceFactory = (segment: ExecutionSegment, deliver: (sample: Sample) => void, signal: AbortSignal) => K6Instance;

/**
 * Runs one k6 process per segment at once and delivers all their samples to `onSample` as they
 * arrive, so the drill's timeline sees one load, live. `maxRequests` bounds the whole test. When one
 * process fails, the others are stopped and the first failure is thrown (samples already delivered
 * stay delivered).
 */
export async function runK6Instances(
  segments: readonly ExecutionSegment[],
  maxRequests: number,
  onSample: (sample: Sample) => void,
  signal: AbortSignal,
  create: K6InstanceFactory,
): Promise<LoadSummary> {
  const stopOthers = new AbortController();
  const shared = AbortSignal.any([signal, stopOthers.signal]);
  let delivered = 0;
  const instances: K6Instance[] = [];
  const deliver = (sample: Sample): void => {
    onSample(sample);
    delivered++;
    if (delivered === maxRequests) for (const instance of instances) instance.stopAtLimit();
  };
  for (const segment of segments) instances.push(create(segment, deliver, shared));
  const settled = await Promise.allSettled(
    instances.map((instance) =>
      instance.start().catch((error: unknown) => {
        stopOthers.abort();
        throw error;
      }),
    ),
  );
  const failed = settled.find((result) => result.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
  const summaries = settled.map((result) => (result as PromiseFulfilledResult<LoadSummary>).value);
  return mergeSummaries(summaries, signal.aborted);
}

/** One summary for the whole test: counts added up, the worst outcome, every file and note. */
export function mergeSummaries(summaries: readonly LoadSummary[], aborted: boolean): LoadSummary {
  const sum = (pick: (summary: LoadSummary) => number | undefined): number => summaries.reduce((total, summary) => total + (pick(summary) ?? 0), 0);
  const outcome: LoadSummary['outcome'] = aborted
    ? 'aborted'
    : summaries.some((summary) => summary.outcome === 'thresholds-crossed')
      ? 'thresholds-crossed'
      : 'completed';
  return {
    engine: summaries[0]?.engine ?? 'k6',
    sent: sum((summary) => summary.sent),
    completed: sum((summary) => summary.completed),
    maxSchedulingLagMs: Math.max(0, ...summaries.map((summary) => summary.maxSchedulingLagMs)),
    dropped: sum((summary) => summary.dropped),
    outcome,
    evidence: summaries.flatMap((summary) => summary.evidence ?? []),
    notes: [
      `k6 ran as ${summaries.length} instances, one execution segment each; their samples are one timeline`,
      ...summaries.flatMap((summary, index) => (summary.notes ?? []).map((note) => `instance ${index + 1}/${summaries.length}: ${note}`)),
    ],
  };
}
