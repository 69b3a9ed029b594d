import { expect } from 'chai';
import { readdir } from 'node:fs/promises';
import { loadDrill } from '../../src/drill/load-drill.ts';
import { runCli } from '../../src/cli/cli.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { captureIo } from './e2e-kit.ts';

describe('drdrill plan', function () {
  this.timeout(60_000);
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await startSandbox();
  });
  after(async () => {
    await sandbox.close();
  });

  it('shows every change of every shipped sandbox drill, read live, with no mutating call', async () => {
    const files = (await readdir('drills/sandbox')).filter((name) => name.endsWith('.drill.ts'));
    expect(files.length).to.be.at.least(10);
    let onThisSandbox = 0;
    for (const name of files) {
      const io = captureIo();
      // A drill on a topology of its own plans against the embedded sandbox it starts from that topology.
      const { drill } = await loadDrill(`drills/sandbox/${name}`);
      const where = drill.sandbox === undefined ? ['--sandbox-url', sandbox.description.controlPlaneUrl] : [];
      if (drill.sandbox === undefined) onThisSandbox++;
      const code = await runCli(['plan', `drills/sandbox/${name}`, ...where], io);
      expect(code, `${name}: ${io.text()}`).to.equal(0);
      expect(io.text(), name).to.match(/would change:\n(  .+: .+ → .+\n?)+/);
    }
    const calls = sandbox.calls();
    // Drills on a topology of their own read their own sandbox; every other one read this one's.
    expect(calls.length, 'plan read the targets live').to.be.at.least(onThisSandbox);
    expect(calls.filter((call) => call.mutating).map((call) => `${call.service} ${call.operation}`)).to.deep.equal([]);
  });

  it('names the current value it read: an unreserved function would go to 0', async () => {
    const io = captureIo();
    await runCli(['plan', 'drills/sandbox/primary-lambda-throttle.drill.ts', '--sandbox-url', sandbox.description.controlPlaneUrl], io);
    expect(io.text()).to.include('lambda us-east-1 api-handler: ReservedConcurrentExecutions unreserved → 0');
  });
});
