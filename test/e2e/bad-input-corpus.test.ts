import { expect } from 'chai';
import { readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli } from '../../src/cli/cli.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import { sandboxEnvironment } from '../../src/sandbox/sandbox-environment.ts';
import { sandboxEnvironmentInput } from '../support/sandbox-environment-input.ts';
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

/** The same drill written as steps. */
const STEPS_DRILL = {
  name: 'corpus-steps',
  service: 'api',
  load: { rate: 10 },
  steps: [
    { step: 'hold', duration: '1s' },
    { step: 'inject', fault: 'lambda-throttle-1' },
    { step: 'until', dns: { region: 'secondary' }, within: '5s' },
    { step: 'approve', name: 'fail-back', question: 'Fail back?', timeout: '1m' },
    { step: 'revert', fault: 'all' },
  ],
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

/** Journals under a state directory: "nothing was changed" means none was even opened. */
async function journalFiles(stateDir: string): Promise<string[]> {
  return readdir(path.join(stateDir, 'journal')).catch(() => []);
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
  { title: 'no k6 instances', path: ['load', 'k6'], value: { instances: 0 }, says: /load\.k6\.instances: expected at least 1 k6 instance/ },
  { title: 'half a k6 instance', path: ['load', 'k6'], value: { instances: 1.5 }, says: /load\.k6\.instances: expected a whole number of k6 instances/ },
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
  // Bounds: each of these used to pass validation, inject, and only then abort (exit 3).
  { title: 'zero load timeout', path: ['load', 'timeout'], value: '0s', says: /load\.timeout: expected a duration of at least 1 ms .*got 0 ms/ },
  { title: 'zero baseline', path: ['phases', 'baseline'], value: '0s', says: /phases\.baseline: expected a duration of at least 100 ms .*got 0 ms/ },
  { title: 'recovery past the timer range', path: ['phases', 'recovery'], value: '100000h', says: /phases\.recovery: expected a duration of at most 24 h, got 360000000000 ms/ },
  { title: 'settle of 1e308 ms', path: ['phases', 'settle'], value: `1${'0'.repeat(308)}ms`, says: /phases\.settle: expected a duration of at most 24 h, got 1e\+308 ms/ },
  { title: 'zero verify timeout', path: ['phases', 'verifyTimeout'], value: '0s', says: /phases\.verifyTimeout: expected a duration of at least 100 ms/ },
  { title: 'zero DNS probe interval', path: ['probes'], value: { dnsInterval: '0s' }, says: /probes\.dnsInterval: expected a duration of at least 10 ms .*got 0 ms/ },
  { title: 'health poll every hour', path: ['probes'], value: { healthInterval: '1h' }, says: /probes\.healthInterval: expected a duration of at most 1 m/ },
  { title: 'zero max fault duration', path: ['guardrails'], value: { maxFaultDuration: '0s' }, says: /guardrails\.maxFaultDuration: expected a duration of at least 1 s .*got 0 ms/ },
  { title: 'zero error-rate window', path: ['guardrails'], value: { stopOnErrorRate: { maxErrorRate: 50, window: '0s' } }, says: /guardrails\.stopOnErrorRate\.window: expected a duration of at least 100 ms/ },
  { title: 'a ramp stage of a year', path: ['load', 'ramp'], value: [{ target: 5, duration: '8760h' }], says: /load\.ramp\[0\]\.duration: expected a duration of at most 24 h/ },
  // Cross-references and targets: refused before the journal is opened or any call is made.
  { title: 'a target region the service lacks, by role', path: ['faults', 0, 'target', 'region'], value: 'quaternary', says: /faults\[0\]\.target\.region: "quaternary" is not a region of service "api" in environment "sandbox" \(it has 2: primary us-east-1, secondary us-west-2\)/ },
  { title: 'a target region the service lacks, by name', path: ['faults', 0, 'target', 'region'], value: 'eu-west-9', says: /faults\[0\]\.target\.region: "eu-west-9" is not a region of service "api"/ },
  { title: 'a target region by position past the chain', path: ['faults', 0, 'target', 'region'], value: 3, says: /faults\[0\]\.target\.region: 3 is not a region of service "api"/ },
  { title: 'an assertion on a service the drill does not load', path: ['assertions', 0, 'service'], value: 'service2', says: /assertions\[0\]\.service: "service2" is not a service the drill loads \(it loads: api; add it to load\.services\)/ },
  { title: 'an assertion region the service lacks', path: ['assertions', 0, 'to'], value: 'tertiary', says: /assertions\[0\]\.to: "tertiary" is not a region of service "api"/ },
  { title: 'an assertion timed from a fault the drill lacks', path: ['assertions', 0, 'fault'], value: 'nope', says: /assertions\[0\]\.fault: "nope" is not the name of a fault of this drill \(its faults: lambda-throttle-1\)/ },
  { title: 'a loaded service the environment lacks', path: ['load', 'services'], value: ['api', 'payments'], says: /load\.services\[1\]: "payments" is not defined in environment "sandbox"/ },
  { title: 'a fault on a service the environment lacks', path: ['faults', 0, 'target', 'service'], value: 'payments', says: /faults\[0\]: service "payments" is not defined in environment "sandbox"/ },
  { title: 'an experiment template the environment lacks', path: ['faults', 0], value: { injector: 'fis-experiment', templates: ['nope'] }, says: /faults\[0\]: experiment template "nope" is not defined/ },
  {
    title: 'the same fault twice on one target',
    path: ['faults'],
    value: [{ injector: 'lambda-throttle', target: { region: 'primary' } }, { injector: 'lambda-throttle', target: { region: 'primary' } }],
    says: /faults\[1\]: changes arn:aws:lambda:us-east-1:\d{12}:function:api-handler, which faults\[0\] already changes/,
  },
  {
    title: 'one function faulted by two injectors',
    path: ['faults'],
    value: [{ injector: 'lambda-throttle', target: { region: 'primary' } }, { injector: 'lambda-500', mode: 'throttle', target: { region: 'primary', services: ['service1', 'api'] } }],
    says: /faults\[1\]: changes arn:aws:lambda:us-east-1:\d{12}:function:api-handler, which faults\[0\] already changes/,
  },
  {
    title: 'one health check inverted and disabled',
    path: ['faults'],
    value: [{ injector: 'health-check-invert', target: { region: 'primary' } }, { injector: 'health-check-disable', target: { region: 'primary' } }],
    says: /faults\[1\]: changes arn:aws:route53:::healthcheck\/\S+, which faults\[0\] already changes/,
  },
];

/** Steps drills (STEPS_DRILL, one field changed); none of them gets as far as a control-plane call. */
const STEP_CASES: readonly Case[] = [
  { title: 'an unknown step kind', path: ['steps', 0, 'step'], value: 'wait', says: /steps\[0\]\.step: .*"inject".*"note"/ },
  { title: 'a revert of a fault never injected', path: ['steps', 4, 'fault'], value: 'nope', says: /steps\[4\]\.fault: "nope" is not in at this step/ },
  { title: 'an until without within', path: ['steps', 2, 'within'], value: undefined, says: /steps\[2\]\.within: required/ },
  { title: 'an until on a region the service lacks', path: ['steps', 2, 'dns', 'region'], value: 'tertiary', says: /steps\[2\]\.dns\.region: "tertiary" is not a region of service "api"/ },
  { title: 'an approve step nobody can answer (no terminal, no --approve)', path: ['steps', 3, 'question'], value: 'Fail back?', says: /steps\[3\]: approve step "fail-back" has nobody to answer it/ },
  { title: 'both steps and phases', path: ['phases'], value: { baseline: '1s', recovery: '1s', settle: '1s' }, says: /steps: expected steps or phases, not both/ },
];

const ENVIRONMENT_CASES: readonly Case[] = [
  { title: 'short account id', path: ['accountId'], value: '1234', says: /accountId: expected a 12-digit AWS account id/ },
  { title: 'unknown kind', path: ['kind'], value: 'gcp', says: /kind: .*"sandbox".*"aws"/ },
  { title: 'bad region', path: ['regions', 'secondary'], value: 'mars-1', says: /regions\.secondary: expected an AWS region/ },
  { title: 'no resolvers', path: ['dnsResolvers'], value: [], says: /dnsResolvers: expected at least one resolver/ },
  { title: 'resolver without port', path: ['dnsResolvers', 0], value: '1.1.1.1', says: /dnsResolvers\[0\]: expected "host:port"/ },
  { title: 'relative service url', path: ['services', 'api', 'url'], value: 'api.example.com', says: /services\.api\.url: expected an absolute URL/ },
  { title: 'missing secondary function', path: ['services', 'api', 'functions', 'secondary'], value: undefined, says: /services\.api\.functions\.us-west-2: missing: every region of the service needs its function \(us-west-2 is secondary\)/ },
  { title: 'a region twice in one chain', path: ['services', 'api', 'regions'], value: ['us-east-1', 'us-west-2', 'us-east-1'], says: /services\.api\.regions\[2\]: "us-east-1" is listed twice in one chain/ },
  { title: 'a service region the environment lacks', path: ['services', 'api', 'regions'], value: ['us-east-1', 'eu-west-1'], says: /services\.api\.regions\[1\]: "eu-west-1" is not one of the environment's regions \(us-east-1, us-west-2\)/ },
  {
    title: 'a latency service with one region',
    path: ['services', 'api'],
    value: { url: 'https://api.example.com/health', hostedZoneId: 'Z1', recordName: 'api.example.com', routing: 'latency', regions: ['us-east-1'], functions: { primary: 'f' }, healthChecks: { primary: 'h1' } },
    says: /services\.api\.regions: a latency service needs at least two regions, it has 1 \(us-east-1\)/,
  },
  { title: 'a per-region key naming no region of the service', path: ['services', 'api', 'functions', 'tertiary'], value: 'f', says: /services\.api\.functions\.tertiary: "tertiary" names no region of this service \(it has primary us-east-1, secondary us-west-2\)/ },
  { title: 'bad security group id', path: ['services', 'api', 'securityGroups'], value: { primary: 'alb', secondary: 'sg-1' }, says: /services\.api\.securityGroups\.primary: expected a security group id/ },
  { title: 'no services', path: ['services'], value: {}, says: /services: expected at least one service/ },
  { title: 'switch role that is not a role ARN', path: ['deadMansSwitch'], value: { assumeRoleArn: 'drdrill-revert' }, says: /deadMansSwitch\.assumeRoleArn: expected an IAM role ARN/ },
  { title: 'switch margin in parsecs', path: ['deadMansSwitch'], value: { margin: '1 parsec' }, says: /deadMansSwitch\.margin: expected a duration/ },
  { title: 'switch enabled as text', path: ['deadMansSwitch'], value: { enabled: 'yes' }, says: /deadMansSwitch\.enabled: .*expected boolean/ },
  { title: 'switch margin as a bare number', path: ['deadMansSwitch'], value: { margin: 60 }, says: /deadMansSwitch\.margin: a duration needs a unit.*write "60s" or "60000ms"/ },
  { title: 'switch margin past the timer range', path: ['deadMansSwitch'], value: { margin: '1000h' }, says: /deadMansSwitch\.margin: expected a duration of at most 24 h/ },
  { title: 'both a KMS and a PEM evidence key', path: ['evidence'], value: { signingKey: 'alias/drdrill-evidence', signingKeyFile: 'evidence.pem' }, says: /evidence: expected signingKey \(KMS\) or signingKeyFile \(PEM\), not both/ },
  { title: 'an empty evidence signing key', path: ['evidence'], value: { signingKey: '' }, says: /evidence\.signingKey: expected a non-empty string/ },
  { title: 'a request method no API takes', path: ['services', 'api', 'request'], value: { method: 'FETCH' }, says: /services\.api\.request\.method: expected one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, got "FETCH"/ },
  { title: 'a request body with GET', path: ['services', 'api', 'request'], value: { body: '{}' }, says: /services\.api\.request\.body: expected no body with method GET/ },
  {
    title: 'a credential header written as a literal',
    path: ['services', 'api', 'request'],
    value: { headers: { authorization: 'Bearer committed-token-0123' } },
    says: /services\.api\.request\.headers\.authorization: expected \{ fromEnv: "VARIABLE" \}.*got a literal value/,
  },
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
  { title: 'a primary health check that does not exist', path: ['services', 'api', 'healthChecks', 'us-east-1'], value: 'hc-nope', says: /services\.api\.healthChecks\.us-east-1: Route 53 health check "hc-nope" does not exist/ },
  { title: 'a secondary health check that does not exist', path: ['services', 'api', 'healthChecks', 'us-west-2'], value: 'hc-nope', says: /services\.api\.healthChecks\.us-west-2: Route 53 health check "hc-nope" does not exist/ },
  { title: 'a hosted zone that does not exist', path: ['services', 'api', 'hostedZoneId'], value: 'ZNOPE', says: /services\.api\.hostedZoneId: Route 53 hosted zone "ZNOPE" does not exist/ },
  { title: 'a record the zone does not have', path: ['services', 'api', 'recordName'], value: 'nope.drdrill.test', says: /services\.api\.recordName: hosted zone "[^"]+" has no record named "nope\.drdrill\.test"/ },
  { title: 'a secondary function that does not exist', path: ['services', 'api', 'functions', 'us-west-2'], value: 'nope-fn', says: /services\.api\.functions\.us-west-2: Lambda function "nope-fn" does not exist in/ },
  {
    title: 'a custom domain that does not exist',
    path: ['services', 'service2', 'customDomains', 'us-east-1'],
    value: 'nope.example.com',
    fault: { injector: 'api-mapping-detach', target: { region: 'primary', service: 'service2' } },
    says: /services\.service2\.customDomains\.us-east-1: API Gateway custom domain "nope\.example\.com" not found/,
  },
  {
    title: 'a security group that does not exist',
    path: ['services', 'service2', 'securityGroups', 'us-east-1'],
    value: 'sg-0nope',
    fault: { injector: 'sg-ingress-revoke', target: { region: 'primary', service: 'service2' }, rules: { protocol: 'tcp', port: 443 } },
    says: /services\.service2\.securityGroups\.us-east-1: security group "sg-0nope" not found/,
  },
  {
    title: 'a FIS template that does not exist',
    path: ['services', 'api', 'fisTemplates', 'us-east-1'],
    value: 'EXTnope',
    fault: { injector: 'lambda-500', mode: 'fis', target: { region: 'primary' } },
    says: /services\.api\.fisTemplates\.us-east-1: FIS experiment template "EXTnope" not found/,
  },
  {
    title: 'a routing control that does not exist',
    path: ['services', 'service1', 'routingControls', 'us-east-1'],
    value: 'arn:aws:route53-recovery-control::000000000000:controlpanel/nope/routingcontrol/nope',
    fault: { injector: 'routing-control', target: { region: 'primary', service: 'service1' }, state: 'Off' },
    says: /services\.service1\.routingControls\.us-east-1: routing control "arn:[^"]+nope" not found/,
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
    // Drill files are ES modules, as in a project with "type": "module" (top-level await needs it).
    await writeFile(path.join(dir, 'package.json'), '{ "type": "module" }\n');
  });
  after(async () => {
    await sandbox.close();
    await rm(dir, { recursive: true, force: true });
  });

  it(`has at least 30 cases`, () => {
    expect(DRILL_CASES.length + ENVIRONMENT_CASES.length).to.be.at.least(30);
  });

  const drillCases = [...DRILL_CASES.map((testCase) => ({ testCase, base: VALID_DRILL })), ...STEP_CASES.map((testCase) => ({ testCase, base: STEPS_DRILL }))];
  drillCases.forEach(({ testCase, base }, index) => {
    it(`exits 2 for a drill with ${testCase.title}, naming the field, with no mutating call`, async function () {
      // At a terminal an approve step can be answered: the refusal is for runs nobody can answer.
      if (base === STEPS_DRILL && process.stdin.isTTY) this.skip();
      const file = path.join(dir, `drill-${index}.drill.ts`);
      const drill = withChange(base, testCase.path, testCase.value);
      await writeFile(file, `import { defineDrill } from ${define};\nexport const drill = defineDrill(${JSON.stringify(drill)} as never);\n`);
      const io = captureIo();
      const code = await runCli(['run', file, '--sandbox-url', sandbox.description.controlPlaneUrl, '--state-dir', dir, '--out', dir], io);
      expect(code, io.text()).to.equal(2);
      expect(io.text()).to.match(testCase.says);
      expect(io.text()).to.include('nothing was changed');
      expect(sandbox.calls().filter((call) => call.mutating)).to.deep.equal([]);
      expect(await journalFiles(dir)).to.deep.equal([]);
    });
  });

  it('exits 2 for two faults on one function named by name in one and by ARN in the other, with no mutating call', async () => {
    // The sandbox's own environment, plus a second service whose primary function is api-handler spelt as a qualified ARN.
    const environment = sandboxEnvironment(sandbox.description);
    const api = environment.services['api'];
    if (api === undefined) throw new Error('the sandbox has no api service');
    const arn = `arn:aws:lambda:${environment.regions[0]}:${environment.accountId}:function:${api.functions[environment.regions[0] ?? '']}:live`;
    const envFile = path.join(dir, 'by-arn-env.ts');
    await writeFile(
      envFile,
      `import { defineEnvironment } from ${defineEnv};\nexport const environment = defineEnvironment(${JSON.stringify({ ...sandboxEnvironmentInput(sandbox), services: { ...environment.services, 'api-by-arn': { ...api, functions: { ...api.functions, [environment.regions[0] ?? '']: arn } } } })} as never);\n`,
    );
    const file = path.join(dir, 'by-arn.drill.ts');
    const drill = withChange(VALID_DRILL, ['faults'], [
      { injector: 'lambda-throttle', target: { region: 'primary' } },
      { injector: 'lambda-throttle', target: { region: 'primary', service: 'api-by-arn' } },
    ]);
    await writeFile(file, `import { defineDrill } from ${define};\nexport const drill = defineDrill(${JSON.stringify(drill)} as never);\n`);
    const io = captureIo();
    const code = await runCli(['run', file, '--env', envFile, '--state-dir', dir, '--out', dir], io);
    expect(code, io.text()).to.equal(2);
    expect(io.text()).to.match(/faults\[1\]: changes arn:aws:lambda:us-east-1:\d{12}:function:api-handler, which faults\[0\] already changes/);
    expect(sandbox.calls().filter((call) => call.mutating)).to.deep.equal([]);
    expect(await journalFiles(dir)).to.deep.equal([]);
  });

  /** Files and flags that are bad input beyond a drill field; each: exit 2 naming the field or flag, nothing touched. */
  const CLI_CASES: readonly { readonly title: string; readonly args: () => Promise<string[]>; readonly says: RegExp }[] = [
    {
      title: 'a drill whose getter throws',
      args: async () => [await writeDrillSource('getter', `{ ...${JSON.stringify(VALID_DRILL)}, get phases() { throw new Error('no phases today'); } }`)],
      says: /phases: reading it threw "no phases today"/,
    },
    {
      title: 'a drill whose top-level await never settles',
      args: async () => [await writeDrillSource('never-settles', JSON.stringify(VALID_DRILL), 'await new Promise(() => {});\n')],
      says: /could not be loaded: its import did not finish within 5 s/,
    },
    {
      title: '--out pointing at a regular file',
      args: async () => [await writeDrillSource('out-file', JSON.stringify(VALID_DRILL)), '--out', await regularFile('out-is-a-file')],
      says: /--out: .*out-is-a-file is a file, not a folder/,
    },
    {
      title: '--state-dir pointing at a regular file',
      args: async () => [await writeDrillSource('state-file', JSON.stringify(VALID_DRILL)), '--state-dir', await regularFile('state-is-a-file')],
      says: /--state-dir: .*state-is-a-file is a file, not a folder/,
    },
    {
      title: '--sandbox-url pointing at a regional endpoint',
      args: async () => [await writeDrillSource('regional', JSON.stringify(VALID_DRILL)), '--sandbox-url', sandbox.description.regions[0]?.url ?? ''],
      says: /--sandbox-url: .* answered, but not as a sandbox control plane/,
    },
    {
      title: 'a sandbox environment without an endpoint',
      args: async () => {
        const { endpoint: _, ...environment } = sandboxEnvironmentInput(sandbox);
        const envFile = path.join(dir, 'no-endpoint-env.ts');
        await writeFile(envFile, `import { defineEnvironment } from ${defineEnv};\nexport const environment = defineEnvironment(${JSON.stringify(environment)} as never);\n`);
        return [await writeDrillSource('no-endpoint', JSON.stringify(VALID_DRILL)), '--env', envFile];
      },
      says: /endpoint: required for kind "sandbox"/,
    },
  ];

  async function writeDrillSource(name: string, body: string, prelude = ''): Promise<string> {
    const file = path.join(dir, `${name}.drill.ts`);
    await writeFile(file, `import { defineDrill } from ${define};\n${prelude}export const drill = defineDrill(${body} as never);\n`);
    return file;
  }

  async function regularFile(name: string): Promise<string> {
    const file = path.join(dir, name);
    await writeFile(file, 'not a folder\n');
    return file;
  }

  for (const testCase of CLI_CASES) {
    it(`exits 2 for ${testCase.title}, naming it, with no mutating call and no journal`, async () => {
      const [file, ...flags] = await testCase.args();
      const defaults = { '--sandbox-url': sandbox.description.controlPlaneUrl, '--state-dir': dir, '--out': dir };
      // The case's own flags win; --env replaces --sandbox-url.
      const given = new Map<string, string>();
      for (let i = 0; i < flags.length; i += 2) given.set(flags[i] as string, flags[i + 1] as string);
      const args = ['run', file as string];
      for (const [flag, value] of Object.entries(defaults)) {
        if (flag === '--sandbox-url' && given.has('--env')) continue;
        args.push(flag, given.get(flag) ?? value);
      }
      if (given.has('--env')) args.push('--env', given.get('--env') as string);
      const io = captureIo();
      const code = await runCli(args, io);
      expect(code, io.text()).to.equal(2);
      expect(io.text()).to.match(testCase.says);
      expect(io.text()).to.include('nothing was changed');
      expect(sandbox.calls().filter((call) => call.mutating)).to.deep.equal([]);
      expect(await journalFiles(dir)).to.deep.equal([]);
    });
  }

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
      expect(await journalFiles(dir)).to.deep.equal([]);
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
