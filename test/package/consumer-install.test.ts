import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { CI_EXAMPLES, exampleCommands, type CiExample } from '../examples/ci-example-commands.ts';
import { installConsumer } from './consumer-project.ts';

const exec = promisify(execFile);
const VERSION = (JSON.parse(await readFile('package.json', 'utf8')) as { version: string }).version;

interface PackedFile {
  readonly path: string;
  readonly size: number;
}
interface PackResult {
  readonly filename: string;
  readonly size: number;
  readonly unpackedSize: number;
  readonly entryCount: number;
  readonly files: readonly PackedFile[];
}

/** Nothing in these may reach the tarball: tests, benchmarks, CI, outputs, journals, user environments, sources. */
const NEVER_PACKED = [/^test\//, /^bench\//, /^\.ci\//, /^reports\//, /^\.drdrill\//, /^drills\/environments\/(?!aws\.example\.ts$)/, /^src\//, /(^|\/)junit\.xml$/, /\.log$/];

/** Every child process stays off the network: npm answers from its cache or fails at once. */
const OFFLINE_ENV = { ...process.env, npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };

async function sh(cwd: string, command: string, env: NodeJS.ProcessEnv = OFFLINE_ENV): Promise<{ stdout: string; stderr: string }> {
  return exec('bash', ['-c', command], { cwd, env, timeout: 180_000, maxBuffer: 16 * 1024 * 1024 });
}

async function runDirs(project: string, drill: string): Promise<string[]> {
  const root = path.join(project, 'reports', drill);
  return (await readdir(root)).map((dir) => path.join(root, dir));
}

describe('the packed tarball in a consumer project', function () {
  this.timeout(900_000);
  let work: string;
  let packed: PackResult;

  before(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'drdrill-consumer-'));
    const started = Date.now();
    const { stdout } = await exec('npm', ['pack', '--json', '--pack-destination', work, '--loglevel=error'], { env: OFFLINE_ENV, timeout: 300_000, maxBuffer: 16 * 1024 * 1024 });
    // prepack's build output comes first; the JSON array is the last thing npm prints.
    const [result] = JSON.parse(stdout.slice(stdout.lastIndexOf('\n[') + 1)) as PackResult[];
    if (result === undefined) throw new Error(`npm pack printed no result: ${stdout}`);
    packed = result;
    console.log(`      packed ${packed.filename}: ${packed.entryCount} files, ${packed.size} bytes (${packed.unpackedSize} unpacked) in ${Date.now() - started} ms`);
  });

  after(async () => {
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  it('holds the compiled library, the CLI and the shipped templates, and no test, bench, CI, report, journal or user environment file', () => {
    const paths = packed.files.map((file) => file.path);
    expect(paths.filter((p) => NEVER_PACKED.some((pattern) => pattern.test(p)))).to.deep.equal([]);
    expect(paths).to.include.members([
      'package.json',
      'bin/drdrill.js',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/cli/main.js',
      'k6/drill-load.ts',
      'runbooks/drdrill-TimedRevert.yaml',
      'drills/sandbox/primary-lambda-throttle.drill.ts',
      'drills/environments/aws.example.ts',
      ...Object.values(CI_EXAMPLES).map((example) => example.shipped),
    ]);
  });

  for (const moduleType of ['module', undefined] as const) {
    const label = moduleType === undefined ? 'npm\'s default (commonjs)' : '"type": "module"';
    const examples: readonly CiExample[] = moduleType === undefined ? ['gitlab'] : ['github', 'jenkins'];

    describe(`a project with ${label}`, () => {
      let project: string;

      before(async () => {
        project = path.join(work, moduleType ?? 'commonjs');
        await mkdir(project);
        const started = Date.now();
        await installConsumer(project, path.join(work, packed.filename), moduleType);
        console.log(`      installed offline in ${Date.now() - started} ms`);
      });

      it('npx drdrill --version prints the packed version', async () => {
        expect((await sh(project, 'npx drdrill --version')).stdout.trim()).to.equal(VERSION);
      });

      it('npx drdrill init scaffolds a drill importing from drdrill, and npx tsc --noEmit passes on it', async () => {
        const init = await sh(project, 'npx drdrill init');
        expect(init.stdout).to.include('drills/sandbox/primary-lambda-throttle.drill.ts');
        const drill = await readFile(path.join(project, 'drills/sandbox/primary-lambda-throttle.drill.ts'), 'utf8');
        expect(drill).to.include("import { defineDrill } from 'drdrill';");
        await sh(project, 'npx tsc --noEmit');
      });

      // Once is enough: in commonjs the passing typecheck above already needs the package's declarations.
      if (moduleType === 'module') it('npx tsc --noEmit fails on a drill with a mistyped field, so the types come from the package', async () => {
        const bad = path.join(project, 'drills', 'mistyped.drill.ts');
        await writeFile(bad, "import { defineDrill } from 'drdrill';\nexport const drill = defineDrill({ name: 'x', service: 'api', load: { rate: 'fast' }, faults: [], assertions: [] });\n");
        try {
          const failure = await sh(project, 'npx tsc --noEmit').then(
            () => undefined,
            (error: { stdout: string }) => error.stdout,
          );
          expect(failure).to.match(/mistyped\.drill\.ts\(2,\d+\): error TS2322/);
        } finally {
          await rm(bad);
        }
      });

      for (const example of examples) {
        it(`${example}: the example's drdrill commands pass against the sandbox and write the reports`, async () => {
          const { variables, commands } = await exampleCommands(example, path.join(project, CI_EXAMPLES[example].scaffolded));
          const summary = path.join(project, `step-summary-${example}.md`);
          const before = await runDirs(project, 'primary-lambda-throttle').catch((): string[] => []);
          const env = { ...OFFLINE_ENV, ...variables, DRDRILL_ENV: 'sandbox', GITHUB_STEP_SUMMARY: summary };
          for (const command of commands) await sh(project, command, env);
          const added = (await runDirs(project, 'primary-lambda-throttle')).filter((dir) => !before.includes(dir));
          expect(added).to.have.length(1);
          const files = await readdir(added[0] ?? '');
          expect(files).to.include.members(['run.json', 'junit.xml', 'index.html', 'summary.md', 'manifest.sha256']);
          const record = JSON.parse(await readFile(path.join(added[0] ?? '', 'run.json'), 'utf8')) as { exitCode: number };
          expect(record.exitCode).to.equal(0);
          if (example === 'github') expect(await readFile(summary, 'utf8')).to.include('primary-lambda-throttle');
        });
      }
    });
  }
});
