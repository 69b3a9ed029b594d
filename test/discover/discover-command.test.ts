import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { runCli } from '../../src/cli/cli.ts';
import { discoverCommand } from '../../src/cli/discover-command.ts';
import type { Environment } from '../../src/drill/environment.ts';
import { loadEnvironment } from '../../src/drill/load-drill.ts';
import { sandboxEnvironment } from '../../src/sandbox/sandbox-environment.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { captureIo } from '../e2e/e2e-kit.ts';

const exec = promisify(execFile);
const BIN = path.resolve('bin/drdrill.js');

describe('drdrill discover on the sandbox', function () {
  this.timeout(120_000);
  let sandbox: Sandbox;
  let own: Environment;
  let dir: string;
  let environments: string;

  before(async () => {
    sandbox = await startSandbox();
    own = sandboxEnvironment(sandbox.description);
    // A project with drdrill installed (linked to this checkout), so the written file's
    // `import … from 'drdrill'` resolves as it would in a user's repository.
    dir = await mkdtemp(path.join(tmpdir(), 'drdrill-discover-'));
    await mkdir(path.join(dir, 'node_modules'));
    await symlink(process.cwd(), path.join(dir, 'node_modules', 'drdrill'), 'dir');
    environments = path.join(dir, 'environments');
  });
  after(async () => {
    await sandbox?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  async function discover(record: string, envName: string): Promise<{ code: number; out: string; calls: ReturnType<Sandbox['calls']> }> {
    const io = captureIo();
    const before = sandbox.calls().length;
    const code = await discoverCommand({ record, envName, environments, sandboxUrl: sandbox.description.controlPlaneUrl }, io);
    return { code, out: io.text(), calls: sandbox.calls().slice(before) };
  }

  /** The CLI as a user runs it, from the project folder (so the file would land in its drills/environments). */
  async function discoverCli(record: string, envName: string): Promise<{ code: number; stderr: string }> {
    return exec(process.execPath, [BIN, 'discover', '--record', record, '--env-name', envName, '--sandbox-url', sandbox.description.controlPlaneUrl], { cwd: dir, timeout: 60_000 }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
  }

  it('writes an environment with the sandbox\'s own ids, each commented with the read call it came from, and makes no mutating call', async () => {
    const { code, calls } = await discover('api.drdrill.test', 'found');
    expect(code).to.equal(0);
    expect(calls.filter((call) => call.mutating)).to.deep.equal([]);
    expect(new Set(calls.map((call) => call.operation))).to.include.keys(
      'GetCallerIdentity',
      'ListHostedZonesByName',
      'ListResourceRecordSets',
      'GetHealthCheck',
      'GetDomainName',
      'GetApiMappings',
      'GetIntegrations',
      'GetFunctionConfiguration',
    );
    const file = path.join(environments, 'found.ts');
    const text = await readFile(file, 'utf8');
    for (const line of text.split('\n').filter((l) => /^\s+(primary|secondary|accountId|hostedZoneId|recordName|url):/.test(l))) {
      expect(line).to.match(/\/\/ (STS|Route 53|apigatewayv2|lambda|sandbox) /);
    }
    const found = await loadEnvironment(file);
    const ownApi = own.services.api;
    const foundApi = found.services.api;
    const arns = sandbox.description.resources.services.find((s) => s.name === 'api')?.deployments.map((d) => d.functionArn);
    expect(found.kind).to.equal('sandbox');
    expect(found.accountId).to.equal(own.accountId);
    expect(found.regions).to.deep.equal(own.regions);
    expect(found.endpoint).to.equal(own.endpoint);
    expect(found.dnsResolvers).to.deep.equal(own.dnsResolvers);
    expect(foundApi?.hostedZoneId).to.equal(ownApi?.hostedZoneId);
    expect(foundApi?.recordName).to.equal(ownApi?.recordName);
    expect(foundApi?.healthChecks).to.deep.equal(ownApi?.healthChecks);
    expect([foundApi?.functions['us-east-1'], foundApi?.functions['us-west-2']]).to.deep.equal(arns);
    expect(foundApi?.addresses).to.deep.equal(ownApi?.addresses);
    expect(foundApi?.customDomains).to.deep.equal(ownApi?.customDomains);
    expect(foundApi?.failureFlags).to.deep.equal(ownApi?.failureFlags);
  });

  it('the shipped drill passes against the discovered environment', async () => {
    const io = captureIo();
    const code = await runCli(
      ['run', 'drills/sandbox/primary-lambda-throttle.drill.ts', '--env', path.join(environments, 'found.ts'), '--load', 'builtin', '--out', path.join(dir, 'reports'), '--state-dir', path.join(dir, 'state')],
      io,
    );
    expect(code, io.text()).to.equal(0);
  });

  it('follows failover aliases to the API Gateway regions, and a CALCULATED check to its probing child and routing control', async () => {
    const { code } = await discover('service1.drdrill.test', 'service1');
    expect(code).to.equal(0);
    const found = await loadEnvironment(path.join(environments, 'service1.ts'));
    const ownService = own.services.service1;
    expect(found.regions).to.deep.equal(own.regions);
    expect(found.services.service1?.healthChecks).to.deep.equal(ownService?.healthChecks);
    expect(found.services.service1?.routingControls).to.deep.equal(ownService?.routingControls);
    expect(found.services.service1?.functions).to.deep.equal({
      [own.regions[0] ?? '']: `arn:aws:lambda:${own.regions[0]}:${own.accountId}:function:${ownService?.functions[own.regions[0] ?? '']}`,
      [own.regions[1] ?? '']: `arn:aws:lambda:${own.regions[1]}:${own.accountId}:function:${ownService?.functions[own.regions[1] ?? '']}`,
    });
  });

  it('lists what it cannot find as TODO lines instead of guessing (an ALB backend names no function)', async () => {
    const { code, out } = await discover('service2.drdrill.test', 'service2');
    expect(code).to.equal(0);
    const text = await readFile(path.join(environments, 'service2.ts'), 'utf8');
    expect(text).to.match(/TODO functions\.primary: API \w+ in us-east-1 integrates HTTP_PROXY over a VPC link, not a Lambda function/);
    expect(text).to.include('// TODO primary: not found');
    expect(out).to.include('TODO functions.secondary');
  });

  for (const [record, says] of [
    ['apii.drdrill.test', 'no A, AAAA or CNAME record named "apii.drdrill.test" in hosted zone Z0DRDRILLSANDBOX'],
    ['api.drdril.test', 'no hosted zone in this account holds "api.drdril.test"'],
  ] as const) {
    it(`a misspelt record (${record}) exits 2 naming it, and writes nothing`, async () => {
      const before = sandbox.calls().length;
      const { code, stderr } = await discoverCli(record, 'misspelt');
      expect(code).to.equal(2);
      expect(stderr).to.include(says).and.include('nothing was changed');
      expect(sandbox.calls().slice(before).filter((call) => call.mutating)).to.deep.equal([]);
      await stat(path.join(dir, 'drills')).then(
        () => expect.fail('a file was written'),
        (error: NodeJS.ErrnoException) => expect(error.code).to.equal('ENOENT'),
      );
    });
  }

  it('never overwrites an environment file', async () => {
    const file = path.join(dir, 'drills', 'environments', 'mine.ts');
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, '// mine\n');
    const { code, stderr } = await discoverCli('api.drdrill.test', 'mine');
    expect(code).to.equal(2);
    expect(stderr).to.include(`${path.join('drills', 'environments', 'mine.ts')} exists`);
    expect(await readFile(file, 'utf8')).to.equal('// mine\n');
  });
});
