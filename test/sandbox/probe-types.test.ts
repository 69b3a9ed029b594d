import { expect } from 'chai';
import { GetHealthCheckCommand, GetHealthCheckStatusCommand } from '@aws-sdk/client-route-53';
import { PutFunctionConcurrencyCommand } from '@aws-sdk/client-lambda';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import type { SandboxTopology } from '../../src/sandbox/topology/topology.ts';
import { FAST_TOPOLOGY, lambdaClient, pollUntil, route53Client } from './sandbox-test-kit.ts';

/** The api service probed over HTTPS in us-east-1 and plain TCP in us-west-2. */
const TOPOLOGY: SandboxTopology = {
  ...FAST_TOPOLOGY,
  services: FAST_TOPOLOGY.services.map((service) =>
    service.name !== 'api'
      ? service
      : { ...service, deployments: service.deployments.map((d) => ({ ...d, healthCheckType: d.region === 'us-east-1' ? ('HTTPS' as const) : ('TCP' as const) })) },
  ),
};

describe('sandbox health checks over HTTPS and TCP', () => {
  let sandbox: Sandbox;

  before(async () => {
    sandbox = await startSandbox({ topology: TOPOLOGY });
  });
  after(async () => {
    await sandbox.close();
  });

  it('probes HTTPS on the regions’ TLS port and TCP by connecting, each checker region reporting success', async () => {
    const route53 = route53Client(sandbox);
    try {
      const https = await route53.send(new GetHealthCheckCommand({ HealthCheckId: 'hc-api-us-east-1' }));
      expect(https.HealthCheck?.HealthCheckConfig).to.include({ Type: 'HTTPS', Port: sandbox.description.httpsPort, EnableSNI: true });
      const statuses = async (id: string): Promise<string[] | undefined> => {
        const { HealthCheckObservations } = await route53.send(new GetHealthCheckStatusCommand({ HealthCheckId: id }));
        const list = (HealthCheckObservations ?? []).map((o) => o.StatusReport?.Status ?? '');
        return list.length === 8 ? list : undefined;
      };
      expect(new Set(await pollUntil(() => statuses('hc-api-us-east-1'), 2000))).to.deep.equal(new Set(['Success: HTTP Status Code 200, OK']));
      expect(new Set(await pollUntil(() => statuses('hc-api-us-west-2'), 2000))).to.deep.equal(new Set(['Success: TCP connection established.']));
    } finally {
      route53.destroy();
    }
  });

  it('a throttled function fails the HTTPS check but not the TCP one, which only sees the port open', async () => {
    for (const region of ['us-east-1', 'us-west-2']) {
      const lambda = lambdaClient(sandbox, region);
      try {
        await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'api-handler', ReservedConcurrentExecutions: 0 }));
      } finally {
        lambda.destroy();
      }
    }
    const unhealthy = (id: string) => sandbox.events().find((e) => e.type === 'health-check-status' && e.healthCheckId === id && !e.healthy);
    await pollUntil(async () => unhealthy('hc-api-us-east-1'), 3000);
    // Well past threshold × interval for the TCP check too.
    await new Promise((r) => setTimeout(r, 1000));
    expect(unhealthy('hc-api-us-west-2')).to.equal(undefined);
  });
});
