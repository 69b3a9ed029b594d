import { AuthorizeSecurityGroupIngressCommand, DescribeSecurityGroupRulesCommand, EC2Client, RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { expect } from 'chai';
import { TargetNotFoundError, TargetRefusedError } from '../../src/injectors/injector.ts';
import { PartialInjectionError } from '../../src/injectors/multi-target.ts';
import { sgIngressRevoke, type SgIngressRevokeHandle } from '../../src/injectors/sg-ingress-revoke.ts';
import { awsError, mockDeps, recordingJournal } from './injector-kit.ts';

const RULES = [
  { SecurityGroupRuleId: 'sgr-1', GroupId: 'sg-apieast', IsEgress: false, IpProtocol: 'tcp', FromPort: 443, ToPort: 443, ReferencedGroupInfo: { GroupId: 'sg-vpclink' }, Description: 'VPC link' },
  { SecurityGroupRuleId: 'sgr-2', GroupId: 'sg-apieast', IsEgress: false, IpProtocol: 'tcp', FromPort: 80, ToPort: 443, CidrIpv4: '10.0.0.0/16', Description: 'office' },
  { SecurityGroupRuleId: 'sgr-3', GroupId: 'sg-apieast', IsEgress: false, IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '10.0.0.0/16' },
  { SecurityGroupRuleId: 'sgr-4', GroupId: 'sg-apieast', IsEgress: true, IpProtocol: '-1', FromPort: -1, ToPort: -1, CidrIpv4: '0.0.0.0/0' },
];

describe('the sg-ingress-revoke injector', () => {
  let ec2: AwsClientStub<EC2Client>;
  before(() => {
    ec2 = mockClient(EC2Client);
  });
  after(() => {
    ec2.restore();
  });
  afterEach(() => ec2.reset());

  it('revokes only the ingress rules matching protocol and port, journaling their full permissions first', async () => {
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: RULES });
    ec2.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true });
    const journal = recordingJournal<SgIngressRevokeHandle>();
    await sgIngressRevoke.inject({ injector: 'sg-ingress-revoke', target: { region: 'primary' }, rules: { protocol: 'tcp', port: 443 } }, mockDeps(), journal.write);
    expect(journal.entries[0]?.rules.map((r) => r.securityGroupRuleId)).to.deep.equal(['sgr-1', 'sgr-2']);
    expect(journal.entries[0]?.rules[0]).to.deep.equal({
      region: 'us-east-1', groupId: 'sg-apieast', securityGroupRuleId: 'sgr-1', ipProtocol: 'tcp', fromPort: 443, toPort: 443,
      cidrIpv4: null, cidrIpv6: null, referencedGroupId: 'sg-vpclink', prefixListId: null, description: 'VPC link',
    });
    expect(ec2.commandCalls(RevokeSecurityGroupIngressCommand).map((c) => c.args[0].input.SecurityGroupRuleIds)).to.deep.equal([['sgr-1'], ['sgr-2']]);
  });

  it('selects by source as well', async () => {
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: RULES });
    const changes = await sgIngressRevoke.plan({ injector: 'sg-ingress-revoke', target: { region: 'primary' }, rules: { source: 'sg-vpclink' } }, mockDeps());
    expect(changes).to.deep.equal([{ target: 'ec2 us-east-1 sg-apieast rule sgr-1', field: 'ingress rule', from: 'tcp 443 from sg-vpclink ("VPC link")', to: 'revoked' }]);
  });

  it('restores identical permissions with their descriptions, newest first, and reports the new rule ids', async () => {
    ec2.on(AuthorizeSecurityGroupIngressCommand).callsFake((input: { IpPermissions: { UserIdGroupPairs?: unknown }[] }) => ({
      Return: true,
      SecurityGroupRules: [{ SecurityGroupRuleId: input.IpPermissions[0]?.UserIdGroupPairs === undefined ? 'sgr-new2' : 'sgr-new1' }],
    }));
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: RULES });
    ec2.on(RevokeSecurityGroupIngressCommand).resolves({});
    const { handle } = await sgIngressRevoke.inject({ injector: 'sg-ingress-revoke', target: { region: 'primary' }, rules: { port: 443 } }, mockDeps(), async () => {});
    // Both revoked: only the SSH rule and the egress rule remain.
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [RULES[2]!, RULES[3]!] });
    const result = await sgIngressRevoke.rollback(handle, mockDeps());
    expect(ec2.commandCalls(AuthorizeSecurityGroupIngressCommand).map((c) => c.args[0].input)).to.deep.equal([
      { GroupId: 'sg-apieast', IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/16', Description: 'office' }] }] },
      { GroupId: 'sg-apieast', IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, UserIdGroupPairs: [{ GroupId: 'sg-vpclink', Description: 'VPC link' }] }] },
    ]);
    expect(result.detail).to.equal('security group rule sgr-2 re-created as sgr-new2; security group rule sgr-1 re-created as sgr-new1');
  });

  it('restores the rules already revoked when a later revoke fails half-way', async () => {
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: RULES });
    ec2.on(RevokeSecurityGroupIngressCommand, { SecurityGroupRuleIds: ['sgr-1'] }).resolves({});
    ec2.on(RevokeSecurityGroupIngressCommand, { SecurityGroupRuleIds: ['sgr-2'] }).rejects(awsError('RequestLimitExceeded', 'Request limit exceeded.', 503));
    const revokedFirst = RULES.filter((r) => r.SecurityGroupRuleId !== 'sgr-1');
    // After the first revoke the group no longer has sgr-1; the rollback must re-create it.
    ec2.on(DescribeSecurityGroupRulesCommand).resolvesOnce({ SecurityGroupRules: RULES }).resolves({ SecurityGroupRules: revokedFirst });
    ec2.on(AuthorizeSecurityGroupIngressCommand).resolves({ SecurityGroupRules: [{ SecurityGroupRuleId: 'sgr-back' }] });
    const error = await sgIngressRevoke.inject({ injector: 'sg-ingress-revoke', target: { region: 'primary' }, rules: { port: 443 } }, mockDeps(), async () => {}).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(PartialInjectionError);
    expect((error as Error).message).to.include('target 2 of 2').and.include('still throttled after 4 attempts');
    expect(ec2.commandCalls(RevokeSecurityGroupIngressCommand)).to.have.length(5, 'one success, then four throttled attempts');
    const authorized = ec2.commandCalls(AuthorizeSecurityGroupIngressCommand).map((c) => c.args[0].input.IpPermissions?.[0]?.UserIdGroupPairs?.[0]?.GroupId);
    expect(authorized).to.deep.equal(['sg-vpclink'], 'only the rule that was actually revoked is re-created');
  });

  it('refuses when no ingress rule matches, listing what the group has', async () => {
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: RULES });
    const error = await sgIngressRevoke.inject({ injector: 'sg-ingress-revoke', target: { region: 'primary' }, rules: { port: 8080 } }, mockDeps(), async () => {}).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(TargetRefusedError);
    expect((error as Error).message).to.include('sg-apieast in us-east-1 has no ingress rule matching {"port":8080}').and.include('tcp 22 from 10.0.0.0/16');
  });

  it('names a missing security group and the environment', async () => {
    ec2.on(DescribeSecurityGroupRulesCommand).rejects(awsError('InvalidGroup.NotFound', "The security group 'sg-apiwest' does not exist"));
    const error = await sgIngressRevoke.plan({ injector: 'sg-ingress-revoke', target: { region: 'secondary' }, rules: {} }, mockDeps()).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(TargetNotFoundError);
    expect((error as Error).message).to.equal('security group "sg-apiwest" not found in us-west-2 (environment "mocked")');
  });
});
