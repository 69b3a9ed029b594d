import { expect } from 'chai';
import { XMLValidator } from 'fast-xml-parser';
import { renderHtml } from '../../src/reporters/html.ts';
import type { RunRecord } from '../../src/runner/run-record.ts';
import { buildFixtureRunRecord, FIXTURE_START, RESOLVERS } from './fixture-run-record.ts';

function svgOf(html: string): string {
  const start = html.indexOf('<svg');
  const end = html.indexOf('</svg>');
  expect(start, 'no <svg> in the page').to.be.greaterThan(-1);
  return html.slice(start, end + '</svg>'.length);
}

/** Everything in the page's markup or CSS (not its text) that could make a browser fetch something. */
function fetchingConstructs(page: string): string[] {
  const tags = page.match(/<[a-z][^>]*>/gi) ?? [];
  const style = /<style>([\s\S]*?)<\/style>/.exec(page)?.[1] ?? '';
  return [
    ...tags.filter((tag) => /\s(?:src|href|xlink:href|srcset|action|poster|data)\s*=/i.test(tag) || /^<(?:link|script|iframe|object|embed|img|image|use)\b/i.test(tag)),
    ...(style.match(/url\s*\(|@import/gi) ?? []),
  ];
}

describe('renderHtml', () => {
  const record = buildFixtureRunRecord();
  const html = renderHtml(record);

  it('references no external resource at all', () => {
    expect(html).not.to.match(/https?:\/\//i);
    expect(fetchingConstructs(html)).to.deep.equal([]);
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
      '136 (15.11 %)',
    ]) {
      expect(html).to.contain(text);
    }
  });

  it('lists every verdict with its status, observed, expected and evidence window', () => {
    const rows = html.match(/<tr class="verdict status-[a-z]+">[\s\S]*?<\/tr>/g) ?? [];
    expect(rows).to.have.length(record.verdicts.length);
    record.verdicts.forEach((verdict, index) => {
      const row = rows[index] ?? '';
      expect(row).to.contain(`status-${verdict.status}`);
      expect(row).to.contain(verdict.name);
      expect(row).to.contain(verdict.observed);
      expect(row).to.contain(verdict.expected);
    });
    expect(rows[0]).to.contain('+10.15 s → +17.5 s');
    expect(rows[0]).to.contain('2025-03-14T09:00:10.150Z');
    expect(rows[0]).to.contain('✓ passed');
    expect(rows[1]).to.contain('✗ failed');
    expect(rows[2]).to.contain('! errored');
  });

  it('draws the timeline as well-formed inline SVG with a labelled band per phase', () => {
    const svg = svgOf(html);
    expect(XMLValidator.validate(svg)).to.equal(true);
    const labels = [...svg.matchAll(/<text class="phase-label"[^>]*>([^<]*)<\/text>/g)].map((match) => match[1]);
    expect(labels).to.deep.equal(record.phases.map((mark) => mark.phase));
    expect(svg.match(/<rect class="phase-band"/g)).to.have.length(record.phases.length);
  });

  it('marks every fault event on the timeline with a labelled line', () => {
    const svg = svgOf(html);
    const kinds = [...svg.matchAll(/<g class="fault-marker" data-kind="([^"]+)">/g)].map((match) => match[1]);
    expect(kinds).to.deep.equal(['inject', 'verified', 'rollback']);
    expect(svg).to.contain('>inject lambda-throttle</text>');
    expect(svg).to.contain('>rollback lambda-throttle</text>');
    expect(svg).to.contain('request ids 3f1c2a9e-0001');
  });

  it('plots requests/s and errors/s from the series as one step per bucket', () => {
    const svg = svgOf(html);
    const requests = /<polyline class="requests-line"[^>]* points="([^"]+)"/.exec(svg)?.[1] ?? '';
    const errors = /<polyline class="errors-line"[^>]* points="([^"]+)"/.exec(svg)?.[1] ?? '';
    // A step per bucket: two points each, at the bucket's start and end.
    expect(requests.split(' ')).to.have.length(2 * record.series.points.length);
    const ys = errors.split(' ').map((point) => Number(point.split(',')[1]));
    expect(ys).to.have.length(2 * record.series.points.length);
    const errorsPerSecond = record.series.points.map((point) => point.errors);
    // Higher on screen (smaller y) exactly where the series has more errors: none in the baseline,
    // 16 in the bucket the throttle began (+10 s), 20 in the full buckets after it.
    expect(errorsPerSecond.slice(9, 13)).to.deep.equal([0, 16, 20, 20]);
    expect(ys[2 * 9]).to.be.greaterThan(ys[2 * 10]!);
    expect(ys[2 * 10]).to.be.greaterThan(ys[2 * 11]!);
    expect(ys[2 * 11]).to.equal(ys[2 * 12]);
  });

  it('shows which region served each bucket and which region each resolver answered with over time', () => {
    const svg = svgOf(html);
    const strip = svg.slice(svg.indexOf('<g class="region-strip"'), svg.indexOf('<g class="lanes"'));
    expect(strip).to.contain('fill="#2b6cb0"');
    expect(strip).to.contain('fill="#dd6b20"');
    expect(strip).to.contain('+12 s: no region 20');
    for (const resolver of RESOLVERS) expect(svg).to.contain(`>${resolver}<title>`);
    const states = [...svg.matchAll(/<rect class="segment" data-state="([^"]+)"/g)].map((match) => match[1]);
    // Two resolvers: primary → secondary → primary, the second with one timeout in between.
    expect(states.slice(0, 8)).to.deep.equal(['us-east-1', 'us-west-2', 'us-east-1', 'us-east-1', 'us-west-2', 'TIMEOUT', 'us-west-2', 'us-east-1']);
  });

  it('escapes every piece of text taken from the record', () => {
    const page = renderHtml(
      buildFixtureRunRecord({
        drill: { ...record.drill, name: '<script>alert(1)</script>' },
        verdicts: [{ ...record.verdicts[0]!, name: `"quoted" & <b>bold</b>`, observed: "it's \u001b[31mred" }],
      }),
    );
    expect(page).not.to.contain('<script>');
    expect(page).to.contain('<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>');
    expect(page).to.contain('&quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt;');
    expect(page).to.contain('it&#39;s [31mred');
    expect(XMLValidator.validate(svgOf(page))).to.equal(true);
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
    expect(XMLValidator.validate(svgOf(page))).to.equal(true);
  });

  it('prints cleanly: print styles are inline and nothing is hidden behind interaction', () => {
    expect(html).to.contain('@media print');
    expect(html).not.to.match(/<details\b/);
  });
});
