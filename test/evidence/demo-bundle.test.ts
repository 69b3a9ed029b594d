import { expect } from 'chai';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { runCli } from '../../src/cli/cli.ts';
import { verifyCommand } from '../../src/cli/verify-command.ts';
import { reportCommand } from '../../src/cli/report-command.ts';
import { readRunRecord } from '../../src/reporters/write-run-directory.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { captureIo, onlyRunDir, tempDir } from '../e2e/e2e-kit.ts';
import { chartColours, watchErrors } from '../reporters/browser-kit.ts';
import { launchChromium } from '../reporters/chromium.ts';
import { JUNIT_XSD, xmllintValidate } from '../reporters/xmllint.ts';

const DEMO = 'drills/sandbox/primary-lambda-throttle.drill.ts';
/** Where people look at the demo report; git-ignored with the rest of reports/. */
const SCREENSHOT = 'reports/screenshots/demo-report.png';
const PLANTED = {
  AWS_ACCESS_KEY_ID: 'AKIAPLANTEDKEY000001',
  AWS_SECRET_ACCESS_KEY: 'planted/Secret+Access/Key0123456789abcdefXYZ',
  AWS_SESSION_TOKEN: 'plantedSessionToken//////////wEaCXVzLWVhc3QtMSJHMEUCIQDplanted',
  DRDRILL_TEST_PASSWORD: 'planted-password-4242',
} as const;

/** Every file under `dir`, recursively, decompressing .gz and decoding the attestation's payload, as text. */
async function allText(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const bytes = await readFile(path);
    const text = (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
    // The signed Statement travels base64-encoded: look inside it too.
    const payload = path.endsWith('.intoto.jsonl') ? Buffer.from((JSON.parse(text) as { payload: string }).payload, 'base64').toString('utf8') : '';
    out.set(path, `${text}\n${payload}`);
  }
  return out;
}

describe('the demo drill leaves a verifiable evidence bundle with no secret in it', function () {
  this.timeout(120_000);
  let sandbox: Sandbox | undefined;
  let out: string | undefined;
  let stateDir: string | undefined;
  let runDir: string;
  let exitCode: number;
  const saved: Record<string, string | undefined> = {};
  const io = captureIo();
  /** The sandbox that signed is the one whose KMS key is trusted. */
  const trust = () => ({ env: 'sandbox', sandboxUrl: sandbox?.description.controlPlaneUrl ?? '', stateDir: stateDir ?? '' });

  before(async () => {
    for (const [name, value] of Object.entries(PLANTED)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
    sandbox = await startSandbox();
    out = await tempDir('bundle-out');
    stateDir = await tempDir('bundle-state');
    exitCode = await runCli(['run', DEMO, '--sandbox-url', sandbox.description.controlPlaneUrl, '--out', out, '--state-dir', stateDir], io);
    runDir = await onlyRunDir(out, 'primary-lambda-throttle');
  });
  after(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await sandbox?.close();
    for (const dir of [out, stateDir]) if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('runs the demo and writes the bundle: run.json, samples, reports, summary, manifest and signed attestation', async () => {
    expect(exitCode, io.text()).to.equal(0);
    expect((await readdir(runDir)).sort()).to.deep.equal(['attestation.intoto.jsonl', 'index.html', 'junit.xml', 'manifest.sha256', 'run.json', 'samples.csv.gz', 'summary.md']);
    const record = await readRunRecord(runDir);
    expect(record.faults.flatMap((event) => event.requestIds)).to.have.length.greaterThan(0);
  });

  it('writes no planted credential into any file or onto the console', async () => {
    const files = await allText(out ?? '.');
    expect(files.size).to.be.at.least(6);
    for (const [path, text] of [...files, ['console', io.text()] as const]) {
      for (const [name, value] of Object.entries(PLANTED)) {
        expect(text.includes(value), `${name} found in ${path}`).to.equal(false);
      }
    }
  });

  it('passes drdrill verify, and fails it naming the file once one byte changes', async () => {
    const ok = captureIo();
    expect(await verifyCommand(runDir, trust(), ok), ok.text()).to.equal(0);
    const path = join(runDir, 'samples.csv.gz');
    const bytes = await readFile(path);
    bytes[bytes.length - 5] = (bytes[bytes.length - 5] ?? 0) ^ 0x80;
    await writeFile(path, bytes);
    const bad = captureIo();
    expect(await verifyCommand(runDir, trust(), bad)).to.equal(1);
    expect(bad.text()).to.contain('changed: samples.csv.gz');
    bytes[bytes.length - 5] = (bytes[bytes.length - 5] ?? 0) ^ 0x80;
    await writeFile(path, bytes);
  });

  it('writes JUnit that validates against junit-10.xsd, with the drill metadata as properties', async () => {
    const xml = await readFile(join(runDir, 'junit.xml'), 'utf8');
    const result = xmllintValidate(xml, JUNIT_XSD);
    expect(result.valid, result.output).to.equal(true);
    for (const property of ['environment.name', 'environment.regions', 'injectors', 'engine', 'run.id']) {
      expect(xml).to.contain(`<property name="${property}" value=`);
    }
  });

  it('re-renders the same report from a verified run.json, re-signs it with the same KMS key, and stays verifiable', async () => {
    const before = await readFile(join(runDir, 'index.html'), 'utf8');
    const rerender = captureIo();
    expect(await reportCommand(runDir, trust(), rerender), rerender.text()).to.equal(0);
    expect(await readFile(join(runDir, 'index.html'), 'utf8')).to.equal(before);
    expect(await verifyCommand(runDir, trust(), captureIo())).to.equal(0);
  });

  it('renders in Chromium with no console error, draws the timeline, and leaves a screenshot', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.context.newPage();
      const errors = watchErrors(page);
      await page.goto(pathToFileURL(join(runDir, 'index.html')).href);
      await page.waitForSelector('#timeline-figure[data-rendered="4"]', { timeout: 10_000 });
      const colours = await chartColours(page, { inject: '#c53030', rollback: '#2f855a', recovery: '#fff5e6', secondary: '#dd6b20' });
      expect(colours['Traffic']?.['recovery'], 'recovery band').to.be.greaterThan(1000);
      expect(colours['Traffic']?.['rollback'], 'rollback marker').to.be.greaterThan(20);
      expect(colours['DNS answers per resolver · health checks']?.['secondary'], 'DNS lane on us-west-2').to.be.greaterThan(100);
      expect(errors).to.deep.equal([]);
      await mkdir('reports/screenshots', { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      expect((await readFile(SCREENSHOT)).subarray(1, 4).toString()).to.equal('PNG');
    } finally {
      await browser.close();
    }
  });
});
