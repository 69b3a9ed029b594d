import { formatDuration } from '../drill/duration.ts';
import { answerRegions } from '../assertions/answer-regions.ts';
import { probeKeys } from '../assertions/probe-key.ts';
import type { RunRecord, SeriesPoint } from '../runner/run-record.ts';
import type { FaultEvent, PhaseName } from '../runner/timeline.ts';
import { isoTime } from './format-time.ts';
import { NO_REGION_COLOUR, regionPalette } from './region-palette.ts';

export const PHASE_COLOURS: Readonly<Record<PhaseName, string>> = {
  baseline: '#ebf4ff',
  fault: '#fde8e8',
  recovery: '#fff5e6',
  failback: '#e6f6ec',
  settle: '#f1f1f4',
};

export const FAULT_COLOURS: Readonly<Record<FaultEvent['kind'], string>> = {
  inject: '#c53030',
  verified: '#b7791f',
  rollback: '#2f855a',
  'rollback-failed': '#742a2a',
};

/** Steps, approvals and notes: what people did, drawn thinner than the faults. */
export const MARK_COLOURS: Readonly<Record<RunMark['kind'], string>> = {
  step: '#718096',
  approved: '#2f855a',
  declined: '#9b2c2c',
  note: '#2b6cb0',
};

/** A step starting, an approval answered or a note written, on the chart's time axis. */
export interface RunMark {
  readonly at: number;
  readonly kind: 'step' | 'approved' | 'declined' | 'note';
  /** Short, for the chart: the step's name, `approved`, the note's first words. */
  readonly label: string;
  /** Long, for the hover and the text table. */
  readonly detail: string;
  readonly colour: string;
}

export const SERIES_COLOURS = { requests: '#2b6cb0', errors: '#c53030', errorRate: '#742a2a', p95: '#553c9a' } as const;
export const HEALTHY_COLOUR = '#38a169';
export const UNHEALTHY_COLOUR = '#e53e3e';
export const DNS_FAILURE_COLOUR = '#9b2c2c';
export const DNS_EMPTY_COLOUR = '#a0aec0';
export const MIXED_COLOUR = '#805ad5';

/** One stretch of a swim lane in a single state; times in seconds since the run started. */
export interface LaneSegment {
  readonly from: number;
  readonly to: number;
  readonly state: string;
  readonly colour: string;
  readonly count: number;
  readonly detail: string;
}

export interface Lane {
  readonly group: 'DNS' | 'Health check';
  readonly label: string;
  readonly segments: readonly LaneSegment[];
}

/** Requests, errors, latency and share per region of one set of buckets (the run's, or one service's). */
export interface Traffic {
  readonly requestsPerS: readonly number[];
  readonly errorsPerS: readonly number[];
  /** Errors as % of requests; null for an empty bucket. */
  readonly errorRate: readonly (number | null)[];
  readonly p95: readonly (number | null)[];
  /** Share of each bucket's requests per region (%), in palette order, then `no region`. */
  readonly regions: readonly { readonly name: string; readonly colour: string; readonly share: readonly (number | null)[] }[];
}

/** One loaded service's traffic, on the run's buckets. */
export interface ServiceTraffic extends Traffic {
  readonly service: string;
}

/**
 * Everything the browser needs to draw a run's timeline, precomputed so the page's script
 * only draws (and the numbers are testable without a browser). Times are seconds since
 * `startedAt`, the axis people read ("+12 s"), matching the verdicts' evidence windows.
 */
export interface TimelineData extends Traffic {
  readonly startedAt: string;
  /** T0, the first injection (the run's start when none), in seconds since the start: the axis is labelled from it. */
  readonly t0: number;
  readonly end: number;
  readonly bucketS: number;
  /** Bucket starts. */
  readonly x: readonly number[];
  /** Each service's traffic when the run loaded several (from run.json's `series.byService`), else empty. */
  readonly services: readonly ServiceTraffic[];
  readonly phases: readonly { readonly phase: PhaseName; readonly from: number; readonly to: number; readonly colour: string }[];
  readonly markers: readonly { readonly at: number; readonly kind: FaultEvent['kind']; readonly label: string; readonly detail: string; readonly colour: string }[];
  /** Steps started, approvals answered and notes written, in time order. */
  readonly marks: readonly RunMark[];
  readonly lanes: readonly Lane[];
  readonly colours: typeof SERIES_COLOURS;
}

/** Builds the chart data for `record`; pure. */
export function buildTimelineData(record: RunRecord): TimelineData {
  const t0 = record.startedAt;
  const end = Math.max(0, (record.endedAt - t0) / 1000);
  const s = (t: number): number => Math.round(t - t0) / 1000;
  const bucketS = record.series.bucketMs / 1000;
  const points = record.series.points;
  const palette = regionPalette(record);

  const phases = record.phases.map((mark, index) => ({
    phase: mark.phase,
    from: s(mark.at),
    to: s(record.phases[index + 1]?.at ?? record.endedAt),
    colour: PHASE_COLOURS[mark.phase],
  }));
  const markers = [...record.faults]
    .sort((a, b) => a.at - b.at)
    .map((event) => ({
      at: s(event.at),
      kind: event.kind,
      label: `${event.kind} ${event.injector}`,
      detail: `${event.target} at ${isoTime(event.at)}${event.detail === undefined ? '' : `: ${event.detail}`}${event.requestIds.length > 0 ? `; request ids ${event.requestIds.join(', ')}` : ''}`,
      colour: FAULT_COLOURS[event.kind],
    }));

  const firstInject = record.faults.filter((event) => event.kind === 'inject').reduce<number | undefined>((first, event) => (first === undefined || event.at < first ? event.at : first), undefined);
  return {
    startedAt: isoTime(t0),
    t0: firstInject === undefined ? 0 : s(firstInject),
    end,
    bucketS,
    x: points.map((point) => s(point.t)),
    ...trafficOf(points, palette, bucketS),
    services: Object.entries(record.series.byService ?? {}).map(([service, servicePoints]) => ({ service, ...trafficOf(servicePoints, palette, bucketS) })),
    phases,
    markers,
    marks: runMarks(record, s),
    lanes: [...dnsLanes(record, palette, s, end), ...healthLanes(record, s, end)],
    colours: SERIES_COLOURS,
  };
}

/** Longest note text on the chart itself; the whole note is in the hover and the retro section. */
const NOTE_LABEL_CHARS = 28;

/** An ARN names a person by its last part (`…:user/alice` → `alice`); on the chart that is enough. */
function shortOperator(operator: string): string {
  return operator.startsWith('arn:') ? (operator.split(/[/:]/).at(-1) ?? operator) : operator;
}

function runMarks(record: RunRecord, s: (t: number) => number): RunMark[] {
  const steps = (record.steps ?? [])
    .filter((event) => event.kind === 'started')
    .map((event): RunMark => ({ at: s(event.at), kind: 'step', label: event.step, detail: `step ${event.step} (${event.type}) started at ${isoTime(event.at)}`, colour: MARK_COLOURS.step }));
  const approvals = (record.approvals ?? []).map((approval): RunMark => {
    const kind = approval.approved ? 'approved' : 'declined';
    return { at: s(approval.at), kind, label: `${kind} by ${shortOperator(approval.operator)}`, detail: `${approval.question} ${kind} by ${approval.operator} (${approval.via}) at ${isoTime(approval.at)}`, colour: MARK_COLOURS[kind] };
  });
  const notes = (record.notes ?? []).map((note): RunMark => ({
    at: s(note.at),
    kind: 'note',
    label: note.text.length > NOTE_LABEL_CHARS ? `${note.text.slice(0, NOTE_LABEL_CHARS - 1)}…` : note.text,
    detail: `note by ${note.operator} at ${isoTime(note.at)}: ${note.text}`,
    colour: MARK_COLOURS.note,
  }));
  return [...steps, ...approvals, ...notes].sort((a, b) => a.at - b.at);
}

function trafficOf(points: readonly SeriesPoint[], palette: ReadonlyMap<string, string>, bucketS: number): Traffic {
  const regionNames = [...palette.keys()].filter((region) => points.some((point) => (point.byRegion[region] ?? 0) > 0));
  const regions = regionNames.map((name) => ({
    name,
    colour: palette.get(name) ?? NO_REGION_COLOUR,
    share: points.map((point) => (point.requests === 0 ? null : round2(((point.byRegion[name] ?? 0) / point.requests) * 100))),
  }));
  const unattributed = points.map((point) => {
    if (point.requests === 0) return null;
    const known = regionNames.reduce((sum, region) => sum + (point.byRegion[region] ?? 0), 0);
    return round2(((point.requests - known) / point.requests) * 100);
  });
  if (unattributed.some((share) => share !== null && share > 0)) regions.push({ name: 'no region', colour: NO_REGION_COLOUR, share: unattributed });
  return {
    requestsPerS: points.map((point) => round2(point.requests / bucketS)),
    errorsPerS: points.map((point) => round2(point.errors / bucketS)),
    errorRate: points.map((point) => (point.requests === 0 ? null : round2((point.errors / point.requests) * 100))),
    p95: points.map((point) => point.p95),
    regions,
  };
}

/** A short human label for a segment, for tooltips and the printed lane table. */
export function describeSegment(lane: Lane, segment: LaneSegment): string {
  return `${lane.label}: ${segment.state} from +${formatDuration(segment.from * 1000)} to +${formatDuration(segment.to * 1000)} (${segment.count} reading${segment.count === 1 ? '' : 's'}; first: ${segment.detail})`;
}

interface Reading {
  readonly at: number;
  readonly state: string;
  readonly colour: string;
  readonly detail: string;
}

function dnsLanes(record: RunRecord, palette: ReadonlyMap<string, string>, s: (t: number) => number, end: number): Lane[] {
  const { keyOf } = probeKeys(record.dns);
  const lanes = new Map<string, Reading[]>();
  for (const observation of [...record.dns].sort((a, b) => a.at - b.at)) {
    const key = keyOf(observation);
    let state: string;
    let colour: string;
    if (observation.addresses.length === 0) {
      state = observation.rcode;
      colour = observation.rcode === 'NOERROR' || observation.rcode === 'NXDOMAIN' ? DNS_EMPTY_COLOUR : DNS_FAILURE_COLOUR;
    } else {
      const identified = answerRegions(observation, record.regionsByAddress);
      const regions = [...new Set([...identified.regions, ...(identified.unidentified.length > 0 ? ['unknown address'] : [])])].sort();
      state = regions.join(' + ');
      colour = regions.length === 1 ? (palette.get(regions[0] ?? '') ?? NO_REGION_COLOUR) : MIXED_COLOUR;
    }
    const detail = `${observation.rcode} ${observation.addresses.join(', ')}${observation.ttl !== undefined ? ` ttl ${observation.ttl}s` : ''}`.trim();
    const lane = lanes.get(key) ?? [];
    lane.push({ at: s(observation.at), state, colour, detail });
    lanes.set(key, lane);
  }
  return [...lanes].map(([label, readings]) => ({ group: 'DNS', label, segments: segmentsOf(readings, end) }));
}

function healthLanes(record: RunRecord, s: (t: number) => number, end: number): Lane[] {
  const lanes = new Map<string, Reading[]>();
  for (const observation of [...record.health].sort((a, b) => a.at - b.at)) {
    const lane = lanes.get(observation.healthCheckId) ?? [];
    lane.push({
      at: s(observation.at),
      state: observation.healthy ? 'healthy' : 'unhealthy',
      colour: observation.healthy ? HEALTHY_COLOUR : UNHEALTHY_COLOUR,
      detail: observation.detail ?? '',
    });
    lanes.set(observation.healthCheckId, lane);
  }
  return [...lanes].map(([label, readings]) => ({ group: 'Health check', label, segments: segmentsOf(readings, end) }));
}

/**
 * Merges consecutive readings in the same state into one segment: a reading holds until the
 * next one (the last until the run ended). Keeps an hour of 1 s probes to a handful of shapes.
 */
function segmentsOf(readings: readonly Reading[], end: number): LaneSegment[] {
  const segments: LaneSegment[] = [];
  readings.forEach((reading, index) => {
    const to = Math.max(reading.at, readings[index + 1]?.at ?? end);
    const previous = segments[segments.length - 1];
    if (previous !== undefined && previous.state === reading.state) {
      segments[segments.length - 1] = { ...previous, to, count: previous.count + 1 };
    } else {
      segments.push({ from: reading.at, to, state: reading.state, colour: reading.colour, count: 1, detail: reading.detail });
    }
  });
  return segments;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
