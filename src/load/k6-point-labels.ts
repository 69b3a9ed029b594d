import { errorForK6Code } from './k6-error-code.ts';
import type { MutableSample, Sample } from './sample.ts';

/** The tags of a point that make up a sample (k6 tag names: status, error_code, region, address, target, name). */
export interface SampleTags {
  status?: string | undefined;
  errorCode?: string | undefined;
  region?: string | undefined;
  address?: string | undefined;
  target?: string | undefined;
  name?: string | undefined;
}

/** What a point's tags make of its sample: everything but the time and the latency. */
export interface PointLabels {
  readonly status: number;
  readonly error: string | undefined;
  readonly region: string | undefined;
  readonly address: string | undefined;
  readonly target: string | undefined;
}

/** How tags become labels for one stream; the same rule for the byte reader and for JSON.parse. */
export interface LabelRule {
  /** Take the `name` tag as the target when there is no `target` tag (points of k6's own http_req_duration). */
  readonly nameIsTarget: boolean;
  /** Target of a point that names none. */
  readonly defaultTarget: string | undefined;
}

/**
 * The labels a point's tags give its sample: status 0 (no response) unless the `status` tag is a
 * 0–999 integer, then the transport error from `error_code`; empty region, address and target
 * count as none. Computed once per distinct tag set by the byte reader, once per line otherwise.
 */
export function pointLabels(tags: SampleTags, rule: LabelRule): PointLabels {
  const parsed = Number(tags.status);
  const status = Number.isInteger(parsed) && parsed >= 0 && parsed <= 999 ? parsed : 0;
  let error: string | undefined;
  if (status === 0) {
    const code = Number(tags.errorCode);
    error = Number.isInteger(code) && code > 0 ? errorForK6Code(code) : 'ERROR';
  }
  const target = tags.target ?? (rule.nameIsTarget ? tags.name : undefined);
  return {
    status,
    error,
    region: tags.region === '' ? undefined : tags.region,
    address: tags.address === '' ? undefined : tags.address,
    target: target !== undefined && target !== '' ? target : rule.defaultTarget,
  };
}

/** The sample of a point that ended at `endMs` after `latencyMs`, with only the labels it has. */
export function sampleOfPoint(endMs: number, latencyMs: number, labels: PointLabels): Sample {
  const sample: MutableSample = { start: endMs - latencyMs, latencyMs, status: labels.status };
  if (labels.error !== undefined) sample.error = labels.error;
  if (labels.region !== undefined) sample.region = labels.region;
  if (labels.address !== undefined) sample.address = labels.address;
  if (labels.target !== undefined) sample.target = labels.target;
  return sample;
}
