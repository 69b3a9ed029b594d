import { expect } from 'chai';
import { request } from 'node:http';
import { DeleteApiMappingCommand, CreateApiMappingCommand, ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import { AuthorizeSecurityGroupIngressCommand, EC2Client, RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { FisClient, StartExperimentCommand, StopExperimentCommand } from '@aws-sdk/client-fis';
import { DeleteFunctionConcurrencyCommand, PutFunctionConcurrencyCommand } from '@aws-sdk/client-lambda';
import { Route53RecoveryClusterClient, UpdateRoutingControlStateCommand } from '@aws-sdk/client-route53-recovery-cluster';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { Sandbox, SandboxEvent } from '../../src/sandbox/sandbox-handle.ts';
import type { DeploymentResources } from '../../src/sandbox/topology/sandbox-resources.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { FAST_TOPOLOGY, addressesOf, httpGet, lambdaClient, pollUntil, sdkClient, udpQuery } from './sandbox-test-kit.ts';

type FaultEvent = Extract<SandboxEvent, { type: 'fault' }>;

function deployment(sandbox: Sandbox, service: string, region: string): DeploymentResources {
  const found = sandbox.description.resources.services.find((s) => s.name === service)?.deployments.find((d) => d.region === region);
  if (found === undefined) throw new Error(`no ${service} in ${region}`);
  return found;
}

function faults(sandbox: Sandbox, service: string): FaultEvent[] {
  return sandbox.events().filter((e): e is FaultEvent => e.type === 'fault' && e.service === service);
}

/** Polls DNS until `name` answers `address` (bounded). */
function dnsAnswers(sandbox: Sandbox, name: string, address: string, timeoutMs = 3000): Promise<true> {
  return pollUntil(async () => (addressesOf(await udpQuery(sandbox, name)).join() === address ? true : undefined), timeoutMs);
}

/** GET through a fresh connection with a given Host, timing the answer. */
async function timedGet(url: string, host: string, timeoutMs = 3000): Promise<{ status: number; body: string; ms: number; region: string | undefined }> {
  const startedAt = Date.now();
  const reply = await httpGet(url, host, timeoutMs);
  const region = reply.headers['x-drdrill-region'];
  return { status: reply.status, body: reply.body, ms: Date.now() - startedAt, region: typeof region === 'string' ? region : undefined };
}

describe('what clients see when the sandbox breaks (regional endpoints, DNS, edge)', function () {
  this.timeout(20_000);
  let sandbox: Sandbox;
  let east: string;
  let port: number;

  before(async () => {
    sandbox = await startSandbox({ topology: { ...FAST_TOPOLOGY, failureFlagCacheSeconds: 30 } });
    port = sandbox.description.httpPort;
    east = `http://127.0.0.2:${port}`;
  });
  after(async () => {
    await sandbox.close();
  });

  it('a removed API mapping answers 403 Forbidden on the custom domain, the execute-api endpoint keeps answering, and the custom-domain health check fails over', async () => {
    const d = deployment(sandbox, 'service1', 'us-east-1');
    const apigw = sdkClient(ApiGatewayV2Client, sandbox);
    try {
      expect((await timedGet(`${east}/health`, 'service1.drdrill.test')).status).to.equal(200);
      await apigw.send(new DeleteApiMappingCommand({ DomainName: 'service1.drdrill.test', ApiMappingId: d.apiMappingId }));
      const forbidden = await timedGet(`${east}/health`, 'service1.drdrill.test');
      expect([forbidden.status, JSON.parse(forbidden.body)]).to.deep.equal([403, { message: 'Forbidden' }]);
      const direct = await timedGet(`${east}/health`, d.executeApiHost);
      expect(direct.status).to.equal(200);
      expect(JSON.parse(direct.body)).to.include({ service: 'service1', region: 'us-east-1' });
      await dnsAnswers(sandbox, 'service1.drdrill.test', '127.0.0.3');
      expect(faults(sandbox, 'service1').map((f) => [f.fault, f.active])).to.deep.equal([['api-mapping-missing', true]]);
      await apigw.send(new CreateApiMappingCommand({ DomainName: 'service1.drdrill.test', ApiId: d.apiId, Stage: '$default' }));
      await dnsAnswers(sandbox, 'service1.drdrill.test', '127.0.0.2');
    } finally {
      apigw.destroy();
    }
  });

  it('a removed mapping does not fail over service2, whose health checks aim at the execute-api endpoint (the blind spot)', async () => {
    const d = deployment(sandbox, 'service2', 'us-east-1');
    const apigw = sdkClient(ApiGatewayV2Client, sandbox);
    try {
      await apigw.send(new DeleteApiMappingCommand({ DomainName: 'service2.drdrill.test', ApiMappingId: d.apiMappingId }));
      expect((await timedGet(`${east}/`, 'service2.drdrill.test')).status).to.equal(403);
      // Ten probe intervals: far beyond threshold × interval, and the record has not moved.
      await new Promise((r) => setTimeout(r, 10 * 200));
      expect(addressesOf(await udpQuery(sandbox, 'service2.drdrill.test'))).to.deep.equal(['127.0.0.2']);
      expect(sandbox.events().some((e) => e.type === 'health-check-status' && e.healthCheckId === d.healthCheckId)).to.equal(false);
      await apigw.send(new CreateApiMappingCommand({ DomainName: 'service2.drdrill.test', ApiId: d.apiId, Stage: '$default' }));
    } finally {
      apigw.destroy();
    }
  });

  it('a revoked backend ingress rule leaves requests unanswered until the scaled integration timeout, then 503, and fails service2 over', async () => {
    const d = deployment(sandbox, 'service2', 'us-east-1');
    const ec2 = sdkClient(EC2Client, sandbox);
    try {
      await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: d.securityGroupId, SecurityGroupRuleIds: [d.ingressRuleId ?? ''] }));
      const hung = await timedGet(`${east}/orders`, 'service2.drdrill.test');
      // 30 s × 0.02 = 600 ms.
      expect(hung.status).to.equal(503);
      expect(JSON.parse(hung.body)).to.deep.equal({ message: 'Service Unavailable' });
      expect(hung.ms).to.be.at.least(590);
      await dnsAnswers(sandbox, 'service2.drdrill.test', '127.0.0.3');
      await ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: d.securityGroupId,
          IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, UserIdGroupPairs: [{ GroupId: d.vpcLinkSecurityGroupId }] }],
        }),
      );
      expect((await timedGet(`${east}/orders`, 'service2.drdrill.test')).status).to.equal(200);
      await dnsAnswers(sandbox, 'service2.drdrill.test', '127.0.0.2');
      expect(faults(sandbox, 'service2').filter((f) => f.fault === 'backend-unreachable').map((f) => f.active)).to.deep.equal([true, false]);
    } finally {
      ec2.destroy();
    }
  });

  it('a failure-lambda flag takes effect after the function’s (scaled) cache, at exactly its rate', async () => {
    const ssm = sdkClient(SSMClient, sandbox);
    try {
      const flag = { isEnabled: true, failureMode: 'statuscode', statusCode: 502, rate: 0.5 };
      await ssm.send(new PutParameterCommand({ Name: '/drdrill/api/failure-flag', Value: JSON.stringify(flag), Overwrite: true }));
      const putAt = Date.now();
      expect((await timedGet(`${east}/`, 'api.drdrill.test')).status, 'still cached').to.equal(200);
      // 30 s cache × 0.02 = 600 ms.
      const active = await pollUntil(async () => faults(sandbox, 'api').find((f) => f.fault === 'failure-flag' && f.active), 3000);
      expect(active.at - putAt).to.be.at.least(590);
      const statuses: number[] = [];
      for (let i = 0; i < 10; i += 1) statuses.push((await timedGet(`${east}/`, 'api.drdrill.test')).status);
      expect(statuses.filter((s) => s === 502)).to.have.length(5);
      expect(statuses.filter((s) => s === 200)).to.have.length(5);
      await ssm.send(new PutParameterCommand({ Name: '/drdrill/api/failure-flag', Value: JSON.stringify({ ...flag, isEnabled: false }), Overwrite: true }));
      await pollUntil(async () => faults(sandbox, 'api').find((f) => f.fault === 'failure-flag' && !f.active), 3000);
    } finally {
      ssm.destroy();
    }
  });

  it('a FIS integration-response action answers its status on the targeted function until stopped', async () => {
    const d = deployment(sandbox, 'api', 'us-west-2');
    const fis = sdkClient(FisClient, sandbox, 'us-west-2');
    const west = `http://127.0.0.3:${port}`;
    try {
      const { experiment } = await fis.send(new StartExperimentCommand({ experimentTemplateId: d.fisTemplateId, clientToken: 'b1' }));
      await pollUntil(async () => ((await timedGet(`${west}/`, 'api.drdrill.test')).status === 500 ? true : undefined), 2000);
      expect((await timedGet(`${east}/`, 'api.drdrill.test')).status, 'the other region is untouched').to.equal(200);
      await fis.send(new StopExperimentCommand({ id: experiment?.id }));
      expect((await timedGet(`${west}/`, 'api.drdrill.test')).status).to.equal(200);
      const fisFaults = faults(sandbox, 'api').filter((f) => f.fault.startsWith('fis:'));
      expect(fisFaults.map((f) => [f.region, f.fault, f.active])).to.deep.equal([
        ['us-west-2', 'fis:aws:lambda:invocation-http-integration-response', true],
        ['us-west-2', 'fis:aws:lambda:invocation-http-integration-response', false],
      ]);
    } finally {
      fis.destroy();
    }
  });

  it('turning an ARC routing control Off fails its record over through the RECOVERY_CONTROL check after the (scaled) propagation delay', async () => {
    const d = deployment(sandbox, 'service1', 'us-east-1');
    const arc = sdkClient(Route53RecoveryClusterClient, sandbox);
    try {
      await arc.send(new UpdateRoutingControlStateCommand({ RoutingControlArn: d.routingControlArn, RoutingControlState: 'Off' }));
      expect(addressesOf(await udpQuery(sandbox, 'service1.drdrill.test')), 'not yet propagated').to.deep.equal(['127.0.0.2']);
      await dnsAnswers(sandbox, 'service1.drdrill.test', '127.0.0.3');
      // 5 s × 0.02 = 100 ms between the API call and the answer changing, by the event log.
      const offAt = sandbox.events().find((e) => e.type === 'routing-control' && e.state === 'Off')?.at ?? Number.NaN;
      const movedAt = sandbox.events().find((e) => e.type === 'dns-answer' && e.name === 'service1.drdrill.test' && e.at >= offAt && e.addresses.join() === '127.0.0.3')?.at ?? Number.NaN;
      expect(movedAt - offAt).to.be.at.least(95);
      const arcFlip = sandbox.events().find((e) => e.type === 'health-check-status' && e.healthCheckId === d.arcHealthCheckId && !e.healthy);
      expect(arcFlip?.type === 'health-check-status' ? arcFlip.reason : '').to.equal('routing control Off');
      await arc.send(new UpdateRoutingControlStateCommand({ RoutingControlArn: d.routingControlArn, RoutingControlState: 'On' }));
      await dnsAnswers(sandbox, 'service1.drdrill.test', '127.0.0.2');
    } finally {
      arc.destroy();
    }
  });

  it('the edge resolves its origin per connection through the sandbox DNS, so a plain HTTP client sees failover and failback', async () => {
    const edge = sandbox.description.edge?.url ?? '';
    const first = await timedGet(`${edge}/`, `127.0.0.4:${port}`);
    expect([first.status, first.region]).to.deep.equal([200, 'us-east-1']);
    const viaPath = await timedGet(`${edge}/service1/orders`, `127.0.0.4:${port}`);
    expect(JSON.parse(viaPath.body)).to.include({ service: 'service1', path: '/service1/orders' });
    const lambda = lambdaClient(sandbox);
    try {
      await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'api-handler', ReservedConcurrentExecutions: 0 }));
      const failedOver = await pollUntil(async () => {
        const reply = await timedGet(`${edge}/`, `127.0.0.4:${port}`);
        return reply.region === 'us-west-2' ? reply : undefined;
      }, 5000, 50);
      expect(failedOver.status).to.equal(200);
      await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'api-handler' }));
      await pollUntil(async () => ((await timedGet(`${edge}/`, `127.0.0.4:${port}`)).region === 'us-east-1' ? true : undefined), 5000, 50);
    } finally {
      lambda.destroy();
    }
  });

  it('the edge keeps one origin address for the life of a client connection', async () => {
    const edge = sandbox.description.edge?.url ?? '';
    const { Agent } = await import('node:http');
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const get = (): Promise<string | undefined> =>
      new Promise((resolve, reject) => {
        const req = request(`${edge}/`, { agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.headers['x-drdrill-origin-address'] as string | undefined));
        });
        req.on('error', reject);
        req.end();
      });
    try {
      expect(await get()).to.equal('127.0.0.2');
      const lambda = lambdaClient(sandbox);
      try {
        await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'api-handler', ReservedConcurrentExecutions: 0 }));
        await dnsAnswers(sandbox, 'api.drdrill.test', '127.0.0.3');
        expect(await get(), 'same connection, same origin').to.equal('127.0.0.2');
        await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'api-handler' }));
        await dnsAnswers(sandbox, 'api.drdrill.test', '127.0.0.2');
      } finally {
        lambda.destroy();
      }
    } finally {
      agent.destroy();
    }
  });
});
