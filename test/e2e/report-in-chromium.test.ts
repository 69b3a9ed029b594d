import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { formatFigure } from '../../src/assertions/figure.ts';
import { runCommand } from '../../src/cli/run-command.ts';
import { readRunRecord } from '../../src/reporters/write-run-directory.ts';
import type { Approver, LiveRun } from '../../src/runner/live-run.ts';
import type { RunRecord } from '../../src/runner/run-record.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { watchErrors } from '../reporters/browser-kit.ts';
import { launchChromium } from '../reporters/chromium.ts';
import { JUNIT_XSD, xmllintValidate } from '../reporters/xmllint.ts';
import { captureIo, onlyRunDir, tempDir } from './e2e-kit.ts';

const TWO_SERVICES = 'test/fixtures/drills/report-two-services.drill.ts';
const ABORTED = 'test/fixtures/drills/report-aborted.drill.ts';
/** Where the screenshot and the PDF stay after the test, for people to look at (git-ignored). */
const OUTPUT_DIR = 'reports/screenshots/report-in-chromium';
const ACTION_ITEM = 'action: alert when detect takes longer than 2 s';

/** An approver standing in for the game-day console: people write notes, then one answers. */
function room(answer: { approved: boolean; operator: string }, notes: readonly [string, string][]): { approver: Approver; onLive: (live: LiveRun) => void } {
  let live: LiveRun | undefined;
  return {
    onLive: (run) => (live = run),
    approver: {
      canAnswer: () => true,
      ask: async () => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        for (const [operator, text] of notes) live?.note(text, operator);
        return { ...answer, via: 'console', comment: 'discussed in the room' };
      },
    },
  };
}

/** The page's text as a reader gets it: everything but scripts (the collapsed polling list included). */
function pageText(page: Page): Promise<string> {
  return page.evaluate(`(() => { const body = document.body.cloneNode(true); body.querySelectorAll('script, style').forEach((el) => el.remove()); return body.textContent; })()`) as Promise<string>;
}

async function open(page: Page, runDir: string): Promise<void> {
  await page.goto(pathToFileURL(path.resolve(runDir, 'index.html')).href);
  await page.waitForSelector('#timeline-figure:not([data-rendered="0"])', { timeout: 10_000 });
}

describe('the HTML report of a sandbox game day, in Chromium', function () {
  this.timeout(180_000);
  let sandbox: Sandbox;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  const dirs: string[] = [];
  let twoServices: { dir: string; record: RunRecord };
  let aborted: { dir: string; record: RunRecord; code: number };

  async function run(file: string, name: string, people: ReturnType<typeof room>): Promise<{ dir: string; record: RunRecord; code: number }> {
    const out = await tempDir('report-out');
    const stateDir = await tempDir('report-state');
    dirs.push(out, stateDir);
    const io = captureIo();
    const code = await runCommand(
      { files: [file], env: 'sandbox', sandboxUrl: sandbox.description.controlPlaneUrl, out, stateDir, approvers: [people.approver], onLive: people.onLive },
      io,
    );
    const dir = await onlyRunDir(out, name);
    return { dir, record: await readRunRecord(dir), code };
  }

  before(async () => {
    sandbox = await startSandbox();
    twoServices = await run(
      TWO_SERVICES,
      'report-two-services',
      room({ approved: true, operator: 'alice' }, [
        ['bob', ACTION_ITEM],
        ['alice', 'service2 p95 on the secondary looked fine'],
      ]),
    );
    aborted = await run(ABORTED, 'report-aborted', room({ approved: false, operator: 'carol' }, [['carol', 'stopping: the secondary is being patched']]));
    browser = await launchChromium();
    await mkdir(OUTPUT_DIR, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await sandbox?.close();
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('leads with the verdict, the RTO split and the restore evidence, then the timeline, then the assertions', async () => {
    expect(twoServices.record.outcome).to.equal('passed');
    const page = await browser.context.newPage();
    const errors = watchErrors(page);
    await open(page, twoServices.dir);
    const order = (await page.$$eval('main > section[id]', (sections) => sections.map((section) => section.id))) as string[];
    expect(order.slice(0, 3)).to.deep.equal(['verdict', 'rto', 'restore']);
    const at = (id: string): number => order.indexOf(id);
    expect(at('timeline')).to.be.greaterThan(at('restore'));
    expect(at('assertions')).to.be.greaterThan(at('timeline'));
    expect(at('evidence')).to.be.greaterThan(at('assertions'));
    expect(await page.textContent('#verdict .verdict-word')).to.equal('PASSED');
    // Each service's traffic on its own charts, not mixed.
    const charts = await page.$$eval('#timeline-charts .chart', (each) => each.map((chart) => chart.getAttribute('data-chart')));
    expect(charts).to.include.members(['Traffic · service service1', 'Traffic · service service2', 'Share served by region · service service1', 'Share served by region · service service2']);
    expect(errors).to.deep.equal([]);
    await page.close();
  });

  it('shows each service’s RTO split as the figures run.json holds, every part measured', async () => {
    const page = await browser.context.newPage();
    await open(page, twoServices.dir);
    const rows = (await page.$$eval('#rto .rto-row', (each) =>
      each.map((row) => ({
        service: row.getAttribute('data-service'),
        cards: [...row.querySelectorAll('.rto-card')].map((card) => [card.getAttribute('data-part'), card.getAttribute('data-figure'), card.querySelector('.big')?.textContent]),
      })),
    )) as { service: string; cards: [string, string | null, string][] }[];
    expect(rows.map((row) => row.service)).to.deep.equal(['service1', 'service2']);
    const figures = twoServices.record.figures ?? [];
    for (const row of rows) {
      expect(row.cards.map(([part]) => part)).to.deep.equal(['detect', 'shift', 'clients']);
      for (const [, name, text] of row.cards) {
        const figure = figures.find((each) => each.name === name);
        expect(figure, `${row.service}: card ${String(name)} is a figure of run.json`).not.to.equal(undefined);
        if (figure === undefined) continue;
        expect(figure.service ?? 'service1').to.equal(row.service);
        expect(figure.value, `${figure.name} measured`).to.be.a('number');
        expect(text).to.equal(formatFigure(figure));
      }
    }
    await page.close();
  });

  it('writes no raw epoch number or long float tail anywhere in the page', async () => {
    const page = await browser.context.newPage();
    await open(page, twoServices.dir);
    const text = await pageText(page);
    // run.json does hold such numbers (recoveryMs 2607.2265625, epoch ms times): the page must not.
    expect(JSON.stringify(twoServices.record)).to.match(/\d\.\d{5,}/);
    expect(text.match(/(?<![\w-])\d{13,}(?![\w-])/g) ?? []).to.deep.equal([]);
    expect(text.match(/\d\.\d{4,}/g) ?? []).to.deep.equal([]);
    // Times are relative to the injection, with the ISO time on hover.
    const times = (await page.$$eval('#assertions time', (each) => each.map((time) => [time.textContent, time.getAttribute('title')]))) as [string, string][];
    expect(times.length).to.be.greaterThan(10);
    for (const [shown, title] of times) {
      expect(shown).to.match(/^T0[+−]\d/);
      expect(title).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
    await page.close();
  });

  it('groups the control-plane calls by operation, lists each mutating call and collapses the polling', async () => {
    const page = await browser.context.newPage();
    await open(page, twoServices.dir);
    const calls = twoServices.record.evidence?.calls ?? [];
    const counts = new Map<string, number>();
    for (const call of calls) counts.set(`${call.service}.${call.operation}`, (counts.get(`${call.service}.${call.operation}`) ?? 0) + 1);
    const groups = (await page.$$eval('tr.call-group', (rows) => rows.map((row) => [row.getAttribute('data-operation'), Number(row.children[3]?.textContent?.replace(/,/g, ''))]))) as [string, number][];
    expect(new Map(groups)).to.deep.equal(counts);
    // Ground truth for "mutating": every AWS request id the injectors recorded for their changes is listed one by one.
    const mutatingIds = (await page.$$eval('tr.call-mutating', (rows) => rows.map((row) => row.lastElementChild?.textContent))) as string[];
    const faultIds = twoServices.record.faults.flatMap((event) => event.requestIds);
    expect(faultIds.length).to.be.at.least(4);
    expect(mutatingIds).to.include.members(faultIds);
    const visible = (await page.$$eval('#evidence tr.call', (rows) => rows.filter((row) => row.checkVisibility()).length)) as number;
    const polling = (await page.$$eval('tr.call-polling', (rows) => rows.length)) as number;
    expect(polling + mutatingIds.length).to.equal(calls.length);
    expect(polling, 'a drill polls far more than it changes').to.be.greaterThan(mutatingIds.length * 5);
    expect(visible, 'the polling rows are collapsed').to.equal(mutatingIds.length);
    console.log(`      calls: ${calls.length} in run.json; ${groups.length} operation rows + ${visible} mutating call rows shown, ${polling} polling rows collapsed`);
    await page.close();
  });

  it('has a retro: participants seen, the action item, the approval and every note, also marked on the timeline', async () => {
    const page = await browser.context.newPage();
    await open(page, twoServices.dir);
    const participants = (await page.$$eval('#retro .participants .name', (names) => names.map((name) => name.textContent))) as string[];
    expect(participants).to.include.members(['alice', 'bob']);
    expect(await page.textContent('#retro .action-items')).to.contain('alert when detect takes longer than 2 s');
    expect(await page.textContent('#retro table.approvals')).to.match(/fail-back.*Fail both services back\?.*approved.*alice.*console/s);
    const notes = (await page.$$eval('#retro table.notes tr', (rows) => rows.map((row) => row.textContent))).join('\n');
    expect(notes).to.contain(ACTION_ITEM).and.to.contain('service2 p95 on the secondary looked fine');
    const marks = JSON.parse((await page.textContent('#timeline-data')) ?? '{}') as { marks: { kind: string; label: string }[] };
    expect(marks.marks.map((mark) => mark.kind)).to.include.members(['step', 'approved', 'note']);
    await page.close();
  });

  it('says "not evaluated", not "failed", for what the aborted run could not judge, in the page and in valid JUnit', async () => {
    expect(aborted.code).to.equal(3);
    expect(aborted.record.outcome).to.equal('aborted');
    const statuses = aborted.record.verdicts.map((verdict) => `${verdict.assertion}:${verdict.status}`);
    // The two untils after the declined approval were never reached: listed first, not evaluated.
    expect(statuses).to.deep.equal(['until:not-evaluated', 'until:not-evaluated', 'error-budget:passed', 'rto:not-evaluated', 'failback:not-evaluated']);
    const page = await browser.context.newPage();
    await open(page, aborted.dir);
    expect(await page.textContent('#verdict .verdict-word')).to.equal('ABORTED');
    const badges = (await page.$$eval('#assertions .badge', (each) => each.map((badge) => badge.textContent))) as string[];
    expect(badges).to.deep.equal(['– not evaluated', '– not evaluated', '✓ passed', '– not evaluated', '– not evaluated']);
    expect(await pageText(page)).not.to.match(/✗ failed/);
    // Its RTO parts ("never", or not measured at all) mean "not before the run was stopped": each card says so.
    const caveats = (await page.$$eval('#rto .rto-card', (cards) => cards.map((card) => card.querySelector('.caveat')?.textContent ?? ''))) as string[];
    expect(caveats).to.have.length(3);
    for (const caveat of caveats) expect(caveat).to.match(/^not evaluated: the run stopped [\d.]+ s after it started$/);
    const junit = await readFile(path.join(aborted.dir, 'junit.xml'), 'utf8');
    expect(junit.match(/<skipped message="not evaluated: /g)).to.have.length(4);
    expect(junit).to.match(/<testsuite [^>]*failures="0" errors="1" skipped="4"/);
    const lint = xmllintValidate(junit, JUNIT_XSD);
    expect(lint.valid, lint.output).to.equal(true);
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'aborted-report.png'), fullPage: true });
    await page.close();
  });

  it('leaves a screenshot and an A4 PDF of the report that has pages', async () => {
    const page = await browser.context.newPage();
    await open(page, twoServices.dir);
    const height = (await page.evaluate('document.documentElement.scrollHeight')) as number;
    const png = path.join(OUTPUT_DIR, 'report.png');
    const pdf = path.join(OUTPUT_DIR, 'report.pdf');
    await page.screenshot({ path: png, fullPage: true });
    await page.emulateMedia({ media: 'print' });
    await page.evaluate("window.dispatchEvent(new Event('beforeprint'))");
    await page.pdf({ path: pdf, format: 'A4', printBackground: true });
    const info = spawnSync('pdfinfo', [pdf], { encoding: 'utf8' });
    expect(info.status, info.stderr).to.equal(0);
    const pages = Number(/^Pages:\s+(\d+)/m.exec(info.stdout)?.[1]);
    expect(info.stdout).to.match(/^Page size:\s+59\d(\.\d+)? x 84\d(\.\d+)? pts \(A4\)/m);
    expect(pages).to.be.at.least(2);
    console.log(`      report: ${path.resolve(png)} (${height} px high), ${path.resolve(pdf)} (${pages} A4 pages)`);
    await page.close();
  });
});
