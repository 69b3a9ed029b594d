import type { SampleStore } from '../load/sample-store.ts';
import type { RunRecord } from './run-record.ts';
import type { Timeline } from './timeline.ts';

/**
 * The Timeline a finished run was judged on, rebuilt from its run.json and its samples: every
 * observation the record keeps, so its assertions can be evaluated again (`drdrill ingest`).
 */
export function recordedTimeline(record: RunRecord, samples: SampleStore): Timeline {
  return {
    startedAt: record.startedAt,
    endedAt: record.endedAt,
    phases: [...record.phases],
    faults: [...record.faults],
    dns: [...record.dns],
    health: [...record.health],
    steps: [...(record.steps ?? [])],
    approvals: [...(record.approvals ?? [])],
    notes: [...(record.notes ?? [])],
    samples,
    regionsByAddress: record.regionsByAddress,
    ...(record.addressMappings === undefined ? {} : { addressMappings: [...record.addressMappings] }),
  };
}
