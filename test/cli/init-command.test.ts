import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { initCommand } from '../../src/cli/init-command.ts';
import { writeRunDirectory } from '../../src/reporters/write-run-directory.ts';
import { buildFixtureRunRecord, buildFixtureSamples } from '../reporters/fixture-run-record.ts';
import { captureIo } from '../e2e/e2e-kit.ts';

const exec = promisify(execFile);
const BIN = path.resolve('bin/drdrill.js');

const SCAFFOLDED = [
  'drdrill.config.ts',
  'drills/sandbox/primary-lambda-throttle.drill.ts',
  'drills/aws/primary-lambda-throttle.drill.ts',
  'drills/environments/aws.example.ts',
  '.github/workflows/drdrill.yml',
  'ci/gitlab-ci.yml',
  'ci/Jenkinsfile',
];

/** Copies of files this repository ships and tests: what users start from is what runs here. */
const COPIED_FROM: Readonly<Record<string, string>> = {
  'drills/sandbox/primary-lambda-throttle.drill.ts': 'drills/sandbox/primary-lambda-throttle.drill.ts',
  'drills/aws/primary-lambda-throttle.drill.ts': 'drills/aws/primary-lambda-throttle.drill.ts',
  'drills/environments/aws.example.ts': 'drills/environments/aws.example.ts',
  '.github/workflows/drdrill.yml': 'examples/ci/github-actions.yml',
  'ci/gitlab-ci.yml': 'examples/ci/gitlab-ci.yml',
  'ci/Jenkinsfile': 'examples/ci/Jenkinsfile',
};

/** Every file under `dir` with its content. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files: Record<string, string> = {};
  for (const entry of entries.filter((e) => e.isFile())) {
    const file = path.join(entry.parentPath, entry.name);
    files[path.relative(dir, file)] = await readFile(file, 'utf8');
  }
  return files;
}

describe('drdrill init', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'drdrill-init-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('scaffolds the config, the drills, the AWS template, CI examples, a tsconfig and the ignore lines', async () => {
    const io = captureIo();
    expect(await initCommand({ dir }, io)).to.equal(0);
    const files = await snapshot(dir);
    expect(Object.keys(files)).to.have.members([...SCAFFOLDED, 'tsconfig.json', '.gitignore']);
    for (const [target, source] of Object.entries(COPIED_FROM)) expect(files[target], target).to.equal(await readFile(source, 'utf8'));
    expect(files['drdrill.config.ts']).to.include("import { defineConfig } from 'drdrill';").and.include('defaultEnvironment:');
    expect(files['.gitignore']).to.equal('# drdrill outputs\nreports/\n.drdrill/\n');
    expect(io.text()).to.include('drills/sandbox/primary-lambda-throttle.drill.ts');
  });

  it('never overwrites: a second init names every existing file, exits 2 and changes nothing', async () => {
    await initCommand({ dir }, captureIo());
    await writeFile(path.join(dir, 'drdrill.config.ts'), '// mine\n');
    const before = await snapshot(dir);
    const io = captureIo();
    expect(await initCommand({ dir }, io)).to.equal(2);
    for (const file of SCAFFOLDED) expect(io.text()).to.include(`  ${file}`);
    expect(io.text()).to.include('nothing was written');
    expect(await snapshot(dir)).to.deep.equal(before);
  });

  it('one existing file is enough to write nothing at all', async () => {
    await mkdir(path.join(dir, 'ci'));
    await writeFile(path.join(dir, 'ci', 'Jenkinsfile'), 'pipeline {}\n');
    const io = captureIo();
    expect(await initCommand({ dir }, io)).to.equal(2);
    expect(io.text()).to.include('  ci/Jenkinsfile').and.not.include('drdrill.config.ts');
    expect(Object.keys(await snapshot(dir))).to.deep.equal(['ci/Jenkinsfile']);
  });

  it('keeps an existing tsconfig.json and adds only the .gitignore lines that are missing', async () => {
    await writeFile(path.join(dir, 'tsconfig.json'), '{ "compilerOptions": {} }\n');
    await writeFile(path.join(dir, '.gitignore'), 'node_modules/\nreports\n');
    expect(await initCommand({ dir }, captureIo())).to.equal(0);
    expect(await readFile(path.join(dir, 'tsconfig.json'), 'utf8')).to.equal('{ "compilerOptions": {} }\n');
    expect(await readFile(path.join(dir, '.gitignore'), 'utf8')).to.equal('node_modules/\nreports\n# drdrill outputs\n.drdrill/\n');
  });
});

describe('drdrill.config.ts', function () {
  this.timeout(60_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'drdrill-config-'));
    await mkdir(path.join(dir, 'my-drills'));
    await writeFile(
      path.join(dir, 'my-drills', 'tiny.drill.ts'),
      `export const drill = ${JSON.stringify({ name: 'tiny', service: 'api', load: { rate: 1 }, phases: { baseline: '1s', recovery: '1s', settle: '1s' }, faults: [{ injector: 'lambda-throttle', target: { region: 'primary' } }], assertions: [{ assertion: 'dns-convergence', within: '5s' }] })};\n`,
    );
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function drdrill(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return exec(process.execPath, [BIN, ...args], { cwd: dir, timeout: 30_000 }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
  }

  it('the CLI reads its folders from it: list defaults to the config\'s drills folder', async () => {
    await writeFile(path.join(dir, 'drdrill.config.ts'), "export const config = { drills: 'my-drills' };\n");
    const { code, stdout } = await drdrill(['list']);
    expect(code).to.equal(0);
    expect(stdout).to.include(path.join('my-drills', 'tiny.drill.ts')).and.include('tiny — lambda-throttle');
  });

  it('a bad field exits 2 naming the field, the value and what was expected', async () => {
    await writeFile(path.join(dir, 'drdrill.config.ts'), "export const config = { reporters: ['pdf'] };\n");
    const { code, stderr } = await drdrill(['list']);
    expect(code).to.equal(2);
    expect(stderr).to.include('drdrill.config.ts is invalid').and.include('reporters[0]: expected one of html, junit, markdown, samples, got "pdf"');
  });

  it('its reporters choose the report files; run.json and the manifest are always written', async () => {
    const samples = buildFixtureSamples();
    const out = path.join(dir, 'reports', 'run');
    const { files } = await writeRunDirectory(out, buildFixtureRunRecord({}, samples), samples, { reporters: ['junit'] });
    expect(files.map((file) => path.basename(file))).to.deep.equal(['run.json', 'junit.xml', 'manifest.sha256']);
    expect((await readdir(out)).sort()).to.deep.equal(['junit.xml', 'manifest.sha256', 'run.json']);
  });
});
