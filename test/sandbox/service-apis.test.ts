import { expect } from 'chai';
import {
  CreateApiMappingCommand,
  DeleteApiMappingCommand,
  GetApiMappingsCommand,
  GetDomainNameCommand,
  ApiGatewayV2Client,
} from '@aws-sdk/client-apigatewayv2';
import { CloudWatchClient, DescribeAlarmsCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import {
  AuthorizeSecurityGroupIngressCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import {
  FisClient,
  GetExperimentCommand,
  GetExperimentTemplateCommand,
  ListExperimentTemplatesCommand,
  StartExperimentCommand,
  StopExperimentCommand,
} from '@aws-sdk/client-fis';
import { GetFunctionConfigurationCommand, GetFunctionConcurrencyCommand, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import {
  GetRoutingControlStateCommand,
  Route53RecoveryClusterClient,
  UpdateRoutingControlStateCommand,
  UpdateRoutingControlStatesCommand,
} from '@aws-sdk/client-route53-recovery-cluster';
import {
  DeleteParameterCommand,
  GetAutomationExecutionCommand,
  GetParameterCommand,
  PutParameterCommand,
  SSMClient,
  StartAutomationExecutionCommand,
  StopAutomationExecutionCommand,
} from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import type { DeploymentResources } from '../../src/sandbox/topology/sandbox-resources.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { FAST_TOPOLOGY, lambdaClient, pollUntil, rejectionOf, sdkClient } from './sandbox-test-kit.ts';

function deployment(sandbox: Sandbox, service: string, region: string): DeploymentResources {
  const found = sandbox.description.resources.services.find((s) => s.name === service)?.deployments.find((d) => d.region === region);
  if (found === undefined) throw new Error(`no ${service} in ${region}`);
  return found;
}

describe('sandbox control plane beyond Route 53 and Lambda (through the real SDK clients)', () => {
  let sandbox: Sandbox;

  before(async () => {
    sandbox = await startSandbox({ topology: { ...FAST_TOPOLOGY, failureFlagCacheSeconds: 0 } });
  });
  after(async () => {
    await sandbox.close();
  });

  describe('SSM', () => {
    let ssm: SSMClient;
    before(() => {
      ssm = sdkClient(SSMClient, sandbox);
    });
    after(() => ssm.destroy());

    it('GetParameter returns the failure flag each deployment starts with, disabled', async () => {
      const { Parameter } = await ssm.send(new GetParameterCommand({ Name: '/drdrill/api/failure-flag' }));
      expect(Parameter).to.include({ Name: '/drdrill/api/failure-flag', Type: 'String', Version: 1 });
      expect(JSON.parse(Parameter?.Value ?? '{}')).to.include({ isEnabled: false, failureMode: 'statuscode' });
      expect(Parameter?.LastModifiedDate).to.be.instanceOf(Date);
    });

    it('PutParameter refuses to replace an existing parameter without Overwrite (ParameterAlreadyExists), then bumps the version with it', async () => {
      const name = '/drdrill/test/overwrite';
      expect((await ssm.send(new PutParameterCommand({ Name: name, Value: 'a', Type: 'String' }))).Version).to.equal(1);
      const error = await rejectionOf(ssm.send(new PutParameterCommand({ Name: name, Value: 'b' })));
      expect(error.name).to.equal('ParameterAlreadyExists');
      expect(error.$metadata?.httpStatusCode).to.equal(400);
      expect((await ssm.send(new PutParameterCommand({ Name: name, Value: 'b', Overwrite: true }))).Version).to.equal(2);
      expect((await ssm.send(new GetParameterCommand({ Name: name }))).Parameter).to.include({ Value: 'b', Version: 2 });
    });

    it('keeps parameters per region', async () => {
      const west = sdkClient(SSMClient, sandbox, 'us-west-2');
      try {
        await west.send(new PutParameterCommand({ Name: '/drdrill/test/west-only', Value: 'x', Type: 'String' }));
        const error = await rejectionOf(ssm.send(new GetParameterCommand({ Name: '/drdrill/test/west-only' })));
        expect(error.name).to.equal('ParameterNotFound');
      } finally {
        west.destroy();
      }
    });

    it('DeleteParameter removes it; a second delete and a get raise ParameterNotFound', async () => {
      await ssm.send(new PutParameterCommand({ Name: '/drdrill/test/delete-me', Value: 'x', Type: 'String' }));
      await ssm.send(new DeleteParameterCommand({ Name: '/drdrill/test/delete-me' }));
      for (const call of [
        ssm.send(new DeleteParameterCommand({ Name: '/drdrill/test/delete-me' })),
        ssm.send(new GetParameterCommand({ Name: '/drdrill/test/delete-me' })),
      ]) {
        expect((await rejectionOf(call)).name).to.equal('ParameterNotFound');
      }
    });

    it('PutParameter rejects an unknown Type with ValidationException', async () => {
      const error = await rejectionOf(ssm.send(new PutParameterCommand({ Name: '/drdrill/test/bad', Value: 'x', Type: 'Blob' as 'String' })));
      expect(error.name).to.equal('ValidationException');
    });

    it('runs the timed revert runbook: sleeps, then makes its one API call, and reports Success', async () => {
      const { AutomationExecutionId } = await ssm.send(
        new StartAutomationExecutionCommand({
          DocumentName: 'drdrill-TimedRevert',
          Parameters: {
            Delay: ['PT10S'],
            Service: ['ssm'],
            Api: ['PutParameter'],
            Request: [JSON.stringify({ Name: '/drdrill/test/reverted', Value: 'done', Type: 'String' })],
          },
        }),
      );
      const running = await ssm.send(new GetAutomationExecutionCommand({ AutomationExecutionId }));
      expect(running.AutomationExecution?.AutomationExecutionStatus).to.equal('InProgress');
      // 10 s × 0.02 = 200 ms of sleep.
      const done = await pollUntil(async () => {
        const { AutomationExecution } = await ssm.send(new GetAutomationExecutionCommand({ AutomationExecutionId }));
        return AutomationExecution?.AutomationExecutionStatus === 'Success' ? AutomationExecution : undefined;
      }, 3000);
      expect(done.StepExecutions?.map((s) => [s.StepName, s.StepStatus])).to.deep.equal([['sleep', 'Success'], ['revert', 'Success']]);
      expect((await ssm.send(new GetParameterCommand({ Name: '/drdrill/test/reverted' }))).Parameter?.Value).to.equal('done');
    });

    it('StopAutomationExecution cancels the runbook before its call; unknown documents and executions are named errors', async () => {
      const { AutomationExecutionId } = await ssm.send(
        new StartAutomationExecutionCommand({
          DocumentName: 'drdrill-TimedRevert',
          Parameters: { Delay: ['PT1H'], Service: ['lambda'], Api: ['DeleteFunctionConcurrency'], Request: ['{"FunctionName":"api-handler"}'] },
        }),
      );
      await ssm.send(new StopAutomationExecutionCommand({ AutomationExecutionId, Type: 'Cancel' }));
      const { AutomationExecution } = await ssm.send(new GetAutomationExecutionCommand({ AutomationExecutionId }));
      expect(AutomationExecution?.AutomationExecutionStatus).to.equal('Cancelled');
      expect((await rejectionOf(ssm.send(new StartAutomationExecutionCommand({ DocumentName: 'AWS-Nope' })))).name).to.equal('AutomationDefinitionNotFoundException');
      expect((await rejectionOf(ssm.send(new StartAutomationExecutionCommand({ DocumentName: 'drdrill-TimedRevert', Parameters: { Delay: ['soon'] } })))).name).to.equal(
        'InvalidAutomationExecutionParametersException',
      );
      expect((await rejectionOf(ssm.send(new GetAutomationExecutionCommand({ AutomationExecutionId: 'nope' })))).name).to.equal('AutomationExecutionNotFoundException');
    });
    it('StartAutomationExecution is idempotent per ClientToken, and its Endpoint may only be loopback', async () => {
      const token = '7f1c2a9e-0d4b-4c55-9a57-6c1b1d1e2f30';
      const parameters = { Delay: ['PT1H'], Service: ['lambda'], Api: ['DeleteFunctionConcurrency'], Request: ['{"FunctionName":"api-handler"}'] };
      const first = await ssm.send(new StartAutomationExecutionCommand({ DocumentName: 'drdrill-TimedRevert', Parameters: parameters, ClientToken: token }));
      // A retry after a lost response: the same execution, not a second revert nobody tracks.
      const retry = await ssm.send(new StartAutomationExecutionCommand({ DocumentName: 'drdrill-TimedRevert', Parameters: parameters, ClientToken: token.toUpperCase() }));
      expect(retry.AutomationExecutionId).to.equal(first.AutomationExecutionId);
      const reused = ssm.send(new StartAutomationExecutionCommand({ DocumentName: 'drdrill-TimedRevert', Parameters: { ...parameters, Delay: ['PT2H'] }, ClientToken: token }));
      expect((await rejectionOf(reused)).name).to.equal('IdempotentParameterMismatch');
      await ssm.send(new StopAutomationExecutionCommand({ AutomationExecutionId: first.AutomationExecutionId }));

      const offMachine = ssm.send(
        new StartAutomationExecutionCommand({ DocumentName: 'drdrill-TimedRevert', Parameters: { ...parameters, Endpoint: ['https://example.com'] } }),
      );
      expect((await rejectionOf(offMachine)).name).to.equal('InvalidAutomationExecutionParametersException');
    });
  });

  describe('Lambda configuration', () => {
    it('UpdateFunctionConfiguration replaces the environment, issues a new revision, and rejects a stale RevisionId (412)', async () => {
      const lambda = lambdaClient(sandbox, 'us-west-2');
      try {
        const before = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'service1-handler' }));
        expect(before.Environment?.Variables).to.include({ AWS_LAMBDA_EXEC_WRAPPER: '/opt/aws-fis/bootstrap' });
        const after = await lambda.send(
          new UpdateFunctionConfigurationCommand({ FunctionName: 'service1-handler', RevisionId: before.RevisionId, Environment: { Variables: { ...before.Environment?.Variables, EXTRA: '1' } } }),
        );
        expect(after.Environment?.Variables).to.include({ EXTRA: '1' });
        expect(after.RevisionId).to.not.equal(before.RevisionId);
        const stale = await rejectionOf(lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'service1-handler', RevisionId: before.RevisionId, Timeout: 10 })));
        expect(stale.name).to.equal('PreconditionFailedException');
        expect(stale.$metadata?.httpStatusCode).to.equal(412);
        const reserved = await rejectionOf(lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'service1-handler', Environment: { Variables: { AWS_REGION: 'x' } } })));
        expect(reserved.name).to.equal('InvalidParameterValueException');
        expect((await rejectionOf(lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'nope', Timeout: 3 })))).name).to.equal('ResourceNotFoundException');
        expect((await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'service1-handler' }))).ReservedConcurrentExecutions).to.equal(undefined);
      } finally {
        lambda.destroy();
      }
    });
  });

  describe('API Gateway v2', () => {
    let apigw: ApiGatewayV2Client;
    before(() => {
      apigw = sdkClient(ApiGatewayV2Client, sandbox);
    });
    after(() => apigw.destroy());

    it('GetDomainName names the regional domain the failover alias points at', async () => {
      const d = deployment(sandbox, 'service1', 'us-east-1');
      const domain = await apigw.send(new GetDomainNameCommand({ DomainName: 'service1.drdrill.test' }));
      expect(domain.DomainName).to.equal('service1.drdrill.test');
      expect(domain.DomainNameConfigurations?.[0]).to.include({ ApiGatewayDomainName: d.regionalDomainName, EndpointType: 'REGIONAL', DomainNameStatus: 'AVAILABLE', HostedZoneId: 'Z1UJRXOUMOOFQ8' });
      const error = await rejectionOf(apigw.send(new GetDomainNameCommand({ DomainName: 'nope.drdrill.test' })));
      expect(error.name).to.equal('NotFoundException');
      expect(error.$metadata?.httpStatusCode).to.equal(404);
    });

    it('GetApiMappings, DeleteApiMapping and CreateApiMapping round-trip; duplicates conflict and unknown ids are NotFound', async () => {
      const d = deployment(sandbox, 'service1', 'us-east-1');
      const { Items } = await apigw.send(new GetApiMappingsCommand({ DomainName: 'service1.drdrill.test' }));
      expect(Items).to.deep.equal([{ ApiId: d.apiId, ApiMappingId: d.apiMappingId, ApiMappingKey: '', Stage: '$default' }]);
      await apigw.send(new DeleteApiMappingCommand({ DomainName: 'service1.drdrill.test', ApiMappingId: d.apiMappingId }));
      expect((await apigw.send(new GetApiMappingsCommand({ DomainName: 'service1.drdrill.test' }))).Items).to.deep.equal([]);
      const missing = await rejectionOf(apigw.send(new DeleteApiMappingCommand({ DomainName: 'service1.drdrill.test', ApiMappingId: d.apiMappingId })));
      expect(missing.name).to.equal('NotFoundException');
      const created = await apigw.send(new CreateApiMappingCommand({ DomainName: 'service1.drdrill.test', ApiId: d.apiId, Stage: '$default', ApiMappingKey: '' }));
      expect(created.$metadata.httpStatusCode).to.equal(201);
      expect(created).to.include({ ApiId: d.apiId, Stage: '$default' });
      const duplicate = await rejectionOf(apigw.send(new CreateApiMappingCommand({ DomainName: 'service1.drdrill.test', ApiId: d.apiId, Stage: '$default' })));
      expect(duplicate.name).to.equal('ConflictException');
      expect(duplicate.$metadata?.httpStatusCode).to.equal(409);
      const badApi = await rejectionOf(apigw.send(new CreateApiMappingCommand({ DomainName: 'service1.drdrill.test', ApiId: 'nope', Stage: '$default', ApiMappingKey: 'v2' })));
      expect(badApi.name).to.equal('NotFoundException');
      const kinds = sandbox.events().flatMap((e) => (e.type === 'api-mapping' ? [e.change] : []));
      expect(kinds).to.deep.equal(['deleted', 'created']);
    });
  });

  describe('EC2 security groups', () => {
    let ec2: EC2Client;
    before(() => {
      ec2 = sdkClient(EC2Client, sandbox, 'us-west-2');
    });
    after(() => ec2.destroy());

    it('DescribeSecurityGroups shows the ALB group admitting the VPC link group on 443', async () => {
      const d = deployment(sandbox, 'service2', 'us-west-2');
      const { SecurityGroups } = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [d.securityGroupId ?? ''] }));
      expect(SecurityGroups).to.have.length(1);
      expect(SecurityGroups?.[0]?.IpPermissions).to.deep.equal([
        { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, UserIdGroupPairs: [{ UserId: '111122223333', GroupId: d.vpcLinkSecurityGroupId, Description: 'HTTPS from the API Gateway VPC link' }], IpRanges: [], Ipv6Ranges: [], PrefixListIds: [] },
      ]);
      const error = await rejectionOf(ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: ['sg-0000000000000dead'] })));
      expect(error.name).to.equal('InvalidGroup.NotFound');
      expect(error.$metadata?.httpStatusCode).to.equal(400);
    });

    it('DescribeSecurityGroupRules filters by group id and finds rules by id; unknown rule ids are InvalidSecurityGroupRuleId.NotFound', async () => {
      const d = deployment(sandbox, 'service2', 'us-west-2');
      const { SecurityGroupRules } = await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [d.securityGroupId ?? ''] }] }));
      const ingress = SecurityGroupRules?.filter((r) => r.IsEgress === false);
      expect(ingress?.map((r) => [r.SecurityGroupRuleId, r.IpProtocol, r.FromPort, r.ToPort, r.ReferencedGroupInfo?.GroupId])).to.deep.equal([
        [d.ingressRuleId, 'tcp', 443, 443, d.vpcLinkSecurityGroupId],
      ]);
      const byId = await ec2.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: [d.ingressRuleId ?? ''] }));
      expect(byId.SecurityGroupRules).to.have.length(1);
      const missing = await rejectionOf(ec2.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: ['sgr-0000000000000dead'] })));
      expect(missing.name).to.equal('InvalidSecurityGroupRuleId.NotFound');
      const badFilter = await rejectionOf(ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'nope', Values: ['x'] }] })));
      expect(badFilter.name).to.equal('InvalidParameterValue');
    });

    it('revokes by rule id, re-authorizes (a duplicate is InvalidPermission.Duplicate), and revokes by permission', async () => {
      const d = deployment(sandbox, 'service2', 'us-west-2');
      const groupId = d.securityGroupId ?? '';
      const permission = { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, UserIdGroupPairs: [{ GroupId: d.vpcLinkSecurityGroupId }] };
      const revoked = await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, SecurityGroupRuleIds: [d.ingressRuleId ?? ''] }));
      expect(revoked.Return).to.equal(true);
      expect(revoked.RevokedSecurityGroupRules?.map((r) => r.SecurityGroupRuleId)).to.deep.equal([d.ingressRuleId]);
      const again = await rejectionOf(ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, SecurityGroupRuleIds: [d.ingressRuleId ?? ''] })));
      expect(again.name).to.equal('InvalidSecurityGroupRuleId.NotFound');
      const authorized = await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [permission] }));
      expect(authorized.Return).to.equal(true);
      expect(authorized.SecurityGroupRules?.[0]?.SecurityGroupRuleId).to.match(/^sgr-0[0-9a-f]{16}$/);
      const duplicate = await rejectionOf(ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [permission] })));
      expect(duplicate.name).to.equal('InvalidPermission.Duplicate');
      const byPermission = await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [permission] }));
      expect(byPermission.Return).to.equal(true);
      const unknown = await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [permission] }));
      expect(unknown.Return).to.equal(false);
      expect(unknown.UnknownIpPermissions).to.have.length(1);
      await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [permission] }));
    });
  });

  describe('FIS and CloudWatch stop conditions', () => {
    let fis: FisClient;
    let cloudwatch: CloudWatchClient;
    before(() => {
      fis = sdkClient(FisClient, sandbox);
      cloudwatch = sdkClient(CloudWatchClient, sandbox);
    });
    after(() => {
      fis.destroy();
      cloudwatch.destroy();
    });

    it('lists the templates and describes one with its Lambda action, target ARN and alarm stop condition', async () => {
      const d = deployment(sandbox, 'api', 'us-east-1');
      const { experimentTemplates } = await fis.send(new ListExperimentTemplatesCommand({}));
      expect(experimentTemplates?.map((t) => t.id)).to.include.members([d.fisTemplateId, d.fisErrorTemplateId]);
      const { experimentTemplate } = await fis.send(new GetExperimentTemplateCommand({ id: d.fisTemplateId }));
      expect(experimentTemplate?.actions?.inject).to.deep.include({ actionId: 'aws:lambda:invocation-http-integration-response' });
      expect(experimentTemplate?.targets?.Functions?.resourceArns).to.deep.equal([d.functionArn]);
      expect(experimentTemplate?.stopConditions?.[0]?.source).to.equal('aws:cloudwatch:alarm');
      expect((await rejectionOf(fis.send(new GetExperimentTemplateCommand({ id: 'EXTnope' })))).name).to.equal('ResourceNotFoundException');
    });

    it('runs an experiment until StopExperiment, and GetExperiment of an unknown id is ResourceNotFoundException', async () => {
      const d = deployment(sandbox, 'api', 'us-east-1');
      const { experiment } = await fis.send(new StartExperimentCommand({ experimentTemplateId: d.fisTemplateId, clientToken: 't1' }));
      expect(experiment?.state?.status).to.equal('initiating');
      const running = await pollUntil(async () => {
        const got = await fis.send(new GetExperimentCommand({ id: experiment?.id }));
        return got.experiment?.state?.status === 'running' ? got.experiment : undefined;
      }, 2000);
      expect(running.startTime).to.be.instanceOf(Date);
      const stopped = await fis.send(new StopExperimentCommand({ id: experiment?.id }));
      expect(stopped.experiment?.state?.status).to.equal('stopped');
      expect((await rejectionOf(fis.send(new GetExperimentCommand({ id: 'EXPnope' })))).name).to.equal('ResourceNotFoundException');
      expect((await rejectionOf(fis.send(new StartExperimentCommand({ experimentTemplateId: 'EXTnope', clientToken: 't2' })))).name).to.equal('ResourceNotFoundException');
    });

    it('an experiment completes on its own at its action duration (scaled)', async () => {
      const d = deployment(sandbox, 'service1', 'us-east-1');
      const startedAt = Date.now();
      const { experiment } = await fis.send(new StartExperimentCommand({ experimentTemplateId: d.fisErrorTemplateId, clientToken: 't3' }));
      // PT2M × 0.02 = 2.4 s.
      const done = await pollUntil(async () => {
        const got = await fis.send(new GetExperimentCommand({ id: experiment?.id }));
        return got.experiment?.state?.status === 'completed' ? got.experiment : undefined;
      }, 5000, 100);
      expect(Date.now() - startedAt).to.be.at.least(2400);
      expect(done.actions?.inject?.state?.status).to.equal('completed');
    });

    it('DescribeAlarms lists the stop alarm; SetAlarmState to ALARM stops the experiment it guards', async () => {
      const { MetricAlarms } = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: ['drdrill-stop-condition'] }));
      expect(MetricAlarms?.map((a) => [a.AlarmName, a.StateValue])).to.deep.equal([['drdrill-stop-condition', 'OK']]);
      const d = deployment(sandbox, 'api', 'us-east-1');
      const { experiment } = await fis.send(new StartExperimentCommand({ experimentTemplateId: d.fisTemplateId, clientToken: 't4' }));
      await pollUntil(async () => ((await fis.send(new GetExperimentCommand({ id: experiment?.id }))).experiment?.state?.status === 'running' ? true : undefined), 2000);
      await cloudwatch.send(new SetAlarmStateCommand({ AlarmName: 'drdrill-stop-condition', StateValue: 'ALARM', StateReason: 'test trips the stop condition' }));
      const got = await fis.send(new GetExperimentCommand({ id: experiment?.id }));
      expect(got.experiment?.state?.status).to.equal('stopped');
      expect(got.experiment?.state?.reason).to.contain('Stop condition');
      const firing = await cloudwatch.send(new DescribeAlarmsCommand({ StateValue: 'ALARM' }));
      expect(firing.MetricAlarms?.map((a) => a.AlarmName)).to.deep.equal(['drdrill-stop-condition']);
      await cloudwatch.send(new SetAlarmStateCommand({ AlarmName: 'drdrill-stop-condition', StateValue: 'OK', StateReason: 'reset' }));
      const missing = await rejectionOf(cloudwatch.send(new SetAlarmStateCommand({ AlarmName: 'nope', StateValue: 'OK', StateReason: 'x' })));
      expect(missing.name).to.equal('ResourceNotFound');
      expect(missing.$metadata?.httpStatusCode).to.equal(404);
    });
  });

  describe('Route 53 ARC cluster and STS', () => {
    it('reads and sets routing control states, one at a time and together; unknown ARNs are ResourceNotFoundException', async () => {
      const arc = sdkClient(Route53RecoveryClusterClient, sandbox);
      const east = deployment(sandbox, 'service2', 'us-east-1').routingControlArn ?? '';
      const west = deployment(sandbox, 'service2', 'us-west-2').routingControlArn ?? '';
      try {
        expect((await arc.send(new GetRoutingControlStateCommand({ RoutingControlArn: east }))).RoutingControlState).to.equal('On');
        await arc.send(new UpdateRoutingControlStateCommand({ RoutingControlArn: east, RoutingControlState: 'Off' }));
        expect((await arc.send(new GetRoutingControlStateCommand({ RoutingControlArn: east }))).RoutingControlState).to.equal('Off');
        await arc.send(new UpdateRoutingControlStatesCommand({ UpdateRoutingControlStateEntries: [{ RoutingControlArn: east, RoutingControlState: 'On' }, { RoutingControlArn: west, RoutingControlState: 'On' }] }));
        expect((await arc.send(new GetRoutingControlStateCommand({ RoutingControlArn: east }))).RoutingControlState).to.equal('On');
        const error = await rejectionOf(arc.send(new GetRoutingControlStateCommand({ RoutingControlArn: `${east}0` })));
        expect(error.name).to.equal('ResourceNotFoundException');
        const invalid = await rejectionOf(arc.send(new UpdateRoutingControlStateCommand({ RoutingControlArn: east, RoutingControlState: 'Maybe' as 'On' })));
        expect(invalid.name).to.equal('ValidationException');
        const states = sandbox.events().flatMap((e) => (e.type === 'routing-control' && e.routingControlArn === east ? [e.state] : []));
        expect(states).to.deep.equal(['Off', 'On']);
      } finally {
        arc.destroy();
      }
    });

    it('GetCallerIdentity names the sandbox account', async () => {
      const sts = sdkClient(STSClient, sandbox);
      try {
        const identity = await sts.send(new GetCallerIdentityCommand({}));
        expect(identity.Account).to.equal('111122223333');
        expect(identity.Arn).to.equal('arn:aws:iam::111122223333:user/drdrill-sandbox');
      } finally {
        sts.destroy();
      }
    });
  });
});
