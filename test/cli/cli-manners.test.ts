import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { expect } from 'chai';
import { runCli } from '../../src/cli/cli.ts';
import { COMMAND_HELP } from '../../src/cli/command-help.ts';
import { captureIo } from '../e2e/e2e-kit.ts';

const exec = promisify(execFile);
const BIN = path.resolve('bin/drdrill.js');
const AWS_DRILL = path.resolve('drills/aws/primary-lambda-throttle.drill.ts');

/** An AWS environment whose endpoint is a closed loopback port: nothing can leave the machine even with credentials. */
function awsEnvironment(profile?: string): string {
  return `export const environment = ${JSON.stringify({
    name: 'staging',
    kind: 'aws',
    accountId: '123456789012',
    ...(profile === undefined ? {} : { profile }),
    endpoint: 'http://127.0.0.1:9',
    regions: { primary: 'us-east-1', secondary: 'us-west-2' },
    dnsResolvers: ['127.0.0.1:9'],
    services: {
      api: {
        url: 'https://api.example.com/health',
        hostedZoneId: 'Z0123456789ABCDEFGHIJ',
        recordName: 'api.example.com',
        functions: { primary: 'api-handler', secondary: 'api-handler' },
        healthChecks: { primary: 'hc-1', secondary: 'hc-2' },
      },
    },
  })};\n`;
}

describe('CLI manners', () => {
  it('--version prints the package version', async () => {
    const { version } = JSON.parse(await readFile('package.json', 'utf8')) as { version: string };
    const io = captureIo();
    expect(await runCli(['--version'], io)).to.equal(0);
    expect(io.lines).to.deep.equal([version]);
  });

  it('help <command> and <command> --help print the same usage for every command', async () => {
    for (const command of Object.keys(COMMAND_HELP)) {
      const viaHelp = captureIo();
      const viaFlag = captureIo();
      expect(await runCli(['help', command], viaHelp), command).to.equal(0);
      expect(await runCli([command, '--help'], viaFlag), command).to.equal(0);
      expect(viaHelp.lines[0], command).to.match(new RegExp(`^usage: drdrill ${command}\\b`));
      expect(viaFlag.lines, command).to.deep.equal(viaHelp.lines);
    }
  });

  it('help for an unknown command exits 2 and lists the commands', async () => {
    const io = captureIo();
    expect(await runCli(['help', 'rnu'], io)).to.equal(2);
    expect(io.text()).to.include('unknown command "rnu"').and.include('run, plan');
  });

  describe('without AWS credentials', function () {
    this.timeout(120_000);
    let dir: string;
    /** No credential source at all: no keys, no profile files, no instance metadata. */
    let bareEnv: NodeJS.ProcessEnv;

    before(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'drdrill-nocreds-'));
      await writeFile(path.join(dir, 'staging.ts'), awsEnvironment());
      await writeFile(path.join(dir, 'profiled.ts'), awsEnvironment('dr-drills'));
      bareEnv = {
        PATH: process.env.PATH,
        HOME: dir,
        AWS_CONFIG_FILE: path.join(dir, 'no-config'),
        AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'no-credentials'),
        AWS_EC2_METADATA_DISABLED: 'true',
      };
    });

    after(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    const cases: readonly [string, (dir: string) => string[]][] = [
      ['plan', (d) => ['plan', AWS_DRILL, '--env', path.join(d, 'staging.ts')]],
      ['run', (d) => ['run', AWS_DRILL, '--env', path.join(d, 'staging.ts'), '--yes', '--state-dir', path.join(d, 'state'), '--out', path.join(d, 'reports')]],
      ['discover', () => ['discover', '--record', 'api.example.com', '--env-name', 'found']],
    ];
    for (const [command, args] of cases) {
      it(`${command} exits 2 with one message naming the credential chain and what to do, no stack trace, nothing written`, async () => {
        // Run from the temporary folder, so whatever a command might write lands where the test looks.
        const failure = await exec(process.execPath, [BIN, ...args(dir)], { cwd: dir, env: bareEnv, timeout: 60_000 }).then(
          () => undefined,
          (error: { code: number; stdout: string; stderr: string }) => error,
        );
        expect(failure?.code, failure?.stderr).to.equal(2);
        const stderr = failure?.stderr ?? '';
        expect(stderr).to.match(/^drdrill: no usable AWS credentials \(CredentialsProviderError: /);
        expect(stderr).to.include('tried the default AWS credential chain').and.include('AWS_ACCESS_KEY_ID').and.include('aws sso login');
        expect(stderr).to.include('nothing was changed.');
        expect(stderr).to.not.match(/^\s+at /m);
        expect(stderr.match(/^drdrill:/gm)).to.have.length(1);
        expect(await readdir(dir)).to.have.members(['staging.ts', 'profiled.ts']);
      });
    }

    it('a profile named in the environment is the one the message names', async () => {
      const failure = await exec(process.execPath, [BIN, 'plan', AWS_DRILL, '--env', path.join(dir, 'profiled.ts')], { cwd: dir, env: bareEnv, timeout: 60_000 }).then(
        () => undefined,
        (error: { code: number; stderr: string }) => error,
      );
      expect(failure?.code).to.equal(2);
      expect(failure?.stderr).to.include('tried the profile "dr-drills" named in the environment').and.include('aws sso login --profile dr-drills');
    });
  });

  describe('with expired credentials', () => {
    let sts: ReturnType<typeof mockClient>;
    beforeEach(() => {
      sts = mockClient(STSClient);
    });
    afterEach(() => sts.restore());

    it('plan exits 2 naming the expired token, before reading any target', async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'drdrill-expired-'));
      try {
        await writeFile(path.join(dir, 'staging.ts'), awsEnvironment());
        sts.onAnyCommand().rejects(Object.assign(new Error('The security token included in the request is expired'), { name: 'ExpiredToken' }));
        const io = captureIo();
        expect(await runCli(['plan', 'drills/aws/primary-lambda-throttle.drill.ts', '--env', path.join(dir, 'staging.ts')], io)).to.equal(2);
        // The message is all that is printed: nothing was read, so no plan line came before it.
        expect(io.text()).to.match(/^drdrill: no usable AWS credentials \(ExpiredToken: The security token included in the request is expired\)/);
        expect(io.text()).to.include('renew them');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
});
