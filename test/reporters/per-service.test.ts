import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isErrorSample } from '../../src/load/sample.ts';
import { renderConsoleSummary } from '../../src/reporters/console-summary.ts';
import { renderHtml } from '../../src/reporters/html.ts';
import { renderMarkdownSummary } from '../../src/reporters/markdown-summary.ts';
import { runRecordSchema } from '../../src/reporters/run-record-schema.ts';
import { buildTimelineData } from '../../src/reporters/timeline-data.ts';
import { chartColours, watchErrors } from './browser-kit.ts';
import { launchChromium } from './chromium.ts';
import { buildFixtureRunRecord, buildTwoServiceRunRecord, buildTwoServiceSamples } from './fixture-run-record.ts';

/** Ground truth straight from the samples, counted here without the code under test. */
function countsOf(service: string): { requests: number; errors: number } {
  const samples = [...buildTwoServiceSamples()].filter((sample) => sample.target === service);
  return { requests: samples.length, errors: samples.filter((sample) => isErrorSample(sample)).length };
}

describe('a run that loaded two services, in every report', () => {
  const record = buildTwoServiceRunRecord();

  it('run.json counts each service once, adding up to the run, and measures each one’s error rate once, as a figure', () => {
    const api = countsOf('api');
    const orders = countsOf('orders');
    expect(orders).to.deep.equal({ requests: 450, errors: 18 });
    expect(record.totals.byService).to.deep.equal({ api, orders });
    const rate = (name: string) => record.figures?.filter((figure) => figure.name === name).map((figure) => [figure.value, figure.service]);
    expect(rate('api:errorRate.run')).to.deep.equal([[(api.errors / api.requests) * 100, 'api']]);
    expect(rate('orders:errorRate.run')).to.deep.equal([[4, 'orders']]);
    expect(record.totals.requests).to.equal(api.requests + orders.requests);
    expect(record.totals.errors).to.equal(api.errors + orders.errors);
    expect(runRecordSchema.safeParse(JSON.parse(JSON.stringify(record))).success).to.equal(true);
  });

  it('run.json charts each service on the run’s buckets, and the buckets add up to the whole', () => {
    const byService = record.series.byService ?? {};
    expect(Object.keys(byService)).to.deep.equal(['api', 'orders']);
    record.series.points.forEach((point, i) => {
      const api = byService.api?.[i];
      const orders = byService.orders?.[i];
      expect(api?.t).to.equal(point.t);
      expect((api?.requests ?? 0) + (orders?.requests ?? 0), `bucket ${i}`).to.equal(point.requests);
      expect((api?.errors ?? 0) + (orders?.errors ?? 0), `bucket ${i}`).to.equal(point.errors);
    });
    // orders never left the primary; api did.
    expect(byService.orders?.every((point) => Object.keys(point.byRegion).join() === 'us-east-1')).to.equal(true);
    expect(byService.api?.some((point) => (point.byRegion['us-west-2'] ?? 0) > 0)).to.equal(true);
  });

  it('a one-service run keeps its record as before: no per-service series or totals', () => {
    const one = buildFixtureRunRecord();
    expect(one.series.byService).to.equal(undefined);
    expect(one.totals.byService).to.equal(undefined);
    expect(one.figures?.filter((figure) => figure.service !== undefined)).to.deep.equal([]);
    expect(buildTimelineData(one).services).to.deep.equal([]);
  });

  it('the timeline data gives each service its own traffic and share, from run.json', () => {
    const data = buildTimelineData(record);
    expect(data.services.map((service) => service.service)).to.deep.equal(['api', 'orders']);
    const orders = data.services[1];
    expect(orders?.regions.map((region) => region.name)).to.deep.equal(['us-east-1']);
    expect(orders?.requestsPerS.every((rate) => rate === 10)).to.equal(true);
    expect(data.services[0]?.regions.map((region) => region.name)).to.include('us-west-2');
  });

  it('the markdown and console summaries give per-service requests and error rates as run.json stores them', () => {
    const { api } = record.totals.byService ?? {};
    const apiRate = `${(((api?.errors ?? 0) / (api?.requests ?? 1)) * 100).toFixed(2)}%`;
    const md = renderMarkdownSummary(record);
    expect(md).to.include('| Service | Requests | Errors | Error rate |');
    expect(md).to.include(`| \`api\` | ${api?.requests} | ${api?.errors} | ${apiRate} |`);
    expect(md).to.include('| `orders` | 450 | 18 | 4.00% |');
    const text = renderConsoleSummary(record);
    expect(text).to.include(`  service api: ${api?.requests} requests, ${api?.errors} errors (${apiRate})`);
    expect(text).to.include('  service orders: 450 requests, 18 errors (4.00%)');
    // The rate is the figure's: a record without it prints none rather than working one out.
    const withoutFigures = { ...record, figures: [] };
    expect(renderConsoleSummary(withoutFigures)).to.include('  service orders: 450 requests, 18 errors (—)');
    expect(renderMarkdownSummary(buildFixtureRunRecord())).not.to.include('| Service |');
  });

  it('the HTML report has a per-service table', () => {
    const html = renderHtml(record);
    expect(html).to.match(/<tr data-service="orders"><td class="mono">orders<\/td><td class="num">450<\/td><td class="num">18<\/td><td class="num">4\.00%<\/td><\/tr>/);
    expect(renderHtml(buildFixtureRunRecord())).not.to.include('id="services"');
  });

  describe('in headless Chromium', function () {
    this.timeout(60_000);
    let dir: string;
    let browser: Awaited<ReturnType<typeof launchChromium>>;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'drdrill-per-service-'));
      browser = await launchChromium();
    });
    after(async () => {
      await browser?.close();
      await rm(dir, { recursive: true, force: true });
    });

    it('draws a traffic and a share chart per service, and only the service that failed over shows the secondary', async () => {
      const file = join(dir, 'index.html');
      await writeFile(file, renderHtml(record));
      const page = await browser.context.newPage();
      const errors = watchErrors(page);
      await page.goto(pathToFileURL(file).href);
      await page.waitForSelector('#timeline-figure[data-rendered="6"]', { timeout: 10_000 });
      expect(errors).to.deep.equal([]);
      const titles = await page.$$eval('#timeline-charts .chart', (charts) => charts.map((chart) => chart.getAttribute('data-chart')));
      expect(titles).to.deep.equal([
        'Traffic · service api',
        'Share served by region · service api',
        'Traffic · service orders',
        'Share served by region · service orders',
        'p95 latency · per service',
        'DNS answers per resolver · health checks',
      ]);
      const colours = await chartColours(page, { primary: '#2b6cb0', secondary: '#dd6b20' });
      expect(colours['Share served by region · service api']?.['secondary'], 'api moved').to.be.greaterThan(1000);
      expect(colours['Share served by region · service orders']?.['secondary'] ?? 0, 'orders stayed').to.equal(0);
      expect(colours['Share served by region · service orders']?.['primary'], 'orders on the primary').to.be.greaterThan(1000);
      await page.close();
    });
  });
});
