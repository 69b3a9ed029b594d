import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { promisify } from 'node:util';
import { InvalidSandboxOptionsError, startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { SandboxListenError, bindUdp, closeTcp, closeUdp, listenTcp } from '../../src/sandbox/data-plane/listen.ts';
import { DEFAULT_TOPOLOGY } from '../../src/sandbox/topology/topology.ts';
import { FAST_TOPOLOGY, addressesOf, udpQuery } from './sandbox-test-kit.ts';

const run = promisify(execFile);

describe('startSandbox', () => {
  it('releases every port on close, so the same ports can be taken again at once', async () => {
    const sandbox = await startSandbox({ topology: FAST_TOPOLOGY });
    const { dns, httpPort, controlPlaneUrl } = sandbox.description;
    const controlPlanePort = Number(new URL(controlPlaneUrl).port);
    await sandbox.close();
    const again = await startSandbox({ topology: FAST_TOPOLOGY, dnsPort: dns.port, httpPort, controlPlanePort });
    try {
      expect(again.description.dns.port).to.equal(dns.port);
      expect(again.description.httpPort).to.equal(httpPort);
      expect(again.description.controlPlaneUrl).to.equal(controlPlaneUrl);
      expect(addressesOf(await udpQuery(again, 'api.drdrill.test'))).to.deep.equal(['127.0.0.2']);
    } finally {
      await again.close();
    }
  });

  it('resolves close() more than once without error', async () => {
    const sandbox = await startSandbox({ topology: FAST_TOPOLOGY });
    await Promise.all([sandbox.close(), sandbox.close()]);
    await sandbox.close();
  });

  it('fails clearly, naming the port and address, when a fixed HTTP port is taken on one region address', async () => {
    const blocker: Server = createServer();
    const blockedPort = await listenTcp(blocker, '127.0.0.3', 0);
    try {
      const error = await startSandbox({ topology: FAST_TOPOLOGY, httpPort: blockedPort }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(SandboxListenError);
      expect((error as Error).message).to.contain(`port ${blockedPort}`).and.contain('127.0.0.3');
    } finally {
      await closeTcp(blocker);
    }
  });

  it('fails clearly when the DNS port is taken for UDP', async () => {
    const udp = createSocket('udp4');
    const port = await bindUdp(udp, '127.0.0.1', 0);
    try {
      const error = await startSandbox({ topology: FAST_TOPOLOGY, dnsPort: port }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(SandboxListenError);
      expect((error as Error).message).to.contain('dnsPort');
    } finally {
      await closeUdp(udp);
    }
  });

  it('rejects a region address outside loopback and a bad failure threshold before binding anything', async () => {
    const outside = { ...DEFAULT_TOPOLOGY, regions: [{ name: 'us-east-1', address: '10.0.0.2' }, DEFAULT_TOPOLOGY.regions[1]!] };
    const error = await startSandbox({ topology: outside }).then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(InvalidSandboxOptionsError);
    expect((error as Error).message).to.contain('topology.regions[0].address').and.contain('10.0.0.2');

    const service = DEFAULT_TOPOLOGY.services[0]!;
    const badThreshold = {
      ...DEFAULT_TOPOLOGY,
      services: [{ ...service, deployments: [{ ...service.deployments[0]!, failureThreshold: 0 }, service.deployments[1]!] }],
    };
    const thresholdError = await startSandbox({ topology: badThreshold }).then(() => undefined, (e: unknown) => e);
    expect((thresholdError as Error).message).to.contain('deployments[0].failureThreshold');
  });

  it('prints its description as one JSON line from a one-liner and exits on its own', async function () {
    this.timeout(20_000);
    const script =
      "import('./src/sandbox/start-sandbox.ts').then(async m => { const s = await m.startSandbox(); console.log(JSON.stringify(s.description)); await s.close(); })";
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: process.cwd(),
      timeout: 15_000,
    });
    const lines = stdout.trim().split('\n');
    expect(lines).to.have.length(1);
    const description = JSON.parse(lines[0]!) as { controlPlaneUrl: string; regions: unknown[] };
    expect(description.controlPlaneUrl).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(description.regions).to.have.length(2);
  });
});
