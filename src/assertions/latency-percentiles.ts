import { build } from 'hdr-histogram-js';
import type { SampleStore } from '../load/sample-store.ts';

/** Latency percentiles in milliseconds, as the details and verdicts show them. */
export interface LatencyPercentiles {
  readonly p50: number;
  readonly p90: number;
  readonly p95: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  readonly count: number;
}

export const PERCENTILE_KEYS = ['p50', 'p90', 'p95', 'p99', 'p999', 'max'] as const;
export type PercentileKey = (typeof PERCENTILE_KEYS)[number];

const PERCENTILE_OF: Readonly<Record<Exclude<PercentileKey, 'max'>, number>> = { p50: 50, p90: 90, p95: 95, p99: 99, p999: 99.9 };

/**
 * Percentiles of the latencies of the samples at `indices`, from an HDR histogram with three
 * significant digits, recorded in microseconds so sub-millisecond loopback latencies keep their
 * precision; the figures are accurate to 0.1% of their value. Undefined for no samples.
 */
export function latencyPercentiles(samples: SampleStore, indices: Iterable<number>): LatencyPercentiles | undefined {
  const histogram = build({ bitBucketSize: 'packed', numberOfSignificantValueDigits: 3, useWebAssembly: false });
  try {
    let count = 0;
    for (const i of indices) {
      histogram.recordValue(Math.max(0, Math.round(samples.latencyAt(i) * 1000)));
      count++;
    }
    if (count === 0) return undefined;
    const ms = (micros: number): number => Math.round(micros) / 1000;
    // HDR reports the top of a value's bucket; clamping to the true extremes keeps a run of
    // identical latencies (all 20 ms) from reading as 20.015 ms.
    const at = (percentile: number): number =>
      ms(Math.min(histogram.maxValue, Math.max(histogram.minNonZeroValue, histogram.getValueAtPercentile(percentile))));
    return {
      p50: at(PERCENTILE_OF.p50),
      p90: at(PERCENTILE_OF.p90),
      p95: at(PERCENTILE_OF.p95),
      p99: at(PERCENTILE_OF.p99),
      p999: at(PERCENTILE_OF.p999),
      max: ms(histogram.maxValue),
      count,
    };
  } finally {
    histogram.destroy();
  }
}
