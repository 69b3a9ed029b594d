import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { StartAutomationExecutionCommand, SSMClient } from '@aws-sdk/client-ssm';
import { ALREADY_REVERTED_ERRORS, TIMED_REVERT_PARAMETERS, TIMED_REVERT_PATTERNS, TIMED_REVERT_RUNBOOK } from '../../src/aws/timed-revert-runbook.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { isoDelay } from '../../src/runner/dead-mans-switch.ts';

interface RunbookDocument {
  readonly schemaVersion: string;
  readonly parameters: Record<string, { readonly type: string; readonly allowedPattern?: string; readonly default?: string }>;
  readonly mainSteps: readonly { readonly name: string; readonly action: string; readonly inputs: Record<string, unknown> }[];
}

/**
 * The runbook users install in AWS and the one the sandbox emulates must take the same
 * parameters, or drills pass on the sandbox and fail to arm in an account.
 */
describe(`the shipped ${TIMED_REVERT_RUNBOOK} runbook`, () => {
  let runbook: RunbookDocument;
  before(async () => {
    runbook = parse(await readFile('runbooks/drdrill-TimedRevert.yaml', 'utf8')) as RunbookDocument;
  });

  it('is an Automation document (schema 0.3) that sleeps, then makes the call', () => {
    expect(runbook.schemaVersion).to.equal('0.3');
    expect(runbook.mainSteps.map((step) => [step.name, step.action])).to.deep.equal([
      ['sleep', 'aws:sleep'],
      ['revert', 'aws:executeScript'],
    ]);
    expect(runbook.mainSteps[0]?.inputs).to.deep.equal({ Duration: '{{ Delay }}' });
  });

  it('declares exactly the parameters the sandbox accepts and drdrill sends', () => {
    expect(Object.keys(runbook.parameters).sort()).to.deep.equal([...TIMED_REVERT_PARAMETERS].sort());
    const payload = runbook.mainSteps[1]?.inputs['InputPayload'] as Record<string, string>;
    expect(Object.keys(payload).sort()).to.deep.equal(['Api', 'Endpoint', 'Region', 'Request', 'Service']);
  });

  it("accepts every delay drdrill computes, and the services and APIs its injectors' undo calls name", () => {
    const pattern = (name: string): RegExp => new RegExp(runbook.parameters[name]?.allowedPattern ?? '(?!)');
    for (const [ms, scale] of [[1, 1], [8000, 0.1], [3_600_000, 1], [90_500, 1]] as const) expect(isoDelay(ms, scale)).to.match(pattern('Delay'));
    for (const service of ['route53', 'lambda', 'ssm', 'apigatewayv2', 'ec2', 'route53-recovery-cluster']) expect(service).to.match(pattern('Service'));
    for (const api of ['UpdateHealthCheck', 'DeleteFunctionConcurrency', 'AuthorizeSecurityGroupIngress', 'UpdateRoutingControlState']) expect(api).to.match(pattern('Api'));
    // And it is a real constraint, not a pattern that lets anything through.
    expect('in a minute').to.not.match(pattern('Delay'));
    expect('lambda; rm -rf /').to.not.match(pattern('Service'));
  });

  it('declares the allowedPattern the sandbox enforces, parameter by parameter', () => {
    const declared = Object.fromEntries(Object.entries(runbook.parameters).flatMap(([name, p]) => (p.allowedPattern === undefined ? [] : [[name, p.allowedPattern]])));
    expect(declared).to.deep.equal(TIMED_REVERT_PATTERNS);
  });

  it('treats as success, in its script, exactly the "already reverted" errors the sandbox tolerates', () => {
    const script = String(runbook.mainSteps[1]?.inputs['Script']);
    const table = [...script.matchAll(/\('([\w-]+)', '(\w+)'\): '([\w.]+)'/g)].map(([, service, api, code]) => ({ service, api, code }));
    expect(table).to.deep.equal(ALREADY_REVERTED_ERRORS.map(({ service, api, code }) => ({ service, api, code })));
    // The one confirmed by reading state back does read it back.
    expect(script).to.match(/if events\['Api'\] == 'CreateApiMapping' and not mapping_in_place\(client, request\):\n\s+raise/);
  });

  it("is started by the sandbox only with values the document's allowedPattern accepts, as SSM does", async () => {
    const sandbox = await startSandbox();
    const ssm = new SSMClient({ region: 'us-east-1', endpoint: sandbox.description.controlPlaneUrl, credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' }, maxAttempts: 1 });
    const valid = { Delay: 'PT1H', Service: 'lambda', Api: 'DeleteFunctionConcurrency' };
    const candidates: Record<string, readonly string[]> = {
      Delay: ['PT90S', 'PT1H30M', '90', '1.5', 'P1D', 'PT1.5S', 'pt10s', 'PT10S; rm'],
      Service: ['lambda', 'route53-recovery-cluster', 'Lambda', 'lambda; rm -rf /', 'lambda\n'],
      Api: ['UpdateHealthCheck', 'Update_HealthCheck', 'Update HealthCheck'],
    };
    const mismatches: string[] = [];
    try {
      for (const [name, values] of Object.entries(candidates)) {
        for (const value of values) {
          const allowed = new RegExp(runbook.parameters[name]?.allowedPattern ?? '(?!)').test(value);
          const parameters = { ...valid, [name]: value, Request: '{"FunctionName":"api-handler"}' };
          const outcome = await ssm
            .send(new StartAutomationExecutionCommand({ DocumentName: TIMED_REVERT_RUNBOOK, Parameters: Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, [v]])) }))
            .then(
              () => 'accepted',
              (error: Error) => error.name,
            );
          const expected = allowed ? 'accepted' : 'InvalidAutomationExecutionParametersException';
          if (outcome !== expected) mismatches.push(`${name}=${JSON.stringify(value)}: ${outcome}, expected ${expected}`);
        }
      }
    } finally {
      ssm.destroy();
      await sandbox.close();
    }
    expect(mismatches).to.deep.equal([]);
  });
});
