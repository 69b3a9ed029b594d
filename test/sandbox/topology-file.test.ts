import { expect } from 'chai';
import { createSocket } from 'node:dgram';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/cli.ts';
import type { CliIo } from '../../src/cli/cli-io.ts';
import { bindUdp, closeUdp } from '../../src/sandbox/data-plane/listen.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import { loadTopology } from '../../src/sandbox/topology/load-topology.ts';
import { startSandboxProcess } from '../e2e/process-kit.ts';
import { addressesOf, udpQuery } from './sandbox-test-kit.ts';

const CASCADE = 'drills/topologies/cascade-four-regions.ts';
const LATENCY = 'drills/topologies/latency-three-regions.ts';

function captureIo(): CliIo & { readonly text: () => string } {
  const lines: string[] = [];
  return { out: (line: string) => lines.push(line), err: (line: string) => lines.push(line), text: () => lines.join('\n') };
}

describe('topology files', function () {
  this.timeout(40_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'drdrill-topology-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('`sandbox up --topology` starts the four-region cascade from its file and prints its description', async () => {
    const up = await startSandboxProcess(['--topology', CASCADE]);
    try {
      const { description } = up;
      expect(description.regions.map((r) => `${r.name}=${r.address}`)).to.deep.equal(['eu-central-1=127.0.0.21', 'eu-west-1=127.0.0.22', 'eu-west-2=127.0.0.23', 'eu-south-1=127.0.0.24']);
      const api = description.resources.services.find((s) => s.name === 'api');
      expect(api?.regions).to.deep.equal(['eu-central-1', 'eu-west-1', 'eu-west-2', 'eu-south-1']);
      expect(api?.routing).to.equal('failover');
      expect(api?.deployments.map((d) => d.role)).to.deep.equal(['primary', 'secondary', 'tertiary', 'quaternary']);
      expect(description.topology.services[0]?.primaryRegion).to.equal('eu-central-1');
      // The running sandbox answers as the file describes.
      const handle = { description } as Sandbox;
      expect(addressesOf(await udpQuery(handle, 'api.cascade.drdrill.test'))).to.deep.equal(['127.0.0.21']);
    } finally {
      await up.stop();
    }
  });

  it('loads the shipped latency topology: three regions, one resolver client in each', async () => {
    const { resolved } = await loadTopology(LATENCY);
    expect(resolved.services[0]?.routing).to.equal('latency');
    expect(resolved.services[0]?.regions).to.deep.equal(['us-east-1', 'eu-west-1', 'ap-southeast-1']);
    expect(resolved.resolverClients.map((c) => c.region)).to.deep.equal(['us-east-1', 'eu-west-1', 'ap-southeast-1']);
  });

  it('accepts a default export as well as `topology`', async () => {
    const file = path.join(dir, 'default-export.ts');
    const cascade = path.resolve(CASCADE);
    await writeFile(file, `import { topology } from ${JSON.stringify(cascade)};\nexport default topology;\n`);
    const { resolved } = await loadTopology(file);
    expect(resolved.regions).to.have.length(4);
  });

  describe('a bad file exits 2 naming the file and the field, and binds nothing', () => {
    let held: ReturnType<typeof createSocket>;
    let heldPort: number;
    before(async () => {
      // The DNS port the sandbox would bind is held here: a sandbox that got as far as binding
      // would fail on it (SandboxListenError), not with the topology's problem and exit 2.
      held = createSocket('udp4');
      heldPort = await bindUdp(held, '127.0.0.1', 0);
    });
    after(async () => {
      await closeUdp(held);
    });

    const cases: readonly { readonly what: string; readonly body: string; readonly expected: readonly string[] }[] = [
      {
        what: 'a field of the wrong type',
        body: `export const topology = { ...base, services: [{ ...base.services[0], ttl: '1' }] };`,
        expected: ['topology.services[0].ttl', 'got "1"', 'expected number'],
      },
      {
        what: 'a region twice in one chain',
        body: `export const topology = { ...base, services: [{ ...base.services[0], regions: ['eu-central-1', 'eu-west-1', 'eu-central-1'], deployments: undefined }] };`,
        expected: ['topology.services[0].regions[2]', '"eu-central-1"', 'appears twice'],
      },
      {
        what: 'a latency service with one region',
        body: `export const topology = { ...base, services: [{ ...base.services[0], routing: 'latency', regions: ['eu-west-1'], deployments: undefined }] };`,
        expected: ['topology.services[0].regions', 'at least 2'],
      },
      {
        what: 'an unknown field',
        body: `export const topology = { ...base, regionz: [] };`,
        expected: ['topology', 'unknown field "regionz"'],
      },
      {
        what: 'no topology export',
        body: `export const topolgy = base;`,
        expected: ['topology: required named export', 'topolgy'],
      },
    ];
    for (const { what, body, expected } of cases) {
      it(what, async () => {
        const file = path.join(dir, `${what.replace(/\W+/g, '-')}.ts`);
        await writeFile(file, `import { topology as base } from ${JSON.stringify(path.resolve(CASCADE))};\n${body}\n`);
        const io = captureIo();
        const code = await runCli(['sandbox', 'up', '--topology', file, '--dns-port', String(heldPort)], io);
        expect(code, io.text()).to.equal(2);
        for (const text of [file, ...expected]) expect(io.text()).to.contain(text);
        expect(io.text()).to.contain('nothing was changed').and.not.contain('dnsPort');
      });
    }

    it('a file that does not exist', async () => {
      const io = captureIo();
      const code = await runCli(['sandbox', 'up', '--topology', path.join(dir, 'missing.ts'), '--dns-port', String(heldPort)], io);
      expect(code).to.equal(2);
      expect(io.text()).to.contain('missing.ts').and.contain('file not found');
    });
  });
});
