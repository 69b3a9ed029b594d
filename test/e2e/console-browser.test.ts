import { expect } from 'chai';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { runCommand } from '../../src/cli/run-command.ts';
import { escapeHtml } from '../../src/reporters/html-escape.ts';
import { readRunRecord } from '../../src/reporters/write-run-directory.ts';
import type { RunRecord } from '../../src/runner/run-record.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { watchErrors } from '../reporters/browser-kit.ts';
import { launchChromium } from '../reporters/chromium.ts';
import { captureIo, onlyRunDir, tempDir } from './e2e-kit.ts';

const FAILBACK = 'test/fixtures/drills/approve-failback.drill.ts';
const LONG_HOLD = 'test/fixtures/drills/long-hold.drill.ts';
const SCREENSHOT = 'reports/screenshots/console.png';
const OPERATOR = 'Dana <facilitator>';
/** Times the Abort button is measured. */
const ABORT_RUNS = 3;

/** What the page's DOM did and when (the page's clock is this machine's clock, as the timeline's). */
interface DomChange {
  readonly what: 'step' | 'fault';
  readonly name: string;
  readonly state: string;
  readonly t: number;
}

/** Records every change of a step's or a fault's state in the page, with the time it happened. */
const WATCH_DOM = `
window.__changes = [];
new MutationObserver(function (records) {
  var t = Date.now();
  records.forEach(function (r) {
    var nodes = r.type === 'attributes' ? [r.target] : Array.prototype.slice.call(r.addedNodes);
    nodes.forEach(function (n) {
      if (!n.dataset) return;
      if (n.dataset.step && n.dataset.state) window.__changes.push({ what: 'step', name: n.dataset.step, state: n.dataset.state, t: t });
      if (n.dataset.fault && n.dataset.state) window.__changes.push({ what: 'fault', name: n.dataset.fault, state: n.dataset.state, t: t });
    });
  });
}).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
`;

/** Counts what the events stream sends, from the moment it connects until the server closes it. */
function countStream(url: string): { result: Promise<{ messages: number; bytes: number; ms: number }> } {
  const started = Date.now();
  const result = new Promise<{ messages: number; bytes: number; ms: number }>((resolve, reject) => {
    const req = request(url, (res) => {
      let bytes = 0;
      let messages = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        messages += chunk.toString().split('\n\n').length - 1;
      });
      res.on('close', () => resolve({ messages, bytes, ms: Date.now() - started }));
    });
    req.on('error', reject);
    req.end();
  });
  return { result };
}

function statusOf(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

describe('the game-day console in Chromium', function () {
  this.timeout(240_000);
  let sandbox: Sandbox;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  const dirs: string[] = [];
  before(async () => {
    browser = await launchChromium({ offline: false });
  });
  after(async () => {
    await browser?.close();
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });
  beforeEach(async () => {
    sandbox = await startSandbox();
  });
  afterEach(async () => {
    await sandbox.close();
  });

  /** Starts `drdrill run --console` in-process; resolves once the console's line is printed. */
  async function runWithConsole(file: string): Promise<{ url: string; out: string; done: Promise<number>; io: ReturnType<typeof captureIo> }> {
    const out = await tempDir('console-out');
    const stateDir = await tempDir('console-state');
    dirs.push(out, stateDir);
    const io = captureIo();
    const done = runCommand({ files: [file], env: 'sandbox', sandboxUrl: sandbox.description.controlPlaneUrl, out, stateDir, console: true, terminal: false }, io);
    const deadline = Date.now() + 20_000;
    for (;;) {
      const lines = io.lines.filter((line) => line.startsWith('console: '));
      if (lines.length > 0) {
        expect(lines, 'exactly one console line').to.have.length(1);
        const url = (lines[0] ?? '').slice('console: '.length);
        expect(url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{22,}$/);
        return { url, out, done, io };
      }
      if (Date.now() > deadline) throw new Error(`no console line within 20 s:\n${io.text()}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async function openConsole(url: string): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.context.newPage();
    const errors = watchErrors(page, new URL(url).origin);
    await page.addInitScript(WATCH_DOM);
    await page.goto(url);
    await page.waitForSelector('#connection.live');
    await page.fill('#operator', OPERATOR);
    return { page, errors };
  }

  /** Each timeline step and fault event after `from`, paired with the page's first showing of it: ms from the event to the DOM. */
  function updateLatencies(record: RunRecord, changes: readonly DomChange[], from: number): number[] {
    const shown = (what: DomChange['what'], name: string, states: readonly string[], at: number): number | undefined =>
      changes.find((change) => change.what === what && change.name === name && states.includes(change.state) && change.t >= at - 5)?.t;
    const pairs: { at: number; shownAt: number | undefined; label: string }[] = [];
    for (const event of record.steps ?? []) {
      if (event.at < from) continue;
      // A step that starts and ends between two looks (an inject, a note) is first shown ended.
      const states = event.kind === 'started' ? ['running', 'passed', 'failed', 'aborted'] : [event.status ?? ''];
      pairs.push({ at: event.at, shownAt: shown('step', event.step, states, event.at), label: `${event.step} ${event.kind}` });
    }
    for (const event of record.faults) {
      if (event.at < from || (event.kind !== 'inject' && event.kind !== 'rollback')) continue;
      const fault = event.fault ?? event.target;
      pairs.push({ at: event.at, shownAt: shown('fault', fault, event.kind === 'inject' ? ['in', 'verified'] : ['out'], event.at), label: `${fault} ${event.kind}` });
    }
    const missing = pairs.filter((pair) => pair.shownAt === undefined).map((pair) => pair.label);
    expect(missing, 'events the page never showed').to.deep.equal([]);
    return pairs.flatMap((pair) => (pair.shownAt === undefined ? [] : [pair.shownAt - pair.at]));
  }

  it('shows the drill live, takes a note and an approval that releases the gate, and refuses anyone without the token', async () => {
    const { url, out, done, io } = await runWithConsole(FAILBACK);
    const base = new URL(url);
    const stream = countStream(`${base.origin}/events?token=${base.searchParams.get('token') ?? ''}`);
    expect(await statusOf(`${base.origin}/`)).to.equal(403);
    expect(await statusOf(`${base.origin}/events?token=wrong`)).to.equal(403);
    expect(await statusOf(`${base.origin}/?token=${(base.searchParams.get('token') ?? '').slice(1)}`)).to.equal(403);

    const { page, errors } = await openConsole(url);
    const openedAt = Date.now();
    await page.waitForSelector('#approval:not([hidden])', { timeout: 30_000 });
    expect(await page.textContent('#approval-question')).to.equal('Fail back to the primary?');
    // The fault is in and traffic has moved while the question waits: the page says both.
    await page.waitForSelector('#faults tr[data-state="verified"], #faults tr[data-state="in"]');
    await page.fill('#note', 'action: the room saw 5xx for ~3 s <before> the DNS switch');
    await page.click('#add-note');
    await page.locator('#log', { hasText: 'action: the room saw 5xx' }).waitFor();
    // The drill's and the room's text is shown as text: no element was made from it.
    expect(await page.$$('#log before')).to.have.length(0);
    // Closing and reopening the page replays the whole state.
    const beforeReload = (await page.evaluate('window.__changes')) as DomChange[];
    await page.reload();
    await page.waitForSelector('#connection.live');
    await page.waitForSelector('#approval:not([hidden])');
    expect(await page.textContent('#log')).to.include('action: the room saw 5xx for ~3 s <before> the DNS switch');
    expect(await page.inputValue('#operator'), 'the operator name is remembered').to.equal(OPERATOR);
    expect(await page.$$eval('#steps tr[data-state="passed"]', (rows) => rows.map((row) => row.getAttribute('data-step')))).to.deep.equal(['baseline', 'inject-2', 'moved']);
    await mkdir(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    console.log(`      console screenshot: ${path.resolve(SCREENSHOT)}`);
    const clickedAt = Date.now();
    await page.click('#approve');
    const code = await done;
    expect(code, io.text()).to.equal(0);

    const dir = await onlyRunDir(out, 'approve-failback');
    const record = await readRunRecord(dir);
    const [approval] = record.approvals ?? [];
    expect(approval).to.deep.include({ step: 'fail-back', approved: true, via: 'console', operator: OPERATOR });
    expect((approval?.at ?? 0) - clickedAt, 'the gate opened on the click').to.be.within(0, 2000);
    // Ground truth: the sandbox restored the function only after the approval.
    const restored = sandbox.events().find((e) => e.type === 'function-concurrency' && e.reservedConcurrency === null);
    expect(restored?.at ?? 0).to.be.greaterThan(approval?.at ?? Number.POSITIVE_INFINITY);
    const note = record.notes?.find((each) => each.text.startsWith('action: the room saw'));
    expect(note).to.deep.include({ operator: OPERATOR, step: 'fail-back', text: 'action: the room saw 5xx for ~3 s <before> the DNS switch' });
    const html = await readFile(path.join(dir, 'index.html'), 'utf8');
    expect(html).to.include(escapeHtml('action: the room saw 5xx for ~3 s <before> the DNS switch'));
    expect(html).to.include(escapeHtml(OPERATOR));

    const changes = [...beforeReload, ...((await page.evaluate('window.__changes')) as DomChange[])];
    const latencies = updateLatencies(record, changes, openedAt);
    expect(latencies.length).to.be.at.least(4);
    const p50 = percentile(latencies, 50);
    const max = Math.max(...latencies);
    console.log(`      page update latency (timeline event → DOM) over ${latencies.length} events: p50 ${p50} ms, max ${max} ms`);
    expect(max, 'every event on the page within 2 s').to.be.below(2000);
    // The page shows the end, then the server closes the stream.
    await page.waitForSelector('#status.passed');
    const sent = await stream.result;
    console.log(`      events stream: ${sent.messages} messages, ${sent.bytes} bytes in ${(sent.ms / 1000).toFixed(1)} s = ${(sent.bytes / (sent.ms / 1000) / 1024).toFixed(1)} KiB/s, ${(sent.messages / (sent.ms / 1000)).toFixed(1)} messages/s`);
    expect(errors).to.deep.equal([]);
    await page.close();
  });

  it('aborts from the page and the sandbox has the fault reverted within 2 s, every time', async () => {
    const measured: number[] = [];
    for (let run = 0; run < ABORT_RUNS; run++) {
      const { url, out, done, io } = await runWithConsole(LONG_HOLD);
      const { page, errors } = await openConsole(url);
      await page.waitForSelector('#faults tr[data-state="verified"]', { timeout: 30_000 });
      await page.waitForSelector('#steps tr[data-state="running"][data-step="recovery"]');
      if (run === 0) {
        // Hold: the facilitator buys the room more time on the running hold.
        await page.click('#hold-30');
        await page.locator('#message', { hasText: 'extended by 30 s' }).waitFor();
      }
      await page.click('#abort');
      expect(await page.textContent('#abort')).to.equal('Click again to abort');
      const clickedAt = Date.now();
      await page.click('#abort');
      const code = await done;
      expect(code, io.text()).to.equal(3);
      // Ground truth: when the sandbox's function got its concurrency back.
      const reverted = sandbox.events().find((e) => e.type === 'function-concurrency' && e.reservedConcurrency === null && e.at >= clickedAt);
      expect(reverted, 'the sandbox saw the fault reverted').to.not.equal(undefined);
      measured.push((reverted?.at ?? 0) - clickedAt);
      const record = await readRunRecord(await onlyRunDir(out, 'long-hold'));
      expect(record.outcome).to.equal('aborted');
      expect(record.reason).to.equal(`aborted: aborted from the console by ${OPERATOR}`);
      const notes = record.notes?.map((note) => `${note.operator}: ${note.text}`) ?? [];
      expect(notes).to.include(`${OPERATOR}: aborted the drill from the console`);
      if (run === 0) expect(notes).to.include(`${OPERATOR}: extended step recovery by 30 s`);
      await page.waitForSelector('#status.aborted');
      expect(errors).to.deep.equal([]);
      await page.close();
      await sandbox.close();
      sandbox = await startSandbox();
    }
    console.log(`      abort click → fault reverted in the sandbox: ${measured.map((ms) => `${ms} ms`).join(', ')}`);
    for (const ms of measured) expect(ms).to.be.below(2000);
  });
});
