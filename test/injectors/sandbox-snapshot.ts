import { GetApiMappingsCommand } from '@aws-sdk/client-apigatewayv2';
import { DescribeSecurityGroupRulesCommand } from '@aws-sdk/client-ec2';
import { GetFunctionConcurrencyCommand } from '@aws-sdk/client-lambda';
import { GetHealthCheckCommand } from '@aws-sdk/client-route-53';
import { GetRoutingControlStateCommand } from '@aws-sdk/client-route53-recovery-cluster';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { request } from 'node:http';
import type { Environment } from '../../src/drill/environment.ts';
import type { InjectorDeps } from '../../src/injectors/injector.ts';
import { queryA } from '../../src/net/dns-query.ts';
import { roleAt } from '../../src/drill/region-ref.ts';

/**
 * Everything an injector can change, for every service and region, read through the same SDK
 * calls a person would use. Fields that AWS necessarily renews on an exact restore are left
 * out and listed here: SSM `Version`/`LastModifiedDate`, health-check `HealthCheckVersion`, API
 * mapping ids and security-group rule ids (new ids are reported by the rollback instead).
 */
export type SandboxSnapshot = Record<string, unknown>;

export async function snapshotSandbox(deps: InjectorDeps): Promise<SandboxSnapshot> {
  const { environment, clients } = deps;
  const snapshot: SandboxSnapshot = {};
  for (const [serviceName, service] of Object.entries(environment.services)) {
    for (const [index, region] of service.regions.entries()) {
      const role = roleAt(index);
      const at = `${serviceName} ${role}`;
      const concurrency = await clients.lambda(region).send(new GetFunctionConcurrencyCommand({ FunctionName: service.functions[region] ?? '' }));
      snapshot[`${at} lambda ReservedConcurrentExecutions`] = concurrency.ReservedConcurrentExecutions ?? null;

      const check = await clients.route53().send(new GetHealthCheckCommand({ HealthCheckId: service.healthChecks[region] ?? '' }));
      snapshot[`${at} health check config`] = check.HealthCheck?.HealthCheckConfig;

      if (service.failureFlags !== undefined) {
        const name = service.failureFlags[region] ?? '';
        try {
          const { Parameter } = await clients.ssm(region).send(new GetParameterCommand({ Name: name, WithDecryption: true }));
          snapshot[`${at} ssm ${name}`] = { Name: Parameter?.Name, Type: Parameter?.Type, Value: Parameter?.Value, DataType: Parameter?.DataType, ARN: Parameter?.ARN };
        } catch (error) {
          if ((error as Error).name !== 'ParameterNotFound') throw error;
          snapshot[`${at} ssm ${name}`] = 'absent';
        }
      }
      if (service.customDomains !== undefined) {
        const domain = service.customDomains[region] ?? '';
        const { Items = [] } = await clients.apiGatewayV2(region).send(new GetApiMappingsCommand({ DomainName: domain }));
        snapshot[`${at} api mappings of ${domain}`] = Items.map(({ ApiMappingId: _id, ...rest }) => rest).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
      }
      if (service.securityGroups !== undefined) {
        const groupId = service.securityGroups[region] ?? '';
        const { SecurityGroupRules = [] } = await clients.ec2(region).send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }));
        snapshot[`${at} rules of ${groupId}`] = SecurityGroupRules.map(({ SecurityGroupRuleId: _id, SecurityGroupRuleArn: _arn, ...rest }) => rest).sort((a, b) =>
          JSON.stringify(a).localeCompare(JSON.stringify(b)),
        );
      }
      if (service.routingControls !== undefined && environment.arc !== undefined) {
        const arn = service.routingControls[region] ?? '';
        const state = await clients
          .arcCluster(environment.arc.region, environment.arc.clusterEndpoints[0] ?? '')
          .send(new GetRoutingControlStateCommand({ RoutingControlArn: arn }));
        snapshot[`${at} routing control`] = state.RoutingControlState;
      }
    }
  }
  return snapshot;
}

/**
 * What clients see, per service and region: the HTTP status the region's custom domain answers
 * (or `no answer` within `timeoutMs`), and the addresses the sandbox DNS gives for each record.
 */
export async function observeSandbox(environment: Environment, httpPort: number, timeoutMs = 1000): Promise<Record<string, string>> {
  const seen: Record<string, string> = {};
  const dnsServer = environment.dnsResolvers[0] ?? '';
  await Promise.all(
    Object.entries(environment.services).flatMap(([name, service]) => [
      ...service.regions.map(async (region, index) => {
        const role = roleAt(index);
        const address = service.addresses?.[region]?.[0] ?? '';
        const host = service.customDomains?.[region] ?? service.recordName;
        seen[`${name} ${role} answers`] = await statusOf(address, httpPort, host, timeoutMs);
      }),
      (async () => {
        seen[`${name} dns`] = (await queryA(dnsServer, service.recordName, { timeoutMs })).addresses.join(',');
      })(),
    ]),
  );
  return Object.fromEntries(Object.entries(seen).sort(([a], [b]) => a.localeCompare(b)));
}

function statusOf(address: string, port: number, host: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    const req = request({ host: address, port, path: '/health', headers: { host, connection: 'close' }, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(String(res.statusCode ?? 0)));
    });
    req.on('timeout', () => {
      req.destroy();
      resolve('no answer');
    });
    req.on('error', (error) => resolve(`error ${(error as NodeJS.ErrnoException).code ?? error.message}`));
    req.end();
  });
}
