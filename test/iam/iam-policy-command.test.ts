import { expect } from 'chai';
import { iamPolicyCommand } from '../../src/cli/iam-policy-command.ts';
import { InvalidInputError } from '../../src/drill/invalid-input-error.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { captureIo } from '../e2e/e2e-kit.ts';

interface PrintedPolicy {
  readonly Version: string;
  readonly Statement: readonly { readonly Sid: string; readonly Effect: string; readonly Action: readonly string[]; readonly Resource: readonly string[] }[];
}

describe('drdrill iam-policy', function () {
  this.timeout(20_000);
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await startSandbox();
  });
  after(async () => sandbox.close());

  it('prints the policy for a shipped drill as JSON, scoped to the environment’s resources, and exits 0', async () => {
    const io = captureIo();
    const code = await iamPolicyCommand({ file: 'drills/sandbox/alb-ingress-revoke.drill.ts', sandboxUrl: sandbox.description.controlPlaneUrl }, io);
    expect(code, io.text()).to.equal(0);
    const policy = JSON.parse(io.text()) as PrintedPolicy;
    expect(policy.Version).to.equal('2012-10-17');
    const actions = policy.Statement.flatMap((s) => s.Action).sort();
    expect(actions).to.deep.equal([
      'ec2:AuthorizeSecurityGroupIngress',
      'ec2:DescribeSecurityGroupRules',
      'ec2:DescribeSecurityGroups',
      'ec2:RevokeSecurityGroupIngress',
      // Sandbox runs sign their evidence with alias/drdrill-evidence.
      'kms:GetPublicKey',
      'kms:Sign',
      // Preflight: the functions, the record, the health checks exist.
      'lambda:GetFunctionConfiguration',
      'route53:GetHealthCheck',
      'route53:GetHealthCheckStatus',
      'route53:GetHostedZone',
      'route53:ListResourceRecordSets',
      // The lock and the dead-man's switch.
      'ssm:AddTagsToResource',
      'ssm:DeleteParameter',
      'ssm:GetParameter',
      'ssm:PutParameter',
      'ssm:StartAutomationExecution',
      'ssm:StopAutomationExecution',
    ]);
    const groupId = sandbox.description.resources.services.find((s) => s.name === 'service2')?.deployments.find((d) => d.role === 'primary')?.securityGroupId;
    const revoke = policy.Statement.find((s) => s.Action.includes('ec2:RevokeSecurityGroupIngress'));
    expect(revoke?.Resource).to.include(`arn:aws:ec2:us-east-1:111122223333:security-group/${groupId}`);
    expect(policy.Statement.every((s) => s.Effect === 'Allow')).to.equal(true);
  });

  it('rejects a drill whose target the environment lacks as bad input, naming the service and environment', async () => {
    const io = captureIo();
    const error = await iamPolicyCommand({ file: 'test/fixtures/drills/unknown-service.drill.ts', sandboxUrl: sandbox.description.controlPlaneUrl }, io).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(InvalidInputError);
    expect((error as Error).message).to.include('service "payments" is not defined in environment "sandbox"');
    expect(io.lines).to.deep.equal([]);
  });
});
