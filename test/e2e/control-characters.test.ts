import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { renderMarkdownSummary } from '../../src/reporters/markdown-summary.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { buildFixtureRunRecord } from '../reporters/fixture-run-record.ts';
import { tempDir } from './e2e-kit.ts';
import { DRDRILL } from './process-kit.ts';

const DEFINE = path.resolve('src/drill/define-drill.ts');
/** Retitles the window, clears the screen, turns text red, rings the bell, rewrites the line. */
const HOSTILE = '\u001b]0;pwned\u0007\u001b[2J\u001b[31m\rx\u009b1m';
/** Anything a terminal would act on, other than the line feeds drdrill means. */
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

function drillSource(description: string, service: string): string {
  return (
    `import { defineDrill } from ${JSON.stringify(DEFINE)};\n` +
    `export const drill = defineDrill({ name: 'hostile-strings', description: ${JSON.stringify(description)}, service: ${JSON.stringify(service)}, ` +
    `load: { rate: 5 }, phases: { baseline: '1s', recovery: '1s', settle: '1s' }, ` +
    `faults: [{ injector: 'lambda-throttle', target: { region: 'primary' } }], assertions: [{ assertion: 'dns-convergence', within: '5s' }] });\n`
  );
}

async function drdrill(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [...DRDRILL, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stdout, stderr };
}

describe('control characters in a drill’s strings', function () {
  this.timeout(60_000);
  let dir: string;
  let sandbox: Sandbox;

  before(async () => {
    dir = await tempDir('hostile');
    // Drill files outside the project are ES modules only by their folder's say-so.
    await writeFile(path.join(dir, 'package.json'), '{"type":"module"}\n');
    sandbox = await startSandbox();
  });
  after(async () => {
    await sandbox.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('reach the terminal escaped in drdrill list', async () => {
    await writeFile(path.join(dir, 'hostile.drill.ts'), drillSource(`before${HOSTILE}after`, 'api'));
    const { code, stdout, stderr } = await drdrill(['list', dir]);
    expect(code, stderr).to.equal(0);
    expect(stdout).not.to.match(RAW_CONTROL);
    expect(stdout).to.include('before\\x1b]0;pwned\\x07\\x1b[2J\\x1b[31m\\rx\\x9b1mafter');
  });

  it('reach the terminal escaped in a bad-input message naming the service', async () => {
    const file = path.join(dir, 'bad-service.drill.ts');
    await writeFile(file, drillSource('', `api${HOSTILE}`));
    const { code, stdout, stderr } = await drdrill(['run', file, '--sandbox-url', sandbox.description.controlPlaneUrl, '--state-dir', dir, '--out', dir]);
    expect(code, stderr).to.equal(2);
    expect(stdout + stderr).not.to.match(RAW_CONTROL);
    expect(stderr).to.include('"api\\x1b]0;pwned');
  });

  it('are escaped in summary.md, code spans included', async () => {
    const record = buildFixtureRunRecord({ environment: { ...buildFixtureRunRecord().environment, name: `prod${HOSTILE}` }, reason: `failed${HOSTILE}` });
    const markdown = renderMarkdownSummary({ ...record, runId: `run${HOSTILE}` });
    expect(markdown).not.to.match(RAW_CONTROL);
    expect(markdown).to.include('run\\x1b]0;pwned');
    expect(markdown).to.include('prod\\\\x1b\\]0;pwned');
    // The written file is what a CI step summary or `cat` shows.
    await writeFile(path.join(dir, 'summary.md'), markdown);
    expect(await readFile(path.join(dir, 'summary.md'), 'utf8')).not.to.match(RAW_CONTROL);
  });
});
