import { UpdateRoutingControlStateCommand } from '@aws-sdk/client-route53-recovery-cluster';
import { expect } from 'chai';
import { request } from 'node:http';
import { AwsClients } from '../../src/aws/aws-clients.ts';
import { sandboxEnvironment } from '../../src/sandbox/sandbox-environment.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { loadTopology } from '../../src/sandbox/topology/load-topology.ts';
import type { SandboxTopology } from '../../src/sandbox/topology/topology.ts';

interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

function ask(address: string, port: number, host: string, path: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: address, port, path, headers: { host, connection: 'close' }, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${address} within 5 s`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * A shared API (`forwards`) hands each path prefix to another service's name, resolved through the
 * sandbox DNS, so that service's own failover decides where it is served.
 */
describe('a shared API that forwards paths to other services', function () {
  this.timeout(30_000);
  let topology: SandboxTopology;
  let sandbox: Sandbox;
  before(async () => {
    topology = (await loadTopology('drills/topologies/per-service-arc.ts')).topology;
    sandbox = await startSandbox({ topology });
  });
  after(async () => {
    await sandbox.close();
  });
  const east = (): string => sandbox.description.regions.find((r) => r.name === 'us-east-1')?.address ?? '';

  it('forwards /service1 to service1 and answers other paths itself', async () => {
    const port = sandbox.description.httpPort;
    const forwarded = await ask(east(), port, 'api.arc.drdrill.test', '/service1/orders?id=1');
    expect(forwarded.status).to.equal(200);
    expect(JSON.parse(forwarded.body)).to.include({ service: 'service1', path: '/service1/orders?id=1', region: 'us-east-1' });
    expect(forwarded.headers['x-drdrill-forwarded-by']).to.equal('us-east-1');
    const own = await ask(east(), port, 'api.arc.drdrill.test', '/service10');
    expect(JSON.parse(own.body)).to.include({ service: 'shared-api' });
    expect(own.headers['x-drdrill-forwarded-by']).to.equal(undefined);
  });

  it('follows the target’s own failover: with service1’s us-east-1 control Off, the us-east-1 shared API is answered by service1 in us-west-2', async () => {
    const environment = sandboxEnvironment(sandbox.description);
    const clients = AwsClients.forEnvironment(environment);
    const arn = environment.services['service1']?.routingControls?.['us-east-1'] ?? '';
    const cluster = clients.arcCluster(environment.arc?.region ?? '', environment.arc?.clusterEndpoints[1] ?? '');
    try {
      await cluster.send(new UpdateRoutingControlStateCommand({ RoutingControlArn: arn, RoutingControlState: 'Off' }));
      let answer: Answer | undefined;
      // Bounded: the RECOVERY_CONTROL check flips at once, then the 1 s TTL of the forwarder's cache.
      for (let i = 0; i < 40; i++) {
        answer = await ask(east(), sandbox.description.httpPort, 'api.arc.drdrill.test', '/service1');
        if (answer.headers['x-drdrill-region'] === 'us-west-2') break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(answer?.headers['x-drdrill-region']).to.equal('us-west-2');
      expect(answer?.headers['x-drdrill-forwarded-by']).to.equal('us-east-1');
      const service2 = await ask(east(), sandbox.description.httpPort, 'api.arc.drdrill.test', '/service2');
      expect(service2.headers['x-drdrill-region']).to.equal('us-east-1');
    } finally {
      await cluster.send(new UpdateRoutingControlStateCommand({ RoutingControlArn: arn, RoutingControlState: 'On' }));
      clients.destroy();
    }
  });

  it('gives clients of a forwarded service the shared API’s URL, and keeps its own record for DNS', () => {
    const service1 = sandboxEnvironment(sandbox.description).services['service1'];
    expect(service1?.url).to.equal(`http://api.arc.drdrill.test:${sandbox.description.httpPort}/service1/`);
    expect(service1?.recordName).to.equal('service1.arc.drdrill.test');
  });

  it('refuses a forward to a service the topology lacks, or to itself', async () => {
    const [shared, ...rest] = topology.services;
    for (const [service, expected] of [
      ['nope', 'topology.services[0].forwards[0].service: "nope" is not another service of the topology (expected one of: service1, service2)'],
      ['shared-api', 'topology.services[0].forwards[0].service: "shared-api" is not another service of the topology (expected one of: service1, service2)'],
    ] as const) {
      const bad = { ...topology, services: [{ ...shared, name: 'shared-api', recordName: 'api.arc.drdrill.test', ttl: 1, healthPath: '/health', forwards: [{ pathPrefix: '/x', service }] }, ...rest] };
      const error = await startSandbox({ topology: bad }).catch((e: unknown) => e);
      expect((error as Error).message).to.equal(expected);
    }
  });
});
