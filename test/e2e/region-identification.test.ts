import { expect } from 'chai';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { runCli } from '../../src/cli/cli.ts';
import type { RunRecord } from '../../src/runner/run-record.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { sandboxEnvironmentInput } from '../support/sandbox-environment-input.ts';
import { captureIo, tempDir } from './e2e-kit.ts';

/** Addresses no default sandbox region, edge or resolver client uses. */
const MOVED = { 'us-east-1': '127.0.0.102', 'us-west-2': '127.0.0.103' } as const;

/**
 * Regions told apart by what DNS answers, with no `addresses` in the environment: the drill reads
 * answers by resolving each region's regional endpoint names through the sandbox DNS. Ground truth
 * is the sandbox's own record of where each region's endpoint is.
 */
describe('regions identified from DNS answers, not from fixed addresses', function () {
  this.timeout(120_000);
  let sandbox: Sandbox;
  let dir: string;

  before(async () => {
    sandbox = await startSandbox();
    dir = await tempDir('identification');
    const base = sandboxEnvironmentInput(sandbox);
    // Every service without the pinned addresses: only regionalEndpoints are left to go by.
    const services = Object.fromEntries(Object.entries(base.services).map(([name, { addresses: _pinned, ...service }]) => [name, service]));
    await writeFile(
      path.join(dir, 'env.ts'),
      `import { defineEnvironment } from ${JSON.stringify(path.resolve('src/drill/environment.ts'))};\nexport const environment = defineEnvironment(${JSON.stringify({ ...base, name: 'no-addresses', services })} as never);\n`,
    );
  });
  after(async () => {
    await sandbox?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  async function run(drill: string, out: string): Promise<{ code: number; text: string; record: RunRecord }> {
    const io = captureIo();
    const code = await runCli(['run', drill, '--env', path.join(dir, 'env.ts'), '--out', path.join(dir, out), '--state-dir', path.join(dir, `state-${out}`)], io);
    const drillDir = path.join(dir, out, path.basename(drill, '.drill.ts'));
    const [runId] = await readdir(drillDir);
    const record = JSON.parse(await readFile(path.join(drillDir, runId ?? '', 'run.json'), 'utf8')) as RunRecord;
    return { code, text: io.text(), record };
  }

  it('passes the demo drill with the same verdicts, every answer read as its region', async () => {
    const { code, text, record } = await run('drills/sandbox/primary-lambda-throttle.drill.ts', 'demo');
    expect(code, text).to.equal(0);
    expect(record.regionsByAddress).to.deep.equal({});
    // The six assertions and the two until steps (each judged as a verdict of its own).
    expect(record.verdicts.map((verdict) => verdict.status)).to.deep.equal(Array.from({ length: 8 }, () => 'passed'));
    expect(record.verdicts.filter((verdict) => verdict.assertion === 'until').map((verdict) => verdict.name.split(':')[0])).to.deep.equal(['step failed-over', 'step failed-back']);
    const answered = record.dns.filter((observation) => observation.addresses.length > 0);
    expect(answered.length).to.be.greaterThan(20);
    expect(answered.every((observation) => (observation.regions ?? []).length === 1 && (observation.unidentified ?? []).length === 0)).to.equal(true);
    expect(new Set(answered.flatMap((observation) => observation.regions ?? []))).to.deep.equal(new Set(['us-east-1', 'us-west-2']));
  });

  it('follows a region whose address changes mid-drill (alias answers carry only the address)', async () => {
    // service1's failover records are aliases: an answer is an address with no CNAME naming its region.
    const drill = run('drills/sandbox/routing-control-failover.drill.ts', 'moved');
    await delay(1000);
    await sandbox.moveRegion('us-east-1', MOVED['us-east-1']);
    await sandbox.moveRegion('us-west-2', MOVED['us-west-2']);
    const movedAt = (region: string): number => sandbox.events().find((event) => event.type === 'region-address' && event.region === region)?.at ?? Number.NaN;
    const { code, text, record } = await drill;
    expect(code, text).to.equal(0);

    // The map changed when the sandbox moved them, and only then.
    for (const [region, address] of Object.entries(MOVED)) {
      const changes = (record.addressMappings ?? []).filter((mapping) => mapping.region === region && mapping.addresses.includes(address));
      expect(changes.length, `${region} mapped to ${address}`).to.be.greaterThan(0);
      // Resolved after the move (the sandbox stamps its event once the new address answers).
      expect(changes[0]?.at).to.be.at.least(movedAt(region) - 5);
    }
    // Answers with the new addresses were read as their regions: the failover to us-west-2 and the
    // failback to us-east-1 both happened on moved addresses, and nothing was left unidentified.
    const service1 = record.dns.filter((observation) => observation.service === 'service1' && observation.addresses.length > 0);
    for (const [region, address] of Object.entries(MOVED)) {
      const onNew = service1.filter((observation) => observation.addresses.includes(address));
      expect(onNew.length, `answers on ${address}`).to.be.greaterThan(0);
      expect(onNew.every((observation) => observation.regions?.includes(region))).to.equal(true);
    }
    expect(service1.filter((observation) => (observation.unidentified ?? []).length > 0)).to.deep.equal([]);
  });

  it('refuses, before anything changes, a region it has no way to identify', async () => {
    const base = sandboxEnvironmentInput(sandbox);
    const api = base.services.api;
    if (api === undefined) throw new Error('the sandbox has no api service');
    const { addresses: _pinned, regionalEndpoints: _names, ...bare } = api;
    const file = path.join(dir, 'blind-env.ts');
    await writeFile(
      file,
      `import { defineEnvironment } from ${JSON.stringify(path.resolve('src/drill/environment.ts'))};\nexport const environment = defineEnvironment(${JSON.stringify({ ...base, name: 'blind', services: { ...base.services, api: { ...bare, recordName: 'api-latency.drdrill.test' } } })} as never);\n`,
    );
    const before = sandbox.calls().filter((call) => call.mutating).length;
    const io = captureIo();
    const code = await runCli(['run', 'drills/sandbox/primary-lambda-throttle.drill.ts', '--env', file, '--out', path.join(dir, 'blind'), '--state-dir', path.join(dir, 'state-blind')], io);
    expect(code, io.text()).to.equal(2);
    expect(io.text()).to.match(/services\.api\.regionalEndpoints\.us-east-1: region us-east-1 cannot be identified in DNS answers/);
    expect(sandbox.calls().filter((call) => call.mutating).length).to.equal(before);
  });
});
