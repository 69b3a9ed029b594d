import { expect } from 'chai';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli } from '../../src/cli/cli.ts';
import { captureIo, tempDir } from '../e2e/e2e-kit.ts';

/**
 * Which sandbox a drill gets: the drill's `sandbox.topology`, or an environment file naming a
 * topology of the user's own, starts the embedded sandbox from that file. Read-only: `plan`.
 */
describe('starting the embedded sandbox from a topology file', function () {
  this.timeout(60_000);
  let dir: string;
  before(async () => {
    dir = await tempDir('topology-env');
  });
  after(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('plans a drill on the topology it names, with no --env', async () => {
    const io = captureIo();
    const code = await runCli(['plan', 'drills/sandbox/cascade-four-regions.drill.ts'], io);
    expect(code, io.text()).to.equal(0);
    expect(io.text()).to.match(/lambda eu-central-1 api-handler: ReservedConcurrentExecutions unreserved → 0/);
    expect(io.text()).to.match(/lambda eu-west-1 api-handler: ReservedConcurrentExecutions unreserved → 0/);
  });

  it('starts an environment file of kind sandbox from its topology, relative to the file', async () => {
    const file = path.join(dir, 'my-system.ts');
    await writeFile(file, `export const environment = ${JSON.stringify({ name: 'my-system', kind: 'sandbox', topology: path.relative(dir, path.resolve('drills/topologies/cascade-four-regions.ts')) })};\n`);
    const io = captureIo();
    const code = await runCli(['plan', 'drills/sandbox/cascade-four-regions.drill.ts', '--env', file], io);
    expect(code, io.text()).to.equal(0);
    expect(io.text()).to.match(/on my-system \(sandbox, account 111122223333\) would change/);
    expect(io.text()).to.match(/lambda eu-west-1 api-handler/);
  });

  it('refuses a topology environment that is not the sandbox, and a bad topology file, naming the field', async () => {
    const aws = path.join(dir, 'aws-topology.ts');
    await writeFile(aws, `export const environment = ${JSON.stringify({ name: 'prod', kind: 'aws', topology: './t.ts' })};\n`);
    let io = captureIo();
    expect(await runCli(['plan', 'drills/sandbox/primary-lambda-throttle.drill.ts', '--env', aws], io)).to.equal(2);
    expect(io.text()).to.match(/kind: expected "sandbox": only the embedded sandbox starts from a topology file/);

    const topology = path.join(dir, 'bad-topology.ts');
    await writeFile(topology, `export const topology = { accountId: '111122223333', timeScale: 0.1, hostedZone: { id: 'Z1', name: 'x.test' }, regions: [{ name: 'us-east-1', address: '10.0.0.1' }], services: [] };\n`);
    const bad = path.join(dir, 'bad-env.ts');
    await writeFile(bad, `export const environment = ${JSON.stringify({ name: 'bad', kind: 'sandbox', topology: './bad-topology.ts' })};\n`);
    io = captureIo();
    expect(await runCli(['plan', 'drills/sandbox/primary-lambda-throttle.drill.ts', '--env', bad], io)).to.equal(2);
    expect(io.text()).to.match(/bad-topology\.ts is invalid/);
    expect(io.text()).to.match(/topology\.regions\[0\]\.address/);
  });

  it('refuses one run of drills that ask for different topologies, before anything starts', async () => {
    const io = captureIo();
    const code = await runCli(['run', 'drills/sandbox/primary-lambda-throttle.drill.ts', 'drills/sandbox/cascade-four-regions.drill.ts', '--out', dir, '--state-dir', path.join(dir, 'state')], io);
    expect(code, io.text()).to.equal(2);
    expect(io.text()).to.match(/sandbox\.topology: this drill runs on drills\/topologies\/cascade-four-regions\.ts but drills\/sandbox\/primary-lambda-throttle\.drill\.ts on the default topology; one run starts one sandbox, so run them separately/);
  });
});
