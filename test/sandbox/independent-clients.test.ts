import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { access, constants, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import type { DeploymentResources } from '../../src/sandbox/topology/sandbox-resources.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { FAST_TOPOLOGY } from './sandbox-test-kit.ts';

/** Debian's AWS CLI (package awscli); never the pyenv shim that may shadow it on PATH. */
const AWS_CLI = '/usr/bin/aws';
/** dig from Debian's bind9-dnsutils. */
const DIG = '/usr/bin/dig';

async function requireTool(file: string, debianPackage: string): Promise<void> {
  try {
    await access(file, constants.X_OK);
  } catch {
    throw new Error(`${file} is missing: install the Debian package ${debianPackage} (apt-get install -y ${debianPackage}); these tests never skip`);
  }
}

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(file: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 20_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, [...args], { env, timeout: timeoutMs }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

function deployment(sandbox: Sandbox, service: string, region: string): DeploymentResources {
  const found = sandbox.description.resources.services.find((s) => s.name === service)?.deployments.find((d) => d.region === region);
  if (found === undefined) throw new Error(`no ${service} in ${region}`);
  return found;
}

describe('independent clients against the sandbox: the AWS CLI and dig', function () {
  this.timeout(60_000);
  let sandbox: Sandbox;
  let home: string;
  let aws: (...args: string[]) => Promise<Run>;
  let dig: (...args: string[]) => Promise<Run>;

  before(async () => {
    await requireTool(AWS_CLI, 'awscli');
    await requireTool(DIG, 'bind9-dnsutils');
    sandbox = await startSandbox({ topology: FAST_TOPOLOGY });
    home = await mkdtemp(path.join(tmpdir(), 'drdrill-awscli-'));
    // No config files, no metadata service, no proxies: the CLI can reach only the sandbox.
    const env: NodeJS.ProcessEnv = {
      PATH: '/usr/bin:/bin',
      HOME: home,
      AWS_ACCESS_KEY_ID: 'sandbox',
      AWS_SECRET_ACCESS_KEY: 'sandbox',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_PAGER: '',
      AWS_MAX_ATTEMPTS: '1',
      NO_PROXY: '*',
    };
    const endpoint = sandbox.description.controlPlaneUrl;
    aws = (...args) => run(AWS_CLI, [...args, '--endpoint-url', endpoint, '--output', 'json'], env);
    dig = (...args) => run(DIG, [`@${sandbox.description.dns.host}`, '-p', String(sandbox.description.dns.port), '+norec', '+time=2', '+tries=1', ...args], env);
  });
  after(async () => {
    await sandbox?.close();
    if (home !== undefined) await rm(home, { recursive: true, force: true });
  });

  const json = (result: Run): Record<string, unknown> => {
    expect(result.code, result.stderr).to.equal(0);
    return JSON.parse(result.stdout === '' ? '{}' : result.stdout) as Record<string, unknown>;
  };
  const failsWith = (result: Run, code: string): void => {
    expect(result.code, result.stdout).to.not.equal(0);
    expect(result.stderr).to.contain(`(${code})`);
  };

  it('reads and updates a health check (version checked), and gets NoSuchHealthCheck for a missing id', async () => {
    const got = json(await aws('route53', 'get-health-check', '--health-check-id', 'hc-api-us-west-2'));
    const check = got.HealthCheck as { HealthCheckVersion: number; HealthCheckConfig: { Type: string; RequestInterval: number } };
    expect(check.HealthCheckConfig).to.include({ Type: 'HTTP', RequestInterval: 10 });
    const updated = json(await aws('route53', 'update-health-check', '--health-check-id', 'hc-api-us-west-2', '--failure-threshold', '2', '--health-check-version', String(check.HealthCheckVersion)));
    expect((updated.HealthCheck as { HealthCheckVersion: number }).HealthCheckVersion).to.equal(check.HealthCheckVersion + 1);
    failsWith(await aws('route53', 'update-health-check', '--health-check-id', 'hc-api-us-west-2', '--failure-threshold', '3', '--health-check-version', String(check.HealthCheckVersion)), 'HealthCheckVersionMismatch');
    failsWith(await aws('route53', 'get-health-check', '--health-check-id', 'hc-nope'), 'NoSuchHealthCheck');
  });

  it('sets, reads and deletes function concurrency, and gets ResourceNotFoundException for a missing function', async () => {
    json(await aws('lambda', 'put-function-concurrency', '--function-name', 'service2-handler', '--reserved-concurrent-executions', '5'));
    expect(json(await aws('lambda', 'get-function-concurrency', '--function-name', 'service2-handler'))).to.deep.equal({ ReservedConcurrentExecutions: 5 });
    expect((await aws('lambda', 'delete-function-concurrency', '--function-name', 'service2-handler')).code).to.equal(0);
    expect(json(await aws('lambda', 'get-function-concurrency', '--function-name', 'service2-handler'))).to.deep.equal({});
    failsWith(await aws('lambda', 'get-function-concurrency', '--function-name', 'nope'), 'ResourceNotFoundException');
  });

  it('puts and reads parameters with Overwrite semantics, and gets ParameterNotFound for a missing name', async () => {
    expect(json(await aws('ssm', 'put-parameter', '--name', '/drdrill/cli/flag', '--value', 'one', '--type', 'String'))).to.include({ Version: 1 });
    failsWith(await aws('ssm', 'put-parameter', '--name', '/drdrill/cli/flag', '--value', 'two', '--type', 'String'), 'ParameterAlreadyExists');
    expect(json(await aws('ssm', 'put-parameter', '--name', '/drdrill/cli/flag', '--value', 'two', '--overwrite'))).to.include({ Version: 2 });
    expect((json(await aws('ssm', 'get-parameter', '--name', '/drdrill/cli/flag')).Parameter as { Value: string }).Value).to.equal('two');
    failsWith(await aws('ssm', 'get-parameter', '--name', '/drdrill/cli/nope'), 'ParameterNotFound');
  });

  it('lists, deletes and recreates API mappings, and gets NotFoundException for a missing mapping', async () => {
    const d = deployment(sandbox, 'service1', 'us-west-2');
    const west = ['--region', 'us-west-2'];
    const listed = json(await aws('apigatewayv2', 'get-api-mappings', '--domain-name', 'service1.drdrill.test', ...west));
    expect(listed.Items).to.deep.equal([{ ApiId: d.apiId, ApiMappingId: d.apiMappingId, ApiMappingKey: '', Stage: '$default' }]);
    expect((await aws('apigatewayv2', 'delete-api-mapping', '--domain-name', 'service1.drdrill.test', '--api-mapping-id', d.apiMappingId, ...west)).code).to.equal(0);
    failsWith(await aws('apigatewayv2', 'delete-api-mapping', '--domain-name', 'service1.drdrill.test', '--api-mapping-id', d.apiMappingId, ...west), 'NotFoundException');
    const created = json(await aws('apigatewayv2', 'create-api-mapping', '--domain-name', 'service1.drdrill.test', '--api-id', d.apiId, '--stage', '$default', ...west));
    expect(created).to.include({ ApiId: d.apiId, Stage: '$default' });
  });

  it('describes, revokes and re-authorizes security-group rules, and gets InvalidGroup.NotFound for a missing group', async () => {
    const d = deployment(sandbox, 'service2', 'us-east-1');
    const rules = json(await aws('ec2', 'describe-security-group-rules', '--filters', `Name=group-id,Values=${d.securityGroupId ?? ''}`));
    const ingress = (rules.SecurityGroupRules as { SecurityGroupRuleId: string; IsEgress: boolean }[]).filter((r) => !r.IsEgress);
    expect(ingress.map((r) => r.SecurityGroupRuleId)).to.deep.equal([d.ingressRuleId]);
    expect(json(await aws('ec2', 'revoke-security-group-ingress', '--group-id', d.securityGroupId ?? '', '--security-group-rule-ids', d.ingressRuleId ?? ''))).to.include({ Return: true });
    const permission = JSON.stringify([{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, UserIdGroupPairs: [{ GroupId: d.vpcLinkSecurityGroupId }] }]);
    const authorized = json(await aws('ec2', 'authorize-security-group-ingress', '--group-id', d.securityGroupId ?? '', '--ip-permissions', permission));
    expect(authorized).to.include({ Return: true });
    failsWith(await aws('ec2', 'authorize-security-group-ingress', '--group-id', d.securityGroupId ?? '', '--ip-permissions', permission), 'InvalidPermission.Duplicate');
    failsWith(await aws('ec2', 'describe-security-groups', '--group-ids', 'sg-0000000000000dead'), 'InvalidGroup.NotFound');
  });

  it('exports the evidence key and signs with it through KMS, and gets NotFoundException for a missing alias', async () => {
    const key = json(await aws('kms', 'get-public-key', '--key-id', 'alias/drdrill-evidence'));
    expect(key).to.include({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
    expect(key.SigningAlgorithms).to.deep.equal(['ECDSA_SHA_256']);
    // fileb:// passes bytes the same way in AWS CLI v1 and v2 (which differ on inline blobs).
    const message = path.join(home, 'message.bin');
    const signature = path.join(home, 'signature.der');
    await writeFile(message, 'hello');
    const signed = json(await aws('kms', 'sign', '--key-id', 'alias/drdrill-evidence', '--message', `fileb://${message}`, '--message-type', 'RAW', '--signing-algorithm', 'ECDSA_SHA_256'));
    expect(signed.KeyId).to.equal(key.KeyId);
    await writeFile(signature, Buffer.from(String(signed.Signature), 'base64'));
    const valid = json(await aws('kms', 'verify', '--key-id', String(key.KeyId), '--message', `fileb://${message}`, '--message-type', 'RAW', '--signing-algorithm', 'ECDSA_SHA_256', '--signature', `fileb://${signature}`));
    expect(valid.SignatureValid).to.equal(true);
    failsWith(await aws('kms', 'describe-key', '--key-id', 'alias/nope'), 'NotFoundException');
  });

  it('dig gets authoritative answers over UDP and TCP, NXDOMAIN for a missing name, and follows an inversion to the secondary and back', async () => {
    const answer = async (...args: string[]): Promise<string[]> => {
      const result = await dig(...args, '+noall', '+answer');
      expect(result.code, result.stderr).to.equal(0);
      return result.stdout.trim().split('\n').filter((line) => line !== '').map((line) => line.split(/\s+/).join(' '));
    };
    expect(await answer('api.drdrill.test', 'A')).to.deep.equal(['api.drdrill.test. 1 IN A 127.0.0.2']);
    expect(await answer('api.drdrill.test', 'A', '+tcp')).to.deep.equal(['api.drdrill.test. 1 IN A 127.0.0.2']);
    expect(await answer('api-latency.drdrill.test', 'A', '-b', '127.0.0.12')).to.deep.equal(['api-latency.drdrill.test. 1 IN A 127.0.0.3']);
    const header = await dig('nope.drdrill.test', 'A');
    expect(header.stdout).to.match(/status: NXDOMAIN/).and.match(/flags: qr aa/);
    const soa = await answer('drdrill.test', 'SOA', '+tcp');
    expect(soa[0]).to.match(/^drdrill\.test\. 900 IN SOA ns\.drdrill\.test\. hostmaster\.drdrill\.test\. 1 /);

    const check = json(await aws('route53', 'get-health-check', '--health-check-id', 'hc-api-us-east-1')).HealthCheck as { HealthCheckVersion: number };
    json(await aws('route53', 'update-health-check', '--health-check-id', 'hc-api-us-east-1', '--inverted', '--health-check-version', String(check.HealthCheckVersion)));
    const until = async (address: string, transport: string[]): Promise<void> => {
      for (let i = 0; i < 100; i += 1) {
        if ((await answer('api.drdrill.test', 'A', ...transport))[0]?.endsWith(address)) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`dig never answered ${address}`);
    };
    await until('127.0.0.3', []);
    expect(await answer('api.drdrill.test', 'A', '+tcp')).to.deep.equal(['api.drdrill.test. 1 IN A 127.0.0.3']);
    json(await aws('route53', 'update-health-check', '--health-check-id', 'hc-api-us-east-1', '--no-inverted'));
    await until('127.0.0.2', ['+tcp']);
    expect(await answer('api.drdrill.test', 'A')).to.deep.equal(['api.drdrill.test. 1 IN A 127.0.0.2']);
  });
});
