import { formatDuration } from '../drill/duration.ts';
import type { RunRecord, SeriesPoint } from '../runner/run-record.ts';
import type { FaultEvent, PhaseName } from '../runner/timeline.ts';
import { isoTime } from './format-time.ts';
import { escapeHtml } from './html-escape.ts';
import { NO_REGION_COLOUR, regionPalette } from './region-palette.ts';

const WIDTH = 1000;
const LEFT = 150;
const RIGHT = 24;
const PLOT = WIDTH - LEFT - RIGHT;
/** Coarsen the series so no bucket is drawn narrower than this many SVG units. */
const MIN_BUCKET_WIDTH = 2;
const LANE = 16;
const MARKER_ROW = 12;
const MAX_MARKER_ROWS = 4;
/** Rough width of one character at the marker font size, for laying labels out without a browser. */
const CHAR_WIDTH = 5.6;

const PHASE_COLOURS: Readonly<Record<PhaseName, string>> = {
  baseline: '#ebf4ff',
  fault: '#fde8e8',
  recovery: '#fff5e6',
  failback: '#e6f6ec',
  settle: '#f1f1f4',
};

const FAULT_COLOURS: Readonly<Record<FaultEvent['kind'], string>> = {
  inject: '#c53030',
  verified: '#b7791f',
  rollback: '#2f855a',
  'rollback-failed': '#742a2a',
};

const REQUESTS_COLOUR = '#2b6cb0';
const ERRORS_COLOUR = '#c53030';
const LATENCY_COLOUR = '#553c9a';
const HEALTHY_COLOUR = '#38a169';
const UNHEALTHY_COLOUR = '#e53e3e';
const DNS_FAILURE_COLOUR = '#9b2c2c';
const DNS_EMPTY_COLOUR = '#a0aec0';
const MIXED_COLOUR = '#805ad5';

/** Shared drawing context: the time scale and the run being drawn. */
interface Chart {
  readonly record: RunRecord;
  readonly t0: number;
  readonly t1: number;
  readonly x: (t: number) => number;
  readonly points: readonly Bucket[];
  readonly palette: ReadonlyMap<string, string>;
}

/** A series point with the span it covers (several buckets once coarsened). */
interface Bucket extends SeriesPoint {
  readonly spanMs: number;
}

/** One stretch of a lane (DNS resolver or health check) in a single state. */
interface Segment {
  readonly from: number;
  readonly to: number;
  readonly state: string;
  readonly colour: string;
  readonly count: number;
  readonly detail: string;
}

/**
 * The run's timeline as an HTML `<figure>`: one inline SVG (built here, no script) with
 * requests/s and errors/s, p95 latency, the region that served each bucket, DNS answers per
 * resolver and health-check status, all on one time axis under coloured phase bands and fault
 * markers; then an HTML legend. Every panel shares the x scale so a reader can line a DNS flip
 * up with the error spike it caused.
 */
export function renderTimelineFigure(record: RunRecord): string {
  const t0 = record.startedAt;
  const t1 = Math.max(record.endedAt, t0 + 1);
  const chart: Chart = {
    record,
    t0,
    t1,
    x: (t) => round(LEFT + ((Math.min(Math.max(t, t0), t1) - t0) / (t1 - t0)) * PLOT),
    points: coarsen(record.series.points, record.series.bucketMs),
    palette: regionPalette(record),
  };

  const markers = layoutMarkers(chart);
  const body: string[] = [];
  let y = 18 + markers.rows * MARKER_ROW + 4;
  const chartsTop = y;
  y = trafficPanel(chart, y, 170, body) + 22;
  y = latencyPanel(chart, y, 60, body) + 16;
  y = regionStrip(chart, y, 18, body) + 18;
  y = lanesPanel(chart, 'DNS answers', dnsLanes(chart), y, body);
  y = lanesPanel(chart, 'Health checks', healthLanes(chart), y, body);
  const lanesBottom = y;
  const height = lanesBottom + 34;

  const svg = [
    `<svg class="timeline" viewBox="0 0 ${WIDTH} ${height}" width="100%" role="img" aria-labelledby="timeline-title" preserveAspectRatio="xMinYMin meet">`,
    `<title id="timeline-title">Timeline of run ${escapeHtml(record.runId)}</title>`,
    phaseBands(chart, lanesBottom),
    timeGrid(chart, chartsTop, lanesBottom),
    ...body,
    markers.svg(lanesBottom),
    timeAxis(chart, lanesBottom),
    '</svg>',
  ].join('\n');
  return `<figure class="timeline-figure">\n${svg}\n${legend(chart)}\n</figure>`;
}

function coarsen(points: readonly SeriesPoint[], bucketMs: number): Bucket[] {
  const group = Math.max(1, Math.ceil(points.length / (PLOT / MIN_BUCKET_WIDTH)));
  const out: Bucket[] = [];
  for (let i = 0; i < points.length; i += group) {
    const members = points.slice(i, i + group);
    const first = members[0];
    if (first === undefined) continue;
    const byRegion: Record<string, number> = {};
    let requests = 0;
    let errors = 0;
    let p95: number | null = null;
    for (const point of members) {
      requests += point.requests;
      errors += point.errors;
      // The worst bucket's p95 stands for the group: a coarse chart must not hide a spike.
      if (point.p95 !== null) p95 = Math.max(p95 ?? point.p95, point.p95);
      for (const [region, count] of Object.entries(point.byRegion)) byRegion[region] = (byRegion[region] ?? 0) + count;
    }
    out.push({ t: first.t, requests, errors, p95, byRegion, spanMs: members.length * bucketMs });
  }
  return out;
}

function phaseBands(chart: Chart, bottom: number): string {
  const { phases } = chart.record;
  const out: string[] = ['<g class="phases">'];
  phases.forEach((mark, index) => {
    const x0 = chart.x(mark.at);
    const x1 = chart.x(phases[index + 1]?.at ?? chart.t1);
    const colour = PHASE_COLOURS[mark.phase] ?? '#f7fafc';
    out.push(
      `<rect class="phase-band" data-phase="${escapeHtml(mark.phase)}" x="${x0}" y="0" width="${round(Math.max(0, x1 - x0))}" height="${bottom}" fill="${colour}"><title>${escapeHtml(`phase ${mark.phase}: ${offset(chart, mark.at)} → ${offset(chart, phases[index + 1]?.at ?? chart.t1)}`)}</title></rect>`,
      `<text class="phase-label" x="${x0 + 3}" y="12">${escapeHtml(mark.phase)}</text>`,
    );
  });
  out.push('</g>');
  return out.join('\n');
}

function timeGrid(chart: Chart, top: number, bottom: number): string {
  return `<g class="grid">${timeTicks(chart)
    .map((t) => `<line x1="${chart.x(t)}" x2="${chart.x(t)}" y1="${top}" y2="${bottom}"/>`)
    .join('')}</g>`;
}

function timeAxis(chart: Chart, top: number): string {
  const out = [`<g class="axis"><line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${top}" y2="${top}"/>`];
  for (const t of timeTicks(chart)) {
    const x = chart.x(t);
    out.push(`<line x1="${x}" x2="${x}" y1="${top}" y2="${top + 4}"/><text x="${x}" y="${top + 15}" text-anchor="middle">${escapeHtml(offset(chart, t))}</text>`);
  }
  out.push(`<text x="${WIDTH - RIGHT}" y="${top + 30}" text-anchor="end">time since start (${escapeHtml(isoTime(chart.t0))})</text></g>`);
  return out.join('');
}

function timeTicks(chart: Chart): number[] {
  const spanS = (chart.t1 - chart.t0) / 1000;
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21_600, 43_200, 86_400];
  const stepS = steps.find((step) => spanS / step <= 10) ?? Math.ceil(spanS / 10);
  const ticks: number[] = [];
  for (let s = 0; s <= spanS + 1e-9 && ticks.length <= 20; s += stepS) ticks.push(chart.t0 + s * 1000);
  return ticks;
}

function trafficPanel(chart: Chart, top: number, height: number, out: string[]): number {
  const seconds = (bucket: Bucket): number => bucket.spanMs / 1000;
  const yMax = niceCeil(Math.max(1, ...chart.points.map((bucket) => bucket.requests / seconds(bucket))));
  const y = (value: number): number => round(top + height - (value / yMax) * height);
  out.push(panelFrame(top, height, 'requests/s', yMax, y));
  if (chart.points.length === 0) {
    out.push(`<text class="empty" x="${LEFT + PLOT / 2}" y="${top + height / 2}" text-anchor="middle">no requests recorded</text>`);
    return top + height;
  }
  // Steps, not a line through bucket midpoints: a count belongs to its whole bucket, and a
  // sloped line would show errors starting before the fault that caused them.
  const steps = (value: (bucket: Bucket) => number): string =>
    chart.points
      .map((bucket) => `${chart.x(bucket.t)},${y(value(bucket))} ${chart.x(bucket.t + bucket.spanMs)},${y(value(bucket))}`)
      .join(' ');
  const errorSteps = steps((bucket) => bucket.errors / seconds(bucket));
  const first = chart.points[0];
  const last = chart.points[chart.points.length - 1];
  if (first !== undefined && last !== undefined) {
    out.push(
      `<polygon class="errors-area" fill="${ERRORS_COLOUR}" fill-opacity="0.18" points="${chart.x(first.t)},${y(0)} ${errorSteps} ${chart.x(last.t + last.spanMs)},${y(0)}"/>`,
    );
  }
  out.push(
    `<polyline class="requests-line" fill="none" stroke="${REQUESTS_COLOUR}" stroke-width="1.5" points="${steps((bucket) => bucket.requests / seconds(bucket))}"/>`,
    `<polyline class="errors-line" fill="none" stroke="${ERRORS_COLOUR}" stroke-width="1.5" points="${errorSteps}"/>`,
  );
  return top + height;
}

function latencyPanel(chart: Chart, top: number, height: number, out: string[]): number {
  const values = chart.points.flatMap((bucket) => (bucket.p95 === null ? [] : [bucket.p95]));
  const yMax = niceCeil(Math.max(1, ...values));
  const y = (value: number): number => round(top + height - (value / yMax) * height);
  out.push(panelFrame(top, height, 'p95 latency ms', yMax, y));
  // Empty buckets break the line rather than drawing a misleading slope across them.
  const runs: string[][] = [];
  let current: string[] = [];
  for (const bucket of chart.points) {
    if (bucket.p95 === null) {
      if (current.length > 0) runs.push(current);
      current = [];
    } else {
      current.push(`${chart.x(bucket.t + bucket.spanMs / 2)},${y(bucket.p95)}`);
    }
  }
  if (current.length > 0) runs.push(current);
  for (const run of runs) {
    out.push(`<polyline class="latency-line" fill="none" stroke="${LATENCY_COLOUR}" stroke-width="1.2" points="${run.join(' ')}"/>`);
  }
  return top + height;
}

function panelFrame(top: number, height: number, label: string, yMax: number, y: (value: number) => number): string {
  const ticks = [0, yMax / 2, yMax];
  const out = [`<g class="panel"><rect class="frame" x="${LEFT}" y="${top}" width="${PLOT}" height="${height}" fill="none"/>`];
  for (const tick of ticks) {
    out.push(
      `<line class="tick" x1="${LEFT - 4}" x2="${WIDTH - RIGHT}" y1="${y(tick)}" y2="${y(tick)}"/>`,
      `<text x="${LEFT - 6}" y="${y(tick) + 3}" text-anchor="end">${escapeHtml(formatNumber(tick))}</text>`,
    );
  }
  out.push(`<text class="panel-label" x="8" y="${top + height / 2 + 3}">${escapeHtml(label)}</text></g>`);
  return out.join('');
}

function regionStrip(chart: Chart, top: number, height: number, out: string[]): number {
  out.push(`<g class="region-strip" shape-rendering="crispEdges"><text class="panel-label" x="8" y="${top + height / 2 + 3}">served by region</text>`);
  for (const bucket of chart.points) {
    if (bucket.requests === 0) continue;
    const x0 = chart.x(bucket.t);
    const width = round(Math.max(0.5, chart.x(bucket.t + bucket.spanMs) - x0));
    const parts: [string, number, string][] = [];
    for (const [region, colour] of chart.palette) {
      const count = bucket.byRegion[region] ?? 0;
      if (count > 0) parts.push([region, count, colour]);
    }
    const known = parts.reduce((sum, [, count]) => sum + count, 0);
    if (bucket.requests > known) parts.push(['no region', bucket.requests - known, NO_REGION_COLOUR]);
    const label = parts.map(([region, count]) => `${region} ${count}`).join(', ');
    out.push(`<g><title>${escapeHtml(`${offset(chart, bucket.t)}: ${label}`)}</title>`);
    let y = top;
    for (const [, count, colour] of parts) {
      const h = round((count / bucket.requests) * height);
      out.push(`<rect x="${x0}" y="${round(y)}" width="${width}" height="${h}" fill="${colour}"/>`);
      y += h;
    }
    out.push('</g>');
  }
  out.push('</g>');
  return top + height;
}

function dnsLanes(chart: Chart): [string, Segment[]][] {
  const { dns, regionsByAddress } = chart.record;
  const names = new Set(dns.map((observation) => observation.name));
  const lanes = new Map<string, { at: number; state: string; colour: string; detail: string }[]>();
  for (const observation of [...dns].sort((a, b) => a.at - b.at)) {
    const key = names.size > 1 ? `${observation.resolver} ${observation.name}` : observation.resolver;
    let state: string;
    let colour: string;
    if (observation.addresses.length === 0) {
      state = observation.rcode;
      colour = observation.rcode === 'NOERROR' || observation.rcode === 'NXDOMAIN' ? DNS_EMPTY_COLOUR : DNS_FAILURE_COLOUR;
    } else {
      const regions = [...new Set(observation.addresses.map((address) => regionsByAddress[address] ?? 'unknown address'))].sort();
      state = regions.join(' + ');
      colour = regions.length === 1 ? (chart.palette.get(regions[0] ?? '') ?? NO_REGION_COLOUR) : MIXED_COLOUR;
    }
    const detail = `${observation.rcode} ${observation.addresses.join(', ')}${observation.ttl !== undefined ? ` ttl ${observation.ttl}s` : ''}`;
    const lane = lanes.get(key) ?? [];
    lane.push({ at: observation.at, state, colour, detail });
    lanes.set(key, lane);
  }
  return [...lanes].map(([key, readings]) => [key, segmentsOf(readings, chart.t1)]);
}

function healthLanes(chart: Chart): [string, Segment[]][] {
  const lanes = new Map<string, { at: number; state: string; colour: string; detail: string }[]>();
  for (const observation of [...chart.record.health].sort((a, b) => a.at - b.at)) {
    const lane = lanes.get(observation.healthCheckId) ?? [];
    lane.push({
      at: observation.at,
      state: observation.healthy ? 'healthy' : 'unhealthy',
      colour: observation.healthy ? HEALTHY_COLOUR : UNHEALTHY_COLOUR,
      detail: observation.detail ?? '',
    });
    lanes.set(observation.healthCheckId, lane);
  }
  return [...lanes].map(([key, readings]) => [key, segmentsOf(readings, chart.t1)]);
}

/**
 * Merges consecutive readings in the same state into one segment: a reading holds until the
 * next one (the last until the run ended). Keeps an hour of 1 s probes to a handful of shapes.
 */
function segmentsOf(readings: readonly { at: number; state: string; colour: string; detail: string }[], end: number): Segment[] {
  const segments: Segment[] = [];
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

function lanesPanel(chart: Chart, title: string, lanes: readonly [string, readonly Segment[]][], top: number, out: string[]): number {
  if (lanes.length === 0) return top;
  out.push(`<g class="lanes" shape-rendering="crispEdges"><text class="panel-title" x="8" y="${top + 10}">${escapeHtml(title)}</text>`);
  let y = top + 14;
  for (const [label, segments] of lanes) {
    out.push(`<text class="lane-label" x="8" y="${y + 11}">${escapeHtml(shorten(label, 26))}<title>${escapeHtml(label)}</title></text>`);
    for (const segment of segments) {
      const x0 = chart.x(segment.from);
      const width = round(Math.max(0.5, chart.x(segment.to) - x0));
      const tip = `${label}: ${segment.state} from ${offset(chart, segment.from)} to ${offset(chart, segment.to)} (${segment.count} reading${segment.count === 1 ? '' : 's'}; first: ${segment.detail})`;
      out.push(
        `<rect class="segment" data-state="${escapeHtml(segment.state)}" x="${x0}" y="${y + 2}" width="${width}" height="${LANE - 4}" fill="${segment.colour}"><title>${escapeHtml(tip)}</title></rect>`,
      );
    }
    y += LANE;
  }
  out.push('</g>');
  return y + 12;
}

/** Fault markers with their labels spread over a few rows so adjacent events stay readable. */
function layoutMarkers(chart: Chart): { rows: number; svg: (bottom: number) => string } {
  const occupied: [number, number][][] = [];
  const placed = [...chart.record.faults]
    .sort((a, b) => a.at - b.at)
    .map((event) => {
      const x = chart.x(event.at);
      const text = `${event.kind} ${event.injector}`;
      const width = text.length * CHAR_WIDTH;
      const anchorEnd = x + 3 + width > WIDTH - RIGHT;
      const span: [number, number] = anchorEnd ? [x - 3 - width, x] : [x, x + 3 + width];
      let row = occupied.findIndex((spans) => spans.every(([a, b]) => span[1] + 4 < a || span[0] > b + 4));
      if (row === -1) row = occupied.length < MAX_MARKER_ROWS ? occupied.length : MAX_MARKER_ROWS - 1;
      (occupied[row] ??= []).push(span);
      return { event, x, text, anchorEnd, row };
    });
  const rows = occupied.length;
  return {
    rows,
    svg: (bottom) => {
      const out = ['<g class="fault-markers">'];
      for (const { event, x, text, anchorEnd, row } of placed) {
        const labelY = 18 + (row + 1) * MARKER_ROW - 2;
        const colour = FAULT_COLOURS[event.kind] ?? '#1a202c';
        const ids = event.requestIds.length > 0 ? `; request ids ${event.requestIds.join(', ')}` : '';
        const tip = `${event.kind} ${event.injector} on ${event.target} at ${isoTime(event.at)} (${offset(chart, event.at)})${event.detail !== undefined ? `: ${event.detail}` : ''}${ids}`;
        out.push(
          `<g class="fault-marker" data-kind="${escapeHtml(event.kind)}"><title>${escapeHtml(tip)}</title>`,
          `<line x1="${x}" x2="${x}" y1="${labelY + 2}" y2="${bottom}" stroke="${colour}" stroke-width="1.5"${event.kind === 'verified' ? ' stroke-dasharray="4 3"' : ''}/>`,
          `<text class="fault-label" x="${anchorEnd ? x - 3 : x + 3}" y="${labelY}" fill="${colour}"${anchorEnd ? ' text-anchor="end"' : ''}>${escapeHtml(text)}</text></g>`,
        );
      }
      out.push('</g>');
      return out.join('\n');
    },
  };
}

function legend(chart: Chart): string {
  const item = (colour: string, label: string, kind = 'swatch'): string =>
    `<li><span class="${kind}" style="background:${colour}"></span>${escapeHtml(label)}</li>`;
  const items = [
    item(REQUESTS_COLOUR, 'requests/s', 'stroke'),
    item(ERRORS_COLOUR, 'errors/s', 'stroke'),
    item(LATENCY_COLOUR, 'p95 latency', 'stroke'),
    ...[...chart.palette].map(([region, colour]) => item(colour, region)),
    item(NO_REGION_COLOUR, 'no region / unknown'),
    item(MIXED_COLOUR, 'DNS: several regions'),
    item(DNS_FAILURE_COLOUR, 'DNS: no answer'),
    item(HEALTHY_COLOUR, 'healthy'),
    item(UNHEALTHY_COLOUR, 'unhealthy'),
    ...(Object.entries(FAULT_COLOURS) as [string, string][]).map(([kind, colour]) => item(colour, kind, 'stroke')),
  ];
  const bucket = formatDuration(chart.record.series.bucketMs);
  return `<figcaption><ul class="legend">${items.join('')}</ul><p class="note">Rates per ${escapeHtml(bucket)} bucket; shaded bands are drill phases; vertical lines are fault events (hover for target and AWS request ids).</p></figcaption>`;
}

function offset(chart: Chart, t: number): string {
  const ms = t - chart.t0;
  if (ms === 0) return '0 s';
  return ms > 0 ? `+${formatDuration(ms)}` : `−${formatDuration(-ms)}`;
}

/** The next "nice" number (1, 2, 2.5, 5 × 10ⁿ) at or above value, for axis maxima. */
function niceCeil(value: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 2.5, 5, 10].find((factor) => factor * magnitude >= value) ?? 10;
  return step * magnitude;
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
