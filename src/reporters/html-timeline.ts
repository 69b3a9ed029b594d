import { formatDuration } from '../drill/duration.ts';
import type { RunRecord } from '../runner/run-record.ts';
import { escapeHtml } from './html-escape.ts';
import {
  buildTimelineData,
  DNS_EMPTY_COLOUR,
  DNS_FAILURE_COLOUR,
  FAULT_COLOURS,
  HEALTHY_COLOUR,
  MARK_COLOURS,
  MIXED_COLOUR,
  PHASE_COLOURS,
  SERIES_COLOURS,
  UNHEALTHY_COLOUR,
  type Lane,
} from './timeline-data.ts';
import type { ReportClock } from './report-clock.ts';
import { inlineJson } from './uplot-assets.ts';

/** Lane state changes listed in the text table; a flapping lane beyond this is summarised. */
const MAX_SEGMENTS_LISTED = 12;

/**
 * The timeline `<figure>`: a JSON block with the chart data (drawn by `TIMELINE_SCRIPT`), the
 * host element for the charts, a legend, and the swim lanes' state changes as a table, so the
 * DNS and health-check story is also readable as text (screen readers, copy into a ticket).
 */
export function renderTimelineFigure(record: RunRecord, clock: ReportClock): string {
  const data = buildTimelineData(record);
  const empty = data.x.length === 0 ? '<p class="empty">no requests recorded</p>' : '';
  return `<figure id="timeline-figure" class="timeline-figure" data-rendered="0">
<script type="application/json" id="timeline-data">${inlineJson(data)}</script>
${empty}
<div id="timeline-charts"></div>
<figcaption>${legend(data.regions)}
<p class="note">Rates per ${escapeHtml(formatDuration(record.series.bucketMs))} bucket; shaded bands are drill phases; vertical lines are fault events (details and AWS request ids in the fault table), thin ones steps started (dashed), approvals and notes (dotted). Times on the axis are since T0, ${escapeHtml(clock.meaning)}. Hover a chart for values; drag to zoom, double-click to reset.</p></figcaption>
${laneTable(data.lanes, (s) => clock.relative(record.startedAt + s * 1000))}
</figure>`;
}

function legend(regions: readonly { readonly name: string; readonly colour: string }[]): string {
  const item = (colour: string, label: string, kind = 'swatch'): string =>
    `<li><span class="${kind}" style="background:${colour}"></span>${escapeHtml(label)}</li>`;
  const items = [
    ...(Object.entries(PHASE_COLOURS) as [string, string][]).map(([phase, colour]) => item(colour, `phase ${phase}`)),
    item(SERIES_COLOURS.requests, 'requests/s', 'stroke'),
    item(SERIES_COLOURS.errors, 'errors/s', 'stroke'),
    item(SERIES_COLOURS.errorRate, 'error rate %', 'stroke'),
    item(SERIES_COLOURS.p95, 'p95 latency', 'stroke'),
    ...regions.map((region) => item(region.colour, region.name)),
    item(MIXED_COLOUR, 'DNS: several regions'),
    item(DNS_FAILURE_COLOUR, 'DNS: no answer'),
    item(DNS_EMPTY_COLOUR, 'DNS: empty answer'),
    item(HEALTHY_COLOUR, 'healthy'),
    item(UNHEALTHY_COLOUR, 'unhealthy'),
    ...(Object.entries(FAULT_COLOURS) as [string, string][]).map(([kind, colour]) => item(colour, kind, 'stroke')),
    item(MARK_COLOURS.step, 'step started', 'stroke'),
    item(MARK_COLOURS.approved, 'approved', 'stroke'),
    item(MARK_COLOURS.declined, 'declined', 'stroke'),
    item(MARK_COLOURS.note, 'note', 'stroke'),
  ];
  return `<ul class="legend">${items.join('')}</ul>`;
}

function laneTable(lanes: readonly Lane[], at: (s: number) => string): string {
  if (lanes.length === 0) return '<p class="empty">No DNS answers or health-check readings were recorded.</p>';
  const rows = lanes.map((lane) => {
    const listed = lane.segments.slice(0, MAX_SEGMENTS_LISTED);
    const more = lane.segments.length - listed.length;
    const states = listed
      .map((segment) => `<span class="lane-state" data-state="${escapeHtml(segment.state)}"><span class="swatch" style="background:${segment.colour}"></span>${escapeHtml(segment.state)} ${escapeHtml(at(segment.from))}–${escapeHtml(at(segment.to))}</span>`)
      .join(' → ');
    return `<tr class="lane"><td>${escapeHtml(lane.group)}</td><td class="mono">${escapeHtml(lane.label)}</td><td>${states}${more > 0 ? ` <span class="sub">(+${more} more changes)</span>` : ''}</td></tr>`;
  });
  return `<table class="lane-states">
<thead><tr><th>Lane</th><th>Resolver / health check</th><th>States over time</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`;
}
