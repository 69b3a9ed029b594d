import { expect } from 'chai';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { describeFigure, formatFigure, type Figure } from '../../src/assertions/figure.ts';
import { runCli } from '../../src/cli/cli.ts';
import { escapeHtml } from '../../src/reporters/html-escape.ts';
import { readRunRecord } from '../../src/reporters/write-run-directory.ts';
import type { RunRecord } from '../../src/runner/run-record.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { captureIo, onlyRunDir, tempDir } from './e2e-kit.ts';

/**
 * One figure, one number: several drills run through the CLI (a passing failover with an RTO
 * assertion, a routing-only failover without one, a drill whose thresholds fail), and for every
 * headline figure of every run, each output — the console, index.html, junit.xml, summary.md and
 * the history page — states exactly the value run.json stores, and the verdict that measured it
 * says the same number in its words.
 */
const DRILLS = [
  { file: 'drills/sandbox/primary-lambda-throttle.drill.ts', name: 'primary-lambda-throttle', rto: true },
  { file: 'drills/sandbox/health-check-invert.drill.ts', name: 'health-check-invert', rto: true },
  // Its fault holds 2.5 s, shorter than the default 5 s RTO window: RTO is absent, not invented.
  { file: 'test/fixtures/drills/impossible-thresholds.drill.ts', name: 'impossible-thresholds', rto: false },
] as const;

interface RunOutputs {
  readonly record: RunRecord;
  readonly html: string;
  readonly junit: string;
  readonly summary: string;
}

describe('headline figures agree across every output', function () {
  this.timeout(180_000);
  let sandbox: Sandbox;
  let out: string;
  let stateDir: string;
  let exitCode: number;
  let history: string;
  const io = captureIo();
  const runs = new Map<string, RunOutputs>();

  before(async () => {
    sandbox = await startSandbox();
    out = await tempDir('figures-out');
    stateDir = await tempDir('figures-state');
    exitCode = await runCli(
      ['run', ...DRILLS.map((drill) => drill.file), '--sandbox-url', sandbox.description.controlPlaneUrl, '--out', out, '--state-dir', stateDir],
      io,
    );
    for (const drill of DRILLS) {
      const dir = await onlyRunDir(out, drill.name);
      runs.set(drill.name, {
        record: await readRunRecord(dir),
        html: await readFile(path.join(dir, 'index.html'), 'utf8'),
        junit: await readFile(path.join(dir, 'junit.xml'), 'utf8'),
        summary: await readFile(path.join(dir, 'summary.md'), 'utf8'),
      });
    }
    history = await readFile(path.join(out, 'index.html'), 'utf8');
  });
  after(async () => {
    await sandbox.close();
    await rm(out, { recursive: true, force: true });
    await rm(stateDir, { recursive: true, force: true });
  });

  it('ran every drill to a verdict (the impossible thresholds fail, so the CLI exits 1)', () => {
    expect(exitCode, io.text()).to.equal(1);
    expect([...runs.values()].map((run) => run.record.outcome)).to.deep.equal(['passed', 'passed', 'failed']);
  });

  it('stores RTO and its parts, DNS convergence, failback and each phase\'s error rate, each under one name', () => {
    for (const drill of DRILLS) {
      const record = runs.get(drill.name)?.record;
      if (record === undefined) throw new Error(`no run of ${drill.name}`);
      const names = (record.figures ?? []).map((figure) => figure.name);
      expect(new Set(names).size, record.drill.name).to.equal(names.length);
      expect(names.includes('rto'), `${drill.name} rto`).to.equal(drill.rto);
      for (const name of ['rto.detect', 'rto.shift', 'dns.convergence', 'failback', 'errorRate.run', 'errorRate.baseline', 'errorRate.recovery']) {
        expect(names, `${record.drill.name} lacks ${name}`).to.include(name);
      }
      for (const figure of record.figures ?? []) {
        expect(figure.definition, figure.name).to.not.equal('');
        expect(figure.window, figure.name).to.not.equal(undefined);
      }
    }
  });

  it('prints each figure in the console, index.html, junit.xml and summary.md exactly as run.json stores it', () => {
    const consoleText = io.text();
    let checked = 0;
    for (const { record, html, junit, summary } of runs.values()) {
      for (const figure of record.figures ?? []) {
        const where = `${record.drill.name} ${figure.name}`;
        expect(consoleText, `console, ${where}`).to.contain(`    ${figure.label}: ${describeFigure(figure)}`);
        expect(figureRow(html, figure), `index.html, ${where}`).to.contain(`<td class="figure-value">${escapeHtml(describeFigure(figure))}</td>`);
        expect(junit, `junit.xml, ${where}`).to.contain(`<property name="figure.${figure.name}" value="${escapeXml(formatFigure(figure))}"/>`);
        expect(junit, `junit.xml, ${where}`).to.contain(`<property name="figure.${figure.name}.${figure.unit}" value="${String(figure.value)}"/>`);
        expect(summary, `summary.md, ${where}`).to.contain(` \`${figure.name}\` | ${describeFigure(figure).replace(/[*_|]/g, '\\$&')} |`);
        checked++;
      }
      // The top-of-page cards (the RTO split, the totals) and the summary's key-numbers row are the same figures again.
      const parts = { rto: ['clients', 'Clients recovered'], 'rto.detect': ['detect', 'Detect'], 'rto.shift': ['shift', 'DNS shift'] } as const;
      for (const [name, [part, label]] of Object.entries(parts)) {
        const figure = (record.figures ?? []).find((each) => each.name === name);
        if (figure === undefined) {
          expect(html, `${record.drill.name} card ${name}`).to.not.contain(`data-figure="${name}"><div class="label">`);
          continue;
        }
        expect(html, `${record.drill.name} card ${name}`).to.contain(
          `<div class="rto-card" data-part="${part}" data-figure="${name}"><div class="label">${label}</div><div class="big">${escapeHtml(formatFigure(figure))}</div>`,
        );
      }
      for (const name of ['dns.convergence', 'failback']) {
        const figure = (record.figures ?? []).find((each) => each.name === name);
        if (figure === undefined) continue;
        expect(html, `${record.drill.name} card ${name}`).to.contain(`<div class="label">${escapeHtml(figure.label)}</div><div class="value">${escapeHtml(formatFigure(figure))}</div>`);
      }
      const shown = (name: string): string => {
        const figure = (record.figures ?? []).find((each) => each.name === name);
        return figure === undefined ? '—' : formatFigure(figure);
      };
      const keyRow = `| ${record.totals.requests} | ${record.totals.errors} (${shown('errorRate.run')}) | ${shown('dns.convergence')} | ${shown('rto')} | ${shown('failback')} |`;
      expect(summary, record.drill.name).to.contain(keyRow);
    }
    // Three runs, each with at least RTO's parts, convergence, failback and three windows' error rates.
    expect(checked, [...runs.values()].map((run) => `${run.record.drill.name}: ${(run.record.figures ?? []).map((f) => f.name).join(' ')}`).join('\n')).to.be.at.least(3 * 8);
  });

  it('lists each run on the history page with the same convergence, RTO and fault-phase error rate', () => {
    for (const { record } of runs.values()) {
      const row = new RegExp(`<tr class="run[^"]*">(?:(?!</tr>).)*${record.runId}(?:(?!</tr>).)*</tr>`, 's').exec(history)?.[0] ?? '';
      const cells = [...row.matchAll(/<td>([^<]*)<\/td>/g)].map((match) => match[1]);
      for (const name of ['dns.convergence', 'rto', 'errorRate.fault']) {
        const figure = (record.figures ?? []).find((each) => each.name === name);
        expect(cells, `${record.drill.name} ${name}`).to.include(figure === undefined ? '—' : escapeHtml(formatFigure(figure)));
      }
    }
  });

  it('has the verdict that measured a figure state the same number in its words', () => {
    let checked = 0;
    for (const { record } of runs.values()) {
      for (const figure of record.figures ?? []) {
        if (figure.source === undefined || figure.value === null) continue;
        const verdict = record.verdicts.find((each) => each.name === figure.source);
        expect(verdict?.observed, `${record.drill.name} ${figure.name}`).to.contain(formatFigure(figure));
        checked++;
      }
    }
    expect(checked).to.be.greaterThan(5);
  });
});

/** The index.html table row of one figure. */
function figureRow(html: string, figure: Figure): string {
  const start = html.indexOf(`<tr class="figure" data-figure="${escapeHtml(figure.name)}">`);
  return start === -1 ? '' : html.slice(start, html.indexOf('</tr>', start));
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
