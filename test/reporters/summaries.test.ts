import { expect } from 'chai';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectHistory, renderHistoryHtml } from '../../src/reporters/history-index.ts';
import { renderMarkdownSummary } from '../../src/reporters/markdown-summary.ts';
import { computeRunMetrics } from '../../src/reporters/run-metrics.ts';
import { writeRunDirectory } from '../../src/reporters/write-run-directory.ts';
import { buildFixtureRunRecord, buildFixtureSamples, FIXTURE_START } from './fixture-run-record.ts';

describe('computeRunMetrics', () => {
  it('measures DNS convergence, failback, RTO and error rates from the record alone', () => {
    const metrics = computeRunMetrics(buildFixtureRunRecord());
    // Injected at +10.15 s; the slower resolver first answered us-west-2 at +18 s (probe at 1 s).
    expect(metrics.convergenceMs).to.equal(18_000 - 10_150);
    // Rolled back at +30.1 s; the slower resolver answered us-east-1 again at +33 s.
    expect(metrics.failbackMs).to.equal(33_000 - 30_100);
    // Errors end at +17 s when us-west-2 starts serving: the first error-free bucket.
    expect(metrics.rtoMs).to.equal(17_000 - 10_150);
    expect(metrics.errorRate).to.be.closeTo((136 / 900) * 100, 1e-9);
    expect(metrics.faultErrorRate).to.be.closeTo((136 / 400) * 100, 1e-9);
  });

  it('leaves out what a run without faults or requests cannot measure', () => {
    expect(computeRunMetrics(buildFixtureRunRecord({ faults: [], totals: { requests: 0, errors: 0 } }))).to.deep.equal({
      faultErrorRate: (136 / 400) * 100,
    });
  });
});

describe('renderMarkdownSummary', () => {
  it('gives the outcome, key numbers and one row per verdict for a CI step summary', () => {
    const md = renderMarkdownSummary(buildFixtureRunRecord());
    const lines = md.split('\n');
    expect(lines[0]).to.equal('### ❌ FAILED — drill `primary-lambda-throttle` (exit 1)');
    expect(md).to.contain('| 900 | 136 (15.11 %) | 34.00 % | 7.85 s | 6.85 s | 2.9 s |');
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
      ['RTO (s)', [[6.85, 6.85]]],
      ['Error rate during fault (%)', [[34, 34]]],
    ]);
  });
});
