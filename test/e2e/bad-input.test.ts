import { expect } from 'chai';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli } from '../../src/cli/cli.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { captureIo, tempDir } from './e2e-kit.ts';

const DEFINE = path.resolve('src/drill/define-drill.ts');

/** A drill file body with one part replaced, written where the CLI can load it. */
function drillSource(overrides: Record<string, string>): string {
  const parts: Record<string, string> = {
    name: `'bad-drill'`,
    service: `'api'`,
    load: `{ rate: 10 }`,
    phases: `{ baseline: '1s', recovery: '1s', settle: '1s' }`,
    faults: `[{ injector: 'lambda-throttle', target: { region: 'primary' } }]`,
    assertions: `[{ assertion: 'dns-convergence', within: '5s' }]`,
    ...overrides,
  };
  const fields = Object.entries(parts).map(([key, value]) => `  ${key}: ${value},`).join('\n');
  return `import { defineDrill } from ${JSON.stringify(DEFINE)};\nexport const drill = defineDrill({\n${fields}\n} as never);\n`;
}

const CASES: readonly { readonly title: string; readonly overrides: Record<string, string>; readonly problem: RegExp }[] = [
  { title: 'a missing fault target', overrides: { faults: `[{ injector: 'lambda-throttle' }]` }, problem: /faults\[0\]\.target: required/ },
  { title: 'a duration of "5 parsecs"', overrides: { phases: `{ baseline: '5 parsecs', recovery: '1s', settle: '1s' }` }, problem: /phases\.baseline: expected a duration .* got "5 parsecs"/ },
  { title: 'an unknown injector', overrides: { faults: `[{ injector: 'lambda-explode', target: { region: 'primary' } }]` }, problem: /faults\[0\]\.injector: .*lambda-throttle/ },
  { title: 'a negative rate', overrides: { load: `{ rate: -5 }` }, problem: /load\.rate: expected a rate above 0/ },
];

describe('bad input', function () {
  this.timeout(30_000);
  let sandbox: Sandbox;
  let dir: string;

  before(async () => {
    sandbox = await startSandbox();
    dir = await tempDir('bad-input');
    await mkdir(dir, { recursive: true });
  });
  after(async () => {
    await sandbox.close();
    await rm(dir, { recursive: true, force: true });
  });

  for (const { title, overrides, problem } of CASES) {
    it(`exits 2 on ${title}, naming the field, with no mutating call`, async () => {
      const file = path.join(dir, `${title.replace(/\W+/g, '-')}.drill.ts`);
      await writeFile(file, drillSource(overrides));
      const io = captureIo();
      const code = await runCli(['run', file, '--sandbox-url', sandbox.description.controlPlaneUrl, '--state-dir', dir, '--out', dir], io);
      expect(code, io.text()).to.equal(2);
      expect(io.text()).to.match(problem);
      expect(io.text()).to.include('nothing was changed');
      expect(sandbox.calls().filter((call) => call.mutating)).to.deep.equal([]);
    });
  }

  it('exits 2 when the drill names a service the environment does not have, with no mutating call', async () => {
    const io = captureIo();
    const code = await runCli(
      ['run', 'test/fixtures/drills/unknown-service.drill.ts', '--sandbox-url', sandbox.description.controlPlaneUrl, '--state-dir', dir, '--out', dir],
      io,
    );
    expect(code, io.text()).to.equal(2);
    expect(io.text()).to.match(/service: "payments" is not defined in environment "sandbox" \(it defines: api(, \w+)*\)/);
    expect(sandbox.calls().filter((call) => call.mutating)).to.deep.equal([]);
  });

  it('exits 2 for a drill file that does not exist', async () => {
    const io = captureIo();
    expect(await runCli(['run', 'drills/nope.drill.ts'], io)).to.equal(2);
    expect(io.text()).to.match(/drills\/nope\.drill\.ts is invalid:\n  - file not found/);
  });

  it('exits 2 for an unknown flag', async () => {
    const io = captureIo();
    expect(await runCli(['run', '--frobnicate'], io)).to.equal(2);
    expect(io.text()).to.include("Unknown option '--frobnicate'");
  });
});
