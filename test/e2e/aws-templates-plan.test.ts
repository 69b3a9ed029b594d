import { expect } from 'chai';
import { access, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli } from '../../src/cli/cli.ts';
import { loadDrill, loadEnvironment } from '../../src/drill/load-drill.ts';
import { drillReferenceProblems } from '../../src/runner/drill-references.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { loadTopology } from '../../src/sandbox/topology/load-topology.ts';
import { sandboxEnvironmentInput } from '../support/sandbox-environment-input.ts';
import { captureIo, tempDir } from './e2e-kit.ts';

/**
 * Every AWS template in drills/aws/ plans against the sandbox, read-only.
 *
 * The convention a template follows so this test can point it at the sandbox: its environment is a
 * real account's, so the template names the sandbox topology it matches with
 * `sandbox: { topology: '../topologies/<name>.ts' }` (ignored by every environment but the embedded
 * sandbox), or nothing for the default two-region topology. Its services, regions (by role or by
 * name) and faults must be ones that topology has: the test starts a sandbox from it, writes that
 * sandbox's environment as an environment file (the ids a person would copy from
 * `drdrill sandbox up`) and runs `drdrill plan <template> --env <that file>`. The plan must succeed,
 * list every change, and the sandbox's call log must hold reads only (its `mutating` flag: anything
 * but Get/List/Describe).
 *
 * A template's commented environment for a real account, when it ships one, is
 * `drills/environments/<template file name without .drill.ts>.example.ts`: it must load, and every
 * service, region and resource the template names must be in it.
 */
describe('every AWS template plans against the sandbox', function () {
  this.timeout(120_000);
  let dir: string;
  before(async () => {
    dir = await tempDir('aws-templates-plan');
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads each template’s example environment, with everything the template names in it', async () => {
    const files = (await readdir('drills/aws')).filter((name) => name.endsWith('.drill.ts')).sort();
    let examples = 0;
    for (const name of files) {
      const example = path.join('drills/environments', name.replace(/\.drill\.ts$/, '.example.ts'));
      if (!(await access(example).then(() => true, () => false))) continue;
      examples++;
      const { drill } = await loadDrill(path.join('drills/aws', name));
      const environment = await loadEnvironment(example);
      expect(environment.kind, example).to.equal('aws');
      expect(drillReferenceProblems(drill, environment), example).to.deep.equal([]);
    }
    expect(examples, 'templates with an example environment').to.be.at.least(1);
  });

  it('plans each drills/aws template through an environment pointed at the sandbox, with no mutating call', async () => {
    const files = (await readdir('drills/aws')).filter((name) => name.endsWith('.drill.ts')).sort();
    expect(files, 'drills/aws holds templates').to.include('primary-lambda-throttle.drill.ts');
    for (const name of files) {
      const file = path.join('drills/aws', name);
      const { drill } = await loadDrill(file);
      const topologyFile = drill.sandbox === undefined ? undefined : path.resolve(path.dirname(file), drill.sandbox.topology);
      const topology = topologyFile === undefined ? undefined : (await loadTopology(topologyFile)).topology;
      const sandbox: Sandbox = await startSandbox(topology === undefined ? {} : { topology });
      try {
        const environmentFile = path.join(dir, `${name.replace(/\.drill\.ts$/, '')}.env.ts`);
        const environment = { ...sandboxEnvironmentInput(sandbox), name: `sandbox-for-${drill.name}` };
        await writeFile(
          environmentFile,
          `import { defineEnvironment } from ${JSON.stringify(path.resolve('src/drill/environment.ts'))};\nexport const environment = defineEnvironment(${JSON.stringify(environment)} as never);\n`,
        );
        const io = captureIo();
        const code = await runCli(['plan', file, '--env', environmentFile], io);
        expect(code, `${name}: ${io.text()}`).to.equal(0);
        expect(io.text(), name).to.match(/would change:\n(  .+: .+ → .+\n?)+$/);
        const changes = io.lines.filter((line) => line.startsWith('  ')).length;
        expect(changes, `${name}: one line per target of every fault`).to.be.at.least(drill.faults.length);
        const calls = sandbox.calls();
        expect(calls.length, `${name}: plan read its targets live`).to.be.at.least(drill.faults.length);
        expect(
          calls.filter((call) => call.mutating).map((call) => `${call.service} ${call.operation}`),
          `${name}: mutating calls`,
        ).to.deep.equal([]);
        expect(calls.filter((call) => !/^(Get|List|Describe)/.test(call.operation)).map((call) => call.operation), `${name}: calls that are not reads`).to.deep.equal([]);
      } finally {
        await sandbox.close();
      }
    }
  });
});
