import { expect } from 'chai';
import { renderHtml } from '../../src/reporters/html.ts';
import type { RunRecord } from '../../src/runner/run-record.ts';
import type { TimelineData } from '../../src/reporters/timeline-data.ts';
import { buildFixtureRunRecord, FIXTURE_START, RESOLVERS } from './fixture-run-record.ts';

/** The chart data block the page's script draws from. */
function timelineDataOf(html: string): TimelineData {
  const match = /<script type="application\/json" id="timeline-data">([\s\S]*?)<\/script>/.exec(html);
  expect(match, 'no timeline data block in the page').not.to.equal(null);
  return JSON.parse(match?.[1] ?? 'null') as TimelineData;
}

/** Everything in the page's markup or CSS (not its text) that could make a browser fetch something. */
function fetchingConstructs(page: string): string[] {
  const tags = page.match(/<[a-z][^>]*>/gi) ?? [];
  const style = /<style>([\s\S]*?)<\/style>/.exec(page)?.[1] ?? '';
  return [
    ...tags.filter((tag) => /\s(?:src|href|xlink:href|srcset|action|poster|data)\s*=/i.test(tag) || /^<(?:link|iframe|object|embed|img|image|use)\b/i.test(tag)),
    ...(style.match(/url\s*\(|@import/gi) ?? []),
    // Inline scripts only; one that fetches or loads would defeat the offline report.
    ...[...page.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/gi)].flatMap((match) => (/\b(?:fetch|XMLHttpRequest|importScripts|WebSocket|EventSource)\s*\(|\bimport\s*\(/.test(match[1] ?? '') ? ['script that loads'] : [])),
  ];
}

describe('renderHtml', () => {
  const record = buildFixtureRunRecord();
  const html = renderHtml(record);

  it('references no external resource at all: uPlot and its styles are inlined', () => {
    // The only URL is uPlot's licence banner inside a comment.
    expect(html.match(/https?:\/\/[^\s)"]+/gi)).to.deep.equal(['https://github.com/leeoniya/uPlot']);
    expect(html).to.contain('/*! https://github.com/leeoniya/uPlot');
    expect(fetchingConstructs(html)).to.deep.equal([]);
    expect(html).to.match(/<script>\/\*! https:\/\/github.com\/leeoniya\/uPlot \(v[0-9.]+\) \*\/\nvar uPlot=function\(\)/);
    expect(html).to.contain('.uplot');
  });

  it('shows a URL from the record only as escaped text, never as something to load', () => {
    const page = renderHtml(
      buildFixtureRunRecord({
        drill: { ...record.drill, description: 'Hits https://api.example.com/health"><img src=x> every second' },
      }),
    );
    expect(page).to.contain('Hits https://api.example.com/health&quot;&gt;&lt;img src=x&gt; every second');
    expect(fetchingConstructs(page)).to.deep.equal([]);
  });

  it('heads the page with the drill, outcome, environment, engine, run id, times and totals', () => {
    expect(html).to.match(/<h1>primary-lambda-throttle<\/h1><span class="badge outcome-failed">failed · exit 1<\/span>/);
    for (const text of [
      'sandbox (sandbox)',
      '000000000000',
      'primary us-east-1 · secondary us-west-2',
      'builtin',
      '20250314T090000Z-7f3a',
      '2025-03-14T09:00:00.000Z',
      '2025-03-14T09:00:45.000Z',
      '45 s',
      '900',
      '136 (15.11%)',
    ]) {
      expect(html).to.contain(text);
    }
  });

  it('lists every verdict with its status, observed, expected and evidence window from T0, the injection, ISO on hover', () => {
    const rows = html.match(/<tr class="verdict status-[a-z]+">[\s\S]*?<\/tr>/g) ?? [];
    expect(rows).to.have.length(record.verdicts.length);
    record.verdicts.forEach((verdict, index) => {
      const row = rows[index] ?? '';
      expect(row).to.contain(`status-${verdict.status}`);
      expect(row).to.contain(verdict.name);
      expect(row).to.contain(verdict.observed);
      expect(row).to.contain(verdict.expected);
    });
    // The fixture's fault went in at +10.15 s: T0.
    expect(rows[0]).to.contain('title="2025-03-14T09:00:10.150Z">T0+0 ms</time> → <time datetime="2025-03-14T09:00:17.500Z" title="2025-03-14T09:00:17.500Z">T0+7.35 s</time>');
    expect(rows[0]).to.contain('✓ passed');
    expect(rows[1]).to.contain('✗ failed');
    expect(rows[2]).to.contain('! errored');
  });

  it('hands the chart a band per phase and a marker per fault event, in seconds since the start', () => {
    const data = timelineDataOf(html);
    expect(data.phases.map((band) => [band.phase, band.from, band.to])).to.deep.equal([
      ['baseline', 0, 10],
      ['fault', 10, 12],
      ['recovery', 12, 30],
      ['failback', 30, 35],
      ['settle', 35, 45],
    ]);
    expect(data.markers.map((marker) => [marker.kind, marker.at, marker.label])).to.deep.equal([
      ['inject', 10.15, 'inject lambda-throttle'],
      ['verified', 11, 'verified lambda-throttle'],
      ['rollback', 30.1, 'rollback lambda-throttle'],
    ]);
    expect(data.markers[0]?.detail).to.contain('request ids 3f1c2a9e-0001');
  });

  it('charts requests/s, errors/s, error rate and p95 per bucket from the series', () => {
    const data = timelineDataOf(html);
    expect(data.x).to.have.length(record.series.points.length);
    expect(data.x.slice(0, 3)).to.deep.equal([0, 1, 2]);
    expect(data.requestsPerS.slice(9, 13)).to.deep.equal([20, 20, 20, 20]);
    // None in the baseline, 16 in the bucket the throttle began (+10 s), 20 in the full buckets after it.
    expect(data.errorsPerS.slice(9, 13)).to.deep.equal([0, 16, 20, 20]);
    expect(data.errorRate.slice(9, 12)).to.deep.equal([0, 80, 100]);
    expect(data.p95[0]).to.equal(record.series.points[0]?.p95);
  });

  it('gives the share served by each region per bucket, with unattributed requests as "no region"', () => {
    const data = timelineDataOf(html);
    expect(data.regions.map((region) => [region.name, region.colour])).to.deep.equal([
      ['us-east-1', '#2b6cb0'],
      ['us-west-2', '#dd6b20'],
      ['no region', '#cbd5e0'],
    ]);
    const share = (name: string, second: number): number | null | undefined => data.regions.find((region) => region.name === name)?.share[second];
    expect([share('us-east-1', 5), share('us-west-2', 5), share('no region', 5)]).to.deep.equal([100, 0, 0]);
    expect([share('us-east-1', 12), share('no region', 12)]).to.deep.equal([0, 100]);
    expect([share('us-east-1', 20), share('us-west-2', 20)]).to.deep.equal([0, 100]);
  });

  it('lays DNS answers per resolver and health checks out as swim lanes of merged states', () => {
    const data = timelineDataOf(html);
    expect(data.lanes.map((lane) => `${lane.group} ${lane.label}`)).to.deep.equal([
      `DNS ${RESOLVERS[0]}`,
      `DNS ${RESOLVERS[1]}`,
      'Health check hc-primary',
      'Health check hc-secondary',
    ]);
    const states = data.lanes.slice(0, 2).flatMap((lane) => lane.segments.map((segment) => segment.state));
    // Two resolvers: primary → secondary → primary, the second with one timeout in between.
    expect(states).to.deep.equal(['us-east-1', 'us-west-2', 'us-east-1', 'us-east-1', 'us-west-2', 'TIMEOUT', 'us-west-2', 'us-east-1']);
    expect(data.lanes[0]?.segments[1]).to.include({ from: 17, to: 32 });
    expect(data.lanes[2]?.segments.map((segment) => [segment.state, segment.from])).to.deep.equal([
      ['healthy', 0],
      ['unhealthy', 14],
      ['healthy', 32],
    ]);
    const table = html.slice(html.indexOf('<table class="lane-states">'));
    expect(table).to.contain('us-west-2 T0+6.85 s–T0+21.85 s');
  });

  it('keeps text from the record inert inside the chart data block', () => {
    const page = renderHtml(buildFixtureRunRecord({ health: [{ at: FIXTURE_START + 1000, healthCheckId: '</script><script>alert(1)</script>', healthy: true }] }));
    const block = /<script type="application\/json" id="timeline-data">([\s\S]*?)<\/script>/.exec(page)?.[1] ?? '';
    expect(block).not.to.contain('<');
    expect(timelineDataOf(page).lanes.at(-1)?.label).to.equal('</script><script>alert(1)</script>');
  });

  it('shows the evidence: operator, host, git revision, control-plane calls and before/after state', () => {
    const page = renderHtml(
      buildFixtureRunRecord({
        hostname: 'ci-runner-7',
        evidence: {
          gitRevision: '0123456789abcdef0123456789abcdef01234567+dirty',
          operator: { arn: 'arn:aws:sts::123456789012:assumed-role/DrillRunner/ci', account: '123456789012', userId: 'AROAEXAMPLE:ci' },
          calls: [{ service: 'Lambda', operation: 'PutFunctionConcurrency', region: 'us-east-1', requestId: 'req-1', startedAt: FIXTURE_START + 10_100, endedAt: FIXTURE_START + 10_150, httpStatus: 200, attempts: 1 }],
          snapshots: {
            before: { at: FIXTURE_START, items: [{ target: 'lambda:us-east-1:api-handler', field: 'ReservedConcurrentExecutions', value: 'unreserved' }] },
            after: { at: FIXTURE_START + 44_000, items: [{ target: 'lambda:us-east-1:api-handler', field: 'ReservedConcurrentExecutions', value: 'unreserved' }] },
          },
        },
      }),
    );
    const section = page.slice(page.indexOf('<section id="evidence">'));
    for (const text of ['arn:aws:sts::123456789012:assumed-role/DrillRunner/ci', 'ci-runner-7', '0123456789abcdef0123456789abcdef01234567+dirty', 'PutFunctionConcurrency', 'req-1', 'drdrill 0.1.0']) {
      expect(section).to.contain(text);
    }
    // Before/after state leads the page, in "Restored?", not at the end with the calls.
    const restore = page.slice(page.indexOf('<section id="restore">'), page.indexOf('<section id="timeline">'));
    expect(restore).to.match(/<tr class="restored">.*unreserved.*unreserved.*restored<\/td><\/tr>/);
    expect(html.slice(html.indexOf('<section id="evidence">'))).to.contain('Control-plane calls were not recorded');
  });

  it('escapes every piece of text taken from the record', () => {
    const page = renderHtml(
      buildFixtureRunRecord({
        drill: { ...record.drill, name: '<script>alert(1)</script>' },
        verdicts: [{ ...record.verdicts[0]!, name: `"quoted" & <b>bold</b>`, observed: "it's \u001b[31mred" }],
      }),
    );
    expect(page).not.to.contain('<script>alert');
    expect(page).to.contain('<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>');
    expect(page).to.contain('&quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt;');
    expect(page).to.contain('it&#39;s [31mred');
  });

  it('puts the reason up front when the run was aborted', () => {
    const page = renderHtml(buildFixtureRunRecord({ outcome: 'aborted', exitCode: 3, reason: 'stop condition: error rate > 25 %' }));
    expect(page).to.contain('class="badge outcome-aborted">aborted · exit 3');
    expect(page).to.match(/<section class="reason" role="alert"><h2>Why the run stopped<\/h2><p>stop condition: error rate &gt; 25 %<\/p>/);
  });

  it('renders a run that stopped before any request, phase or DNS answer', () => {
    const empty: RunRecord = buildFixtureRunRecord({
      outcome: 'aborted',
      exitCode: 3,
      reason: 'preflight: lock held by another run',
      endedAt: FIXTURE_START + 200,
      phases: [],
      faults: [],
      dns: [],
      health: [],
      series: { bucketMs: 1000, points: [] },
      totals: { requests: 0, errors: 0 },
      verdicts: [],
    });
    const page = renderHtml(empty);
    expect(page).to.contain('no requests recorded');
    expect(page).to.contain('No assertions were evaluated.');
    expect(page).to.contain('No faults were injected.');
    expect(timelineDataOf(page)).to.include({ end: 0.2 }).and.nested.include({ 'x.length': 0, 'lanes.length': 0 });
  });

  it('prints cleanly: print styles are inline, and the only collapsed part is the read-only polling', () => {
    expect(html).to.contain('@media print');
    expect(html).to.contain('@page { size: A4;');
    expect(html).not.to.match(/<details\b/);
    const calls = [0, 1, 2].map((i) => ({ service: 'Route53', operation: 'GetHealthCheckStatus', region: 'us-east-1', startedAt: FIXTURE_START + i * 1000, endedAt: FIXTURE_START + i * 1000 + 5 }));
    const page = renderHtml(buildFixtureRunRecord({ evidence: { calls } }));
    expect(page.match(/<details\b[^>]*>/g)).to.deep.equal(['<details class="polling">']);
  });
});
