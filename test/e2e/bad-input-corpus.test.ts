import { expect } from 'chai';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli } from '../../src/cli/cli.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import { sandboxEnvironment } from '../../src/sandbox/sandbox-environment.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { captureIo, tempDir } from './e2e-kit.ts';

const VALID_DRILL = {
  name: 'corpus',
  service: 'api',
  load: { rate: 10 },
  phases: { baseline: '1s', recovery: '1s', settle: '1s' },
  faults: [{ injector: 'lambda-throttle', target: { region: 'primary' } }],
  assertions: [{ assertion: 'dns-convergence', within: '5s' }],
};

const VALID_ENVIRONMENT = {
  name: 'staging',
  kind: 'aws',
  accountId: '123456789012',
  regions: { primary: 'us-east-1', secondary: 'us-west-2' },
  dnsResolvers: ['127.0.0.1:53'],
  services: {
    api: {
      url: 'https://api.example.com/health',
      hostedZoneId: 'Z1',
      recordName: 'api.example.com',
      functions: { primary: 'f', secondary: 'f' },
      healthChecks: { primary: 'h1', secondary: 'h2' },
    },
  },
};

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** A copy of `base` with the value at `path` replaced (or deleted when `value` is undefined). */
function withChange(base: object, path: readonly (string | number)[], value: Json | undefined): Json {
  const copy = structuredClone(base) as Json;
  let node = copy as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, Json>;
  const last = path[path.length - 1] as string | number;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

interface Case {
  readonly title: string;
  readonly path: readonly (string | number)[];
  readonly value: Json | undefined;
  /** The line the user must see: the field path and what was expected. */
  readonly says: RegExp;
}

const DRILL_CASES: readonly Case[] = [
  { title: 'missing name', path: ['name'], value: undefined, says: /name: required \(expected string\)/ },
  { title: 'name with spaces', path: ['name'], value: 'My Drill', says: /name: expected lowercase letters, digits and dashes/ },
  { title: 'missing service', path: ['service'], value: undefined, says: /service: required/ },
  { title: 'empty service', path: ['service'], value: '', says: /service: expected the name of a service/ },
  { title: 'missing load', path: ['load'], value: undefined, says: /load: required \(expected object\)/ },
  { title: 'rate as text', path: ['load', 'rate'], value: 'fast', says: /load\.rate: .*expected number/ },
  { title: 'zero rate', path: ['load', 'rate'], value: 0, says: /load\.rate: expected a rate above 0/ },
  { title: 'negative rate', path: ['load', 'rate'], value: -5, says: /load\.rate: expected a rate above 0/ },
  { title: 'absurd rate', path: ['load', 'rate'], value: 1e9, says: /load\.rate: .*10000/ },
  { title: 'path without slash', path: ['load', 'path'], value: 'health', says: /load\.path: expected a path starting with "\/"/ },
  { title: 'timeout in parsecs', path: ['load', 'timeout'], value: '5 parsecs', says: /load\.timeout: expected a duration .*"5 parsecs"/ },
  { title: 'keepAlive as text', path: ['load', 'keepAlive'], value: 'yes', says: /load\.keepAlive: .*expected boolean/ },
  { title: 'unknown load field', path: ['load', 'rps'], value: 5, says: /load: unknown field "rps"/ },
  { title: 'missing phases', path: ['phases'], value: undefined, says: /phases: required/ },
  { title: 'missing baseline', path: ['phases', 'baseline'], value: undefined, says: /phases\.baseline: required/ },
  { title: 'negative duration', path: ['phases', 'recovery'], value: -1000, says: /phases\.recovery: expected a duration/ },
  { title: 'duration without unit', path: ['phases', 'settle'], value: '10', says: /phases\.settle: a duration needs a unit.*write "10s" or "10000ms"/ },
  { title: 'bare number for a bound', path: ['assertions', 0, 'within'], value: 6, says: /assertions\[0\]\.within: a duration needs a unit, got the bare number 6: write "6s" or "6000ms"/ },
  { title: 'bare number for a timeout', path: ['load', 'timeout'], value: 2.5, says: /load\.timeout: a duration needs a unit.*write "2\.5s" or "2500ms"/ },
  { title: 'cohort shares that do not add up', path: ['load', 'clients'], value: [{ cohort: 'fresh', share: 50 }, { cohort: 'jvm', share: 40 }], says: /load\.clients: expected shares adding up to 100 .*got 90/ },
  { title: 'a DNS cache on a cohort without one', path: ['load', 'clients'], value: [{ cohort: 'fresh', share: 100, dnsCache: '5s' }], says: /load\.clients\[0\]\.dnsCache: only jvm, k6 and browser have a fixed DNS cache/ },
  { title: 'a cohort filter naming no cohort', path: ['assertions', 0], value: { assertion: 'rto', within: '5s', cohort: 'jvm' }, says: /assertions\[0\]\.cohort: "jvm" is not a cohort of load\.clients \(the drill has none\)/ },
  { title: 'bare number for a phase', path: ['phases', 'baseline'], value: 3000, says: /phases\.baseline: a duration needs a unit.*write "3000s" or "3000000ms"/ },
  { title: 'probe interval in parsecs', path: ['probes'], value: { dnsInterval: '1 parsec' }, says: /probes\.dnsInterval: expected a duration/ },
  { title: 'no faults', path: ['faults'], value: [], says: /faults: expected at least one fault/ },
  { title: 'faults not a list', path: ['faults'], value: 'lambda-throttle', says: /faults: .*expected array/ },
  { title: 'unknown injector', path: ['faults', 0, 'injector'], value: 'lambda-explode', says: /faults\[0\]\.injector: .*"lambda-throttle"/ },
  { title: 'missing target', path: ['faults', 0, 'target'], value: undefined, says: /faults\[0\]\.target: required/ },
  { title: 'region by AWS name', path: ['faults', 0, 'target', 'region'], value: 'us-east-1', says: /faults\[0\]\.target\.region: .*"primary"/ },
  { title: 'unknown target field', path: ['faults', 0, 'target', 'function'], value: 'x', says: /faults\[0\]\.target: unknown field "function"/ },
  { title: 'no assertions', path: ['assertions'], value: [], says: /assertions: expected at least one assertion/ },
  { title: 'unknown assertion', path: ['assertions', 0, 'assertion'], value: 'vibes', says: /assertions\[0\]\.assertion: .*"dns-convergence"/ },
  { title: 'convergence without a bound', path: ['assertions', 0, 'within'], value: undefined, says: /assertions\[0\]\.within: required/ },
  { title: 'error rate above 100%', path: ['assertions', 0], value: { assertion: 'error-budget', maxErrorRate: 150 }, says: /assertions\[0\]\.maxErrorRate: / },
  { title: 'guardrail rate above 100%', path: ['guardrails'], value: { stopOnErrorRate: { maxErrorRate: 101 } }, says: /guardrails\.stopOnErrorRate\.maxErrorRate: expected a percentage from 0 to 100/ },
  { title: 'misspelt top-level field', path: ['assertion'], value: [], says: /\(top level\): unknown field "assertion"/ },
  { title: 'stop alarms as one name', path: ['guardrails'], value: { stopOnAlarms: 'api-5xx' }, says: /guardrails\.stopOnAlarms: expected a list of alarms/ },
  { title: 'stop alarm without a name', path: ['guardrails'], value: { stopOnAlarms: [{ region: 'primary' }] }, says: /guardrails\.stopOnAlarms\[0\]\.name: / },
  { title: 'alarm poll every 10 ms', path: ['guardrails'], value: { alarmPollInterval: '10ms' }, says: /guardrails\.alarmPollInterval: / },
  { title: 'max fault duration in parsecs', path: ['guardrails'], value: { maxFaultDuration: '2 parsecs' }, says: /guardrails\.maxFaultDuration: expected a duration/ },
];

const ENVIRONMENT_CASES: readonly Case[] = [
  { title: 'short account id', path: ['accountId'], value: '1234', says: /accountId: expected a 12-digit AWS account id/ },
  { title: 'unknown kind', path: ['kind'], value: 'gcp', says: /kind: .*"sandbox".*"aws"/ },
  { title: 'bad region', path: ['regions', 'secondary'], value: 'mars-1', says: /regions\.secondary: expected an AWS region/ },
  { title: 'no resolvers', path: ['dnsResolvers'], value: [], says: /dnsResolvers: expected at least one resolver/ },
  { title: 'resolver without port', path: ['dnsResolvers', 0], value: '1.1.1.1', says: /dnsResolvers\[0\]: expected "host:port"/ },
  { title: 'relative service url', path: ['services', 'api', 'url'], value: 'api.example.com', says: /services\.api\.url: expected an absolute URL/ },
  { title: 'missing secondary function', path: ['services', 'api', 'functions', 'secondary'], value: undefined, says: /services\.api\.functions\.secondary: required/ },
  { title: 'bad security group id', path: ['services', 'api', 'securityGroups'], value: { primary: 'alb', secondary: 'sg-1' }, says: /services\.api\.securityGroups\.primary: expected a security group id/ },
  { title: 'no services', path: ['services'], value: {}, says: /services: expected at least one service/ },
  { title: 'switch role that is not a role ARN', path: ['deadMansSwitch'], value: { assumeRoleArn: 'drdrill-revert' }, says: /deadMansSwitch\.assumeRoleArn: expected an IAM role ARN/ },
  { title: 'switch margin in parsecs', path: ['deadMansSwitch'], value: { margin: '1 parsec' }, says: /deadMansSwitch\.margin: expected a duration/ },
  { title: 'switch enabled as text', path: ['deadMansSwitch'], value: { enabled: 'yes' }, says: /deadMansSwitch\.enabled: .*expected boolean/ },
  { title: 'switch margin as a bare number', path: ['deadMansSwitch'], value: { margin: 60 }, says: /deadMansSwitch\.margin: a duration needs a unit.*write "60s" or "60000ms"/ },
];

/**
 * Ids an environment names that do not exist: each is read live (read-only) in preflight and is
 * bad input naming the environment file and field. The environment is the sandbox's own, written
 * to a file, with one id changed; `fault` swaps in a fault that uses that id.
 */
interface LiveIdCase {
  readonly title: string;
  readonly path: readonly (string | number)[];
  readonly value: string;
  readonly fault?: Json;
  readonly says: RegExp;
}

const LIVE_ID_CASES: readonly LiveIdCase[] = [
  { title: 'a primary health check that does not exist', path: ['services', 'api', 'healthChecks', 'primary'], value: 'hc-nope', says: /services\.api\.healthChecks\.primary: Route 53 health check "hc-nope" does not exist/ },
  { title: 'a secondary health check that does not exist', path: ['services', 'api', 'healthChecks', 'secondary'], value: 'hc-nope', says: /services\.api\.healthChecks\.secondary: Route 53 health check "hc-nope" does not exist/ },
  { title: 'a hosted zone that does not exist', path: ['services', 'api', 'hostedZoneId'], value: 'ZNOPE', says: /services\.api\.hostedZoneId: Route 53 hosted zone "ZNOPE" does not exist/ },
  { title: 'a record the zone does not have', path: ['services', 'api', 'recordName'], value: 'nope.drdrill.test', says: /services\.api\.recordName: hosted zone "[^"]+" has no record named "nope\.drdrill\.test"/ },
  { title: 'a secondary function that does not exist', path: ['services', 'api', 'functions', 'secondary'], value: 'nope-fn', says: /services\.api\.functions\.secondary: Lambda function "nope-fn" does not exist in/ },
  {
    title: 'a custom domain that does not exist',
    path: ['services', 'service2', 'customDomains', 'primary'],
    value: 'nope.example.com',
    fault: { injector: 'api-mapping-detach', target: { region: 'primary', service: 'service2' } },
    says: /services\.service2\.customDomains\.primary: API Gateway custom domain "nope\.example\.com" not found/,
  },
  {
    title: 'a security group that does not exist',
    path: ['services', 'service2', 'securityGroups', 'primary'],
    value: 'sg-0nope',
    fault: { injector: 'sg-ingress-revoke', target: { region: 'primary', service: 'service2' }, rules: { protocol: 'tcp', port: 443 } },
    says: /services\.service2\.securityGroups\.primary: security group "sg-0nope" not found/,
  },
  {
    title: 'a FIS template that does not exist',
    path: ['services', 'api', 'fisTemplates', 'primary'],
    value: 'EXTnope',
    fault: { injector: 'lambda-500', mode: 'fis', target: { region: 'primary' } },
    says: /services\.api\.fisTemplates\.primary: FIS experiment template "EXTnope" not found/,
  },
  {
    title: 'a routing control that does not exist',
    path: ['services', 'service1', 'routingControls', 'primary'],
    value: 'arn:aws:route53-recovery-control::000000000000:controlpanel/nope/routingcontrol/nope',
    fault: { injector: 'routing-control', target: { region: 'primary', service: 'service1' }, state: 'Off' },
    says: /services\.service1\.routingControls\.primary: routing control "arn:[^"]+nope" not found/,
  },
  {
    title: 'an experiment template that does not exist',
    path: ['experimentTemplates', 'api-primary-errors', 'id'],
    value: 'EXTnope',
    fault: { injector: 'fis-experiment', templates: ['api-primary-errors'] },
    says: /experimentTemplates\.api-primary-errors\.id: FIS experiment template "EXTnope" not found/,
  },
];

describe('the bad-input corpus', function () {
  this.timeout(120_000);
  let sandbox: Sandbox;
  let dir: string;
  const define = JSON.stringify(path.resolve('src/drill/define-drill.ts'));
  const defineEnv = JSON.stringify(path.resolve('src/drill/environment.ts'));

  before(async () => {
    sandbox = await startSandbox();
    dir = await tempDir('corpus');
  });
  after(async () => {
    await sandbox.close();
    await rm(dir, { recursive: true, force: true });
  });

  it(`has at least 30 cases`, () => {
    expect(DRILL_CASES.length + ENVIRONMENT_CASES.length).to.be.at.least(30);
  });

  DRILL_CASES.forEach((testCase, index) => {
    it(`exits 2 for a drill with ${testCase.title}, naming the field, with no mutating call`, async () => {
      const file = path.join(dir, `drill-${index}.drill.ts`);
      const drill = withChange(VALID_DRILL, testCase.path, testCase.value);
      await writeFile(file, `import { defineDrill } from ${define};\nexport const drill = defineDrill(${JSON.stringify(drill)} as never);\n`);
      const io = captureIo();
      const code = await runCli(['run', file, '--sandbox-url', sandbox.description.controlPlaneUrl, '--state-dir', dir, '--out', dir], io);
      expect(code, io.text()).to.equal(2);
      expect(io.text()).to.match(testCase.says);
      expect(io.text()).to.include('nothing was changed');
      expect(sandbox.calls().filter((call) => call.mutating)).to.deep.equal([]);
    });
  });

  ENVIRONMENT_CASES.forEach((testCase, index) => {
    it(`exits 2 for an environment with ${testCase.title}, naming the field, with no AWS call`, async () => {
      const file = path.join(dir, `env-${index}.ts`);
      const environment = withChange(VALID_ENVIRONMENT, testCase.path, testCase.value);
      await writeFile(file, `import { defineEnvironment } from ${defineEnv};\nexport const environment = defineEnvironment(${JSON.stringify(environment)} as never);\n`);
      const io = captureIo();
      const code = await runCli(['run', 'drills/sandbox/primary-lambda-throttle.drill.ts', '--env', file, '--state-dir', dir, '--out', dir], io);
      expect(code, io.text()).to.equal(2);
      expect(io.text()).to.match(testCase.says);
      // The environment file is named, not the drill.
      expect(io.text()).to.include(`${file} is invalid`);
      expect(io.text()).to.include('nothing was changed');
    });
  });

  LIVE_ID_CASES.forEach((testCase, index) => {
    it(`exits 2 for an environment naming ${testCase.title}, naming the file and field, with no mutating call`, async () => {
      const file = path.join(dir, `live-env-${index}.ts`);
      const drillFile = path.join(dir, `live-drill-${index}.drill.ts`);
      const environment = withChange(sandboxEnvironmentInput(sandbox), testCase.path, testCase.value);
      await writeFile(file, `import { defineEnvironment } from ${defineEnv};\nexport const environment = defineEnvironment(${JSON.stringify(environment)} as never);\n`);
      const drill = testCase.fault === undefined ? VALID_DRILL : withChange(VALID_DRILL, ['faults', 0], testCase.fault);
      await writeFile(drillFile, `import { defineDrill } from ${define};\nexport const drill = defineDrill(${JSON.stringify(drill)} as never);\n`);
      const before = sandbox.calls().length;
      const io = captureIo();
      const code = await runCli(['run', drillFile, '--env', file, '--state-dir', dir, '--out', dir], io);
      expect(code, io.text()).to.equal(2);
      expect(io.text(), io.text()).to.match(testCase.says);
      expect(io.text()).to.include(`${file} is invalid`);
      expect(io.text()).to.include('nothing was changed');
      const calls = sandbox.calls().slice(before);
      expect(calls.length, 'the ids were read live').to.be.greaterThan(0);
      expect(calls.filter((call) => call.mutating)).to.deep.equal([]);
    });
  });
});

/** The sandbox's environment as a person would write it in a file (durations as text). */
function sandboxEnvironmentInput(sandbox: Sandbox): object {
  const environment = sandboxEnvironment(sandbox.description);
  const margin = environment.deadMansSwitch?.margin;
  return { ...environment, ...(margin === undefined ? {} : { deadMansSwitch: { ...environment.deadMansSwitch, margin: `${margin}ms` } }) };
}
