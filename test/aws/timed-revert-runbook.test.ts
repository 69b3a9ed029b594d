import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { TIMED_REVERT_PARAMETERS, TIMED_REVERT_RUNBOOK } from '../../src/aws/timed-revert-runbook.ts';
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
});
