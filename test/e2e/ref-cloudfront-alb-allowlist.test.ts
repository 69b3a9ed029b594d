import { expect } from 'chai';
import path from 'node:path';
import { DescribeSecurityGroupRulesCommand, EC2Client, type SecurityGroupRule } from '@aws-sdk/client-ec2';
import { readSamplesCsv } from '../../src/reporters/read-samples-csv.ts';
import type { Sandbox, SandboxEvent } from '../../src/sandbox/sandbox-handle.ts';
import { sdkClient } from '../sandbox/sandbox-test-kit.ts';
import { addressOf, dnsSwitchedAt, figureOf, injectAt, removeDirs, runDrillOnSandbox, verdictNamed, type SandboxDrillRun } from './sandbox-drill-run.ts';

type FaultEvent = Extract<SandboxEvent, { type: 'fault' }>;

const ORIGIN = 'origin.edge.drdrill.test';

/**
 * Reference drill 1 (CloudFront → failover CNAME origin → HTTP API → VPC link → private ALB),
 * run from the CLI and held against the sandbox's own record: when the allow-list was actually
 * closed, when its DNS actually moved the origin, which requests reached the edge and what they
 * got, and the ALB's ingress rule before and after.
 */
describe('ref-cloudfront-alb-allowlist, against the sandbox’s ground truth', function () {
  this.timeout(120_000);
  const dirs: string[] = [];
  let run: SandboxDrillRun;
  let rulesBefore: SecurityGroupRule[] = [];
  const ingressOf = async (sandbox: Sandbox): Promise<SecurityGroupRule[]> => {
    const ec2 = sdkClient(EC2Client, sandbox, 'us-east-1');
    const groupId = sandbox.description.resources.services[0]?.deployments.find((d) => d.region === 'us-east-1')?.securityGroupId ?? '';
    const answer = await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }));
    return (answer.SecurityGroupRules ?? []).filter((rule) => rule.IsEgress === false);
  };

  before(async () => {
    run = await runDrillOnSandbox('drills/sandbox/ref-cloudfront-alb-allowlist.drill.ts', 'drills/topologies/cloudfront-alb-allowlist.ts', dirs, {
      before: async (sandbox) => {
        rulesBefore = await ingressOf(sandbox);
      },
    });
  });
  after(async () => {
    await run?.sandbox.close();
    await removeDirs(dirs);
  });

  it('passes every verdict', () => {
    expect(run.code, run.text).to.equal(0);
    for (const verdict of run.record.verdicts) expect(verdict.status, `${verdict.name}: ${verdict.observed}`).to.equal('passed');
  });

  it('times the origin’s failover and failback as the sandbox’s DNS switched', () => {
    const { sandbox, record } = run;
    const from = injectAt(record, 'allow-list-loses-api-gateway');
    const movedAt = dnsSwitchedAt(sandbox, ORIGIN, addressOf(sandbox, 'us-east-2'), from);
    // The prober sees the switch on its next probe (100 ms) plus the answer's 1 s TTL at most.
    expect(figureOf(record, 'dns.convergence') - (movedAt - from)).to.be.within(-150, 1250);
    const rollback = record.faults.find((event) => event.kind === 'rollback')?.at ?? Number.NaN;
    const backAt = dnsSwitchedAt(sandbox, ORIGIN, addressOf(sandbox, 'us-east-1'), rollback);
    expect(figureOf(record, 'failback') - (backAt - rollback)).to.be.within(-150, 1250);
  });

  it('counts the edge’s errors exactly where the allow-list was closed and the edge still forwarded to it', async () => {
    const { sandbox, record, runDir } = run;
    const closed = sandbox.events().filter((event): event is FaultEvent => event.type === 'fault' && event.fault === 'backend-unreachable' && event.region === 'us-east-1');
    expect(closed.map((event) => event.active)).to.deep.equal([true, false]);
    const [closedAt, openedAt] = closed.map((event) => event.at) as [number, number];
    const movedAt = dnsSwitchedAt(sandbox, ORIGIN, addressOf(sandbox, 'us-east-2'), closedAt);
    const samples = await readSamplesCsv(path.join(runDir, 'samples.csv.gz'));
    const edge = sandbox.description.edge?.address;
    let errors = 0;
    for (let i = 0; i < samples.length; i++) {
      const sample = samples.get(i);
      // Clients only ever talked to the edge, never to a region.
      expect(sample.address, 'connected address').to.equal(edge);
      if (sample.status < 400 && sample.status !== 0) continue;
      errors++;
      // CloudFront's origin timeout (504) or API Gateway's integration timeout (503), nothing else.
      expect([503, 504], `status of a failed request at ${sample.start - closedAt} ms`).to.include(sample.status);
      // Sent while the rule was gone and before the edge's cached origin answer (TTL 1 s) could name us-east-2.
      expect(sample.start).to.be.within(closedAt - 50, Math.min(openedAt, movedAt + 1100));
    }
    expect(errors, 'requests failed at the edge').to.be.greaterThan(0);
    expect(errors).to.equal(record.totals.errors);
    expect(verdictNamed(record, 'No error at the edge once on us-east-2, nor on the way back').status).to.equal('passed');
  });

  it('restores the ingress rule exactly, description included, under a new rule id', async () => {
    const after = await ingressOf(run.sandbox);
    const comparable = (rules: readonly SecurityGroupRule[]): object[] => rules.map(({ SecurityGroupRuleId: _id, SecurityGroupRuleArn: _arn, ...rest }) => rest);
    expect(rulesBefore).to.have.length(1);
    expect(rulesBefore[0]?.Description).to.equal('HTTPS from the API Gateway VPC link');
    expect(comparable(after)).to.deep.equal(comparable(rulesBefore));
    const revoked = run.sandbox.events().filter((event) => event.type === 'security-group-rule');
    expect(revoked.map((event) => event.type === 'security-group-rule' && event.change)).to.deep.equal(['revoked', 'authorized']);
  });
});
