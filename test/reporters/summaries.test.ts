import { expect } from 'chai';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectHistory, renderHistoryHtml } from '../../src/reporters/history-index.ts';
import { renderMarkdownSummary } from '../../src/reporters/markdown-summary.ts';
import { measureHeadlineFigures } from '../../src/assertions/headline-figures.ts';
import { evaluateRto, rtoOptions } from '../../src/assertions/rto.ts';
import { writeRunDirectory } from '../../src/reporters/write-run-directory.ts';
import { buildFixtureRunRecord, buildFixtureSamples, buildFixtureTimeline, FIXTURE_CONTEXT, FIXTURE_START } from './fixture-run-record.ts';

describe('measureHeadlineFigures', () => {
  it('measures RTO, convergence, failback and each window\'s error rate once, with the assertions\' own code', () => {
    const figures = buildFixtureRunRecord().figures ?? [];
    const value = (name: string): number | null | undefined => figures.find((figure) => figure.name === name)?.value;
    // Injected at +10.15 s; the slower resolver first answered us-west-2 at +18 s (probe at 1 s).
    expect(value('dns.convergence')).to.equal(18_000 - 10_150);
    // Rolled back at +30.1 s; the slower resolver answered us-east-1 again at +33 s.
    expect(value('failback')).to.equal(33_000 - 30_100);
    // The RTO assertion's sliding-window recovery (default 99 % over 5 s), not a bucket count.
    const rto = evaluateRto(buildFixtureTimeline(), rtoOptions.parse({ assertion: 'rto', within: '1m' }), FIXTURE_CONTEXT);
    expect(value('rto')).to.equal(rto.details?.recoveryMs).and.to.be.a('number');
    expect(value('errorRate.run')).to.be.closeTo((136 / 900) * 100, 1e-9);
    expect(figures.map((figure) => figure.name)).to.deep.equal([
      'rto', 'rto.detect', 'rto.shift', 'dns.convergence', 'failback', 'errorRate.run',
      'errorRate.baseline', 'errorRate.fault', 'errorRate.recovery', 'errorRate.failback', 'errorRate.settle',
    ]);
  });

  it('takes a figure from the drill\'s assertion, naming it, and numbers a second measurement of the same thing', () => {
    const timeline = buildFixtureTimeline();
    const tight = evaluateRto(timeline, rtoOptions.parse({ assertion: 'rto', within: '1m', window: '2s', successRate: 90 }), FIXTURE_CONTEXT);
    const loose = evaluateRto(timeline, rtoOptions.parse({ assertion: 'rto', within: '1m', window: '8s' }), FIXTURE_CONTEXT);
    const figures = measureHeadlineFigures(timeline, [tight, loose], FIXTURE_CONTEXT);
    const rto = figures.find((figure) => figure.name === 'rto');
    expect(rto?.source).to.equal(tight.name);
    expect(rto?.value).to.equal(tight.details?.recoveryMs);
    expect(figures.find((figure) => figure.name === 'rto#2')?.value).to.equal(loose.details?.recoveryMs);
    expect(tight.details?.recoveryMs).to.not.equal(loose.details?.recoveryMs);
  });
});

describe('renderMarkdownSummary', () => {
  it('gives the outcome, key numbers and one row per verdict for a CI step summary', () => {
    const md = renderMarkdownSummary(buildFixtureRunRecord());
    const lines = md.split('\n');
    expect(lines[0]).to.equal('### ❌ FAILED — drill `primary-lambda-throttle` (exit 1)');
    expect(md).to.contain('| 900 | 136 (15.11%) | 7.85 s | 6.8 s | 2.9 s |');
    expect(md).to.contain('| Error rate (phase recovery) `errorRate.recovery` | 27.78% | — |');
    expect(md).to.contain('| DNS converges on us-west-2 | ✅ passed | converged in 7.35 s (±1 s) | ≤ 10 s |');
    expect(md).to.contain('| error budget holds during the fault | ❌ failed | 13.5 % errors (136 of 1000) | ≤ 5 % |');
    expect(md).to.contain('| ⚠️ errored |');
  });

  it('keeps record text from breaking the table or injecting markup', () => {
    const record = buildFixtureRunRecord();
    const md = renderMarkdownSummary(buildFixtureRunRecord({ verdicts: [{ ...record.verdicts[0]!, name: 'a | b <img src=x>\nnext' }] }));
    expect(md).to.contain('| a \\| b &lt;img src=x&gt;<br>next |');
  });
});

describe('the cross-run history', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'drdrill-history-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('lists every run under the reports root, newest first, and charts convergence, RTO and error rate per drill', async () => {
    const samples = buildFixtureSamples();
    const first = buildFixtureRunRecord({ runId: 'night-1' }, samples);
    const second = buildFixtureRunRecord({ runId: 'night-2', startedAt: FIXTURE_START + 86_400_000, endedAt: FIXTURE_START + 86_445_000 }, samples);
    await writeRunDirectory(join(root, 'primary-lambda-throttle', 'night-1'), first, samples, { historyRoot: root });
    await writeRunDirectory(join(root, 'primary-lambda-throttle', 'night-2'), second, samples, { historyRoot: root });
    await writeFile(join(root, 'not-a-drill.txt'), 'ignored');
    const { entries } = await collectHistory(root);
    expect(entries.map((entry) => entry.path)).to.deep.equal(['primary-lambda-throttle/night-1', 'primary-lambda-throttle/night-2']);
    const page = await readFile(join(root, 'index.html'), 'utf8');
    expect(page).to.equal(renderHistoryHtml(entries));
    const rows = page.match(/<tr class="run[^"]*">[\s\S]*?<\/tr>/g) ?? [];
    expect(rows).to.have.length(2);
    expect(rows[0]).to.contain('href="primary-lambda-throttle/night-2/index.html"');
    expect(rows[0]).to.contain('7.85 s');
    const data = JSON.parse(/<script type="application\/json" id="history-data">([\s\S]*?)<\/script>/.exec(page)?.[1] ?? 'null') as {
      charts: { title: string; values: (number | null)[][] }[];
    };
    expect(data.charts.map((chart) => [chart.title, chart.values])).to.deep.equal([
      ['DNS convergence (s)', [[7.85, 7.85]]],
      ['RTO (s)', [[6.8, 6.8]]],
      ['Error rate, phase fault (%)', [[90, 90]]],
    ]);
  });
});
