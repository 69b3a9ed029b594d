import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { renderHtml } from '../../src/reporters/html.ts';
import { FAULT_COLOURS, PHASE_COLOURS } from '../../src/reporters/timeline-data.ts';
import { launchChromium } from './chromium.ts';
import { chartColours, watchErrors } from './browser-kit.ts';
import { buildFixtureRunRecord } from './fixture-run-record.ts';

describe('the HTML report in headless Chromium', function () {
  this.timeout(60_000);
  let dir: string;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'drdrill-browser-'));
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('opens offline with no console error or network request and draws all four charts', async () => {
    const file = join(dir, 'index.html');
    await writeFile(file, renderHtml(buildFixtureRunRecord()));
    const page = await browser.context.newPage();
    const errors = watchErrors(page);
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('#timeline-figure[data-rendered="4"]', { timeout: 10_000 });
    expect(errors).to.deep.equal([]);
    const titles = await page.$$eval('#timeline-charts .chart', (charts) => charts.map((chart) => chart.getAttribute('data-chart')));
    expect(titles).to.deep.equal(['Traffic', 'p95 latency', 'Share served by region', 'DNS answers per resolver · health checks']);

    const colours = await chartColours(page, {
      faultBand: PHASE_COLOURS.fault,
      settleBand: PHASE_COLOURS.settle,
      inject: FAULT_COLOURS.inject,
      rollback: FAULT_COLOURS.rollback,
      primary: '#2b6cb0',
      secondary: '#dd6b20',
      unhealthy: '#e53e3e',
    });
    // Markers are painted on every chart; phase bands wherever data leaves the background visible
    // (the region-share chart is filled edge to edge by its stacked areas).
    for (const [title, counts] of Object.entries(colours)) {
      expect(counts['rollback'], `${title}: rollback marker`).to.be.greaterThan(20);
      expect(counts['inject'], `${title}: inject marker`).to.be.greaterThan(20);
      if (title === 'Share served by region') continue;
      expect(counts['faultBand'], `${title}: fault band`).to.be.greaterThan(100);
      expect(counts['settleBand'], `${title}: settle band`).to.be.greaterThan(100);
    }
    expect(colours['Share served by region']?.['secondary']).to.be.greaterThan(1000);
    expect(colours['DNS answers per resolver · health checks']?.['unhealthy']).to.be.greaterThan(200);
    expect(colours['Traffic']?.['primary']).to.be.greaterThan(200);
    await page.close();
  });

  it('prints to PDF with the charts redrawn to the page width', async () => {
    const file = join(dir, 'print.html');
    await writeFile(file, renderHtml(buildFixtureRunRecord()));
    const page = await browser.context.newPage();
    const errors = watchErrors(page);
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('#timeline-figure[data-rendered="4"]');
    await page.emulateMedia({ media: 'print' });
    await page.evaluate("window.dispatchEvent(new Event('beforeprint'))");
    const widths = await page.$$eval('#timeline-charts canvas', (canvases) => canvases.map((canvas) => canvas.getBoundingClientRect().width));
    expect(Math.max(...widths)).to.be.at.most(680);
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 5).toString()).to.equal('%PDF-');
    expect(errors).to.deep.equal([]);
    await page.close();
  });
});
