import { expect } from 'chai';
import { validateDrill } from '../../src/drill/load-drill.ts';
import { deriveIamPolicy, requiredPermissions } from '../../src/iam/derive-iam-policy.ts';
import { TargetNotFoundError } from '../../src/injectors/injector.ts';
import { mockEnvironment } from '../injectors/injector-kit.ts';

const baseDrill = {
  name: 'iam',
  service: 'api',
  load: { rate: 1 },
  phases: { baseline: '1s', recovery: '1s', settle: '1s' },
  assertions: [{ assertion: 'error-budget', phase: 'baseline', maxErrorRate: 0 }],
};
const awsEnvironment = { ...mockEnvironment(), kind: 'aws' as const };

describe('deriving the IAM policy a drill needs', () => {
  it('grants exactly the lambda actions on the throttled functions, plus the guardrail and observer reads', () => {
    const drill = validateDrill({ ...baseDrill, faults: [{ injector: 'lambda-500', mode: 'throttle', target: { region: 'primary', services: ['service1', 'service2'] } }] });
    const policy = deriveIamPolicy(drill, awsEnvironment);
    expect(policy).to.deep.equal({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'DrdrillLambda1',
          Effect: 'Allow',
          Action: ['lambda:DeleteFunctionConcurrency', 'lambda:GetFunctionConcurrency', 'lambda:PutFunctionConcurrency'],
          Resource: ['arn:aws:lambda:us-east-1:111122223333:function:service1-fn', 'arn:aws:lambda:us-east-1:111122223333:function:service2-fn'],
        },
        // Preflight reads every function the environment names for the services the drill uses...
        {
          Sid: 'DrdrillLambda2',
          Effect: 'Allow',
          Action: ['lambda:GetFunctionConfiguration'],
          Resource: ['us-east-1', 'us-west-2'].flatMap((region) =>
            ['api', 'service1', 'service2'].map((name) => `arn:aws:lambda:${region}:111122223333:function:${name}-fn`),
          ),
        },
        // ...and their health checks; the poller reads the watched service's status.
        {
          Sid: 'DrdrillRoute531',
          Effect: 'Allow',
          Action: ['route53:GetHealthCheck'],
          Resource: ['api', 'service1', 'service2'].flatMap((name) => [`arn:aws:route53:::healthcheck/hc-${name}-east`, `arn:aws:route53:::healthcheck/hc-${name}-west`]),
        },
        {
          Sid: 'DrdrillRoute532',
          Effect: 'Allow',
          Action: ['route53:GetHealthCheckStatus'],
          Resource: ['arn:aws:route53:::healthcheck/hc-api-east', 'arn:aws:route53:::healthcheck/hc-api-west'],
        },
        { Sid: 'DrdrillRoute533', Effect: 'Allow', Action: ['route53:GetHostedZone', 'route53:ListResourceRecordSets'], Resource: ['arn:aws:route53:::hostedzone/Z123'] },
        // The dead-man's switch: stop (and tag) its executions in both regions...
        {
          Sid: 'DrdrillSsm1',
          Effect: 'Allow',
          Action: ['ssm:AddTagsToResource', 'ssm:StopAutomationExecution'],
          Resource: ['arn:aws:ssm:us-east-1:111122223333:automation-execution/*', 'arn:aws:ssm:us-west-2:111122223333:automation-execution/*'],
        },
        // ...the target lock, in the primary region only...
        {
          Sid: 'DrdrillSsm2',
          Effect: 'Allow',
          Action: ['ssm:DeleteParameter', 'ssm:GetParameter', 'ssm:PutParameter'],
          Resource: ['arn:aws:ssm:us-east-1:111122223333:parameter/drdrill/locks/*'],
        },
        // ...and starting the switch's runbook.
        {
          Sid: 'DrdrillSsm3',
          Effect: 'Allow',
          Action: ['ssm:StartAutomationExecution'],
          Resource: [
            'arn:aws:ssm:us-east-1:111122223333:automation-execution/*',
            'arn:aws:ssm:us-east-1:111122223333:document/drdrill-TimedRevert',
            'arn:aws:ssm:us-west-2:111122223333:automation-execution/*',
            'arn:aws:ssm:us-west-2:111122223333:document/drdrill-TimedRevert',
          ],
        },
        { Sid: 'DrdrillSts1', Effect: 'Allow', Action: ['sts:GetCallerIdentity'], Resource: ['*'] },
      ],
    });
  });

  it("leaves out the dead-man's switch when the environment turns it off, and adds iam:PassRole for its assumed role", () => {
    const drill = validateDrill({ ...baseDrill, faults: [{ injector: 'lambda-throttle', target: { region: 'primary' } }] });
    const actions = (environment: typeof awsEnvironment): string[] => requiredPermissions(drill, environment).map((p) => p.action);
    expect(actions({ ...awsEnvironment, deadMansSwitch: { enabled: false } })).to.not.include('ssm:StartAutomationExecution');
    const role = 'arn:aws:iam::111122223333:role/drdrill-revert';
    const withRole = requiredPermissions(drill, { ...awsEnvironment, deadMansSwitch: { assumeRoleArn: role } });
    expect(withRole.filter((p) => p.action === 'iam:PassRole').map((p) => p.resource)).to.deep.equal([role]);
  });

  it('covers every injector kind with service-scoped resources, and wildcards only where AWS has no resource-level permission', () => {
    const drill = validateDrill({
      ...baseDrill,
      faults: [
        { injector: 'lambda-throttle', target: { region: 'secondary' } },
        { injector: 'lambda-500', mode: 'ssm-flag', target: { region: 'primary' } },
        { injector: 'lambda-500', mode: 'fis', target: { region: 'primary' } },
        { injector: 'health-check-invert', target: { region: 'primary' } },
        { injector: 'health-check-disable', target: { region: 'secondary' } },
        { injector: 'api-mapping-detach', target: { region: 'primary', service: 'service2' } },
        { injector: 'sg-ingress-revoke', target: { region: 'primary', service: 'service2' }, rules: { port: 443 } },
        { injector: 'fis-experiment', templates: ['az-outage'] },
        { injector: 'routing-control', target: { region: 'primary', service: 'service1' } },
      ],
    });
    const policy = deriveIamPolicy(drill, awsEnvironment);
    const wildcards = policy.Statement.filter((s) => s.Resource.includes('*')).flatMap((s) => s.Action);
    expect(wildcards).to.deep.equal(['ec2:DescribeSecurityGroupRules', 'ec2:DescribeSecurityGroups', 'fis:ListExperiments', 'sts:GetCallerIdentity']);
    const grants = (action: string) => policy.Statement.filter((s) => s.Action.includes(action)).flatMap((s) => s.Resource);
    expect(grants('ssm:PutParameter')).to.deep.equal(['arn:aws:ssm:us-east-1:111122223333:parameter/drdrill/locks/*', 'arn:aws:ssm:us-east-1:111122223333:parameter/failure/api']);
    expect(grants('route53:UpdateHealthCheck')).to.deep.equal(['arn:aws:route53:::healthcheck/hc-api-east', 'arn:aws:route53:::healthcheck/hc-api-west']);
    expect(grants('apigateway:DELETE')).to.deep.equal(['arn:aws:apigateway:us-east-1::/domainnames/service2.east.example.com/apimappings/*']);
    expect(grants('ec2:RevokeSecurityGroupIngress')).to.deep.equal(['arn:aws:ec2:us-east-1:111122223333:security-group/sg-service2east']);
    expect(grants('fis:StartExperiment')).to.deep.equal([
      'arn:aws:fis:us-east-1:111122223333:experiment-template/EXTapieast',
      'arn:aws:fis:us-east-1:111122223333:experiment-template/EXTazoutage',
      'arn:aws:fis:us-east-1:111122223333:experiment/*',
    ]);
    expect(grants('route53-recovery-cluster:UpdateRoutingControlState')).to.deep.equal([
      'arn:aws:route53-recovery-control::111122223333:controlpanel/cp/routingcontrol/service1-east',
    ]);
    expect(policy.Statement.every((s) => /^[A-Za-z0-9]+$/.test(s.Sid))).to.equal(true);
    expect(new Set(policy.Statement.map((s) => s.Sid)).size).to.equal(policy.Statement.length);
  });

  it('says which fault needs each permission', () => {
    const drill = validateDrill({ ...baseDrill, faults: [{ injector: 'health-check-invert', target: { region: 'primary' } }] });
    expect(requiredPermissions(drill, awsEnvironment).filter((p) => p.action === 'route53:UpdateHealthCheck')).to.deep.equal([
      { action: 'route53:UpdateHealthCheck', resource: 'arn:aws:route53:::healthcheck/hc-api-east', neededBy: 'faults[0] (health-check-invert)' },
    ]);
  });

  it('names the environment field a fault needs when the environment lacks it', () => {
    const { customDomains: _removed, ...bare } = awsEnvironment.services['service2']!;
    const environment = { ...awsEnvironment, services: { ...awsEnvironment.services, service2: bare } };
    const drill = validateDrill({ ...baseDrill, faults: [{ injector: 'api-mapping-detach', target: { region: 'primary', service: 'service2' } }] });
    expect(() => deriveIamPolicy(drill, environment)).to.throw(TargetNotFoundError, 'add services.service2.customDomains.us-east-1');
  });
  describe('signing the evidence with a KMS key', () => {
    const drill = validateDrill({ ...baseDrill, faults: [{ injector: 'health-check-invert', target: { region: 'primary' } }] });
    const kmsStatements = (signingKey: string | undefined) =>
      deriveIamPolicy(drill, { ...awsEnvironment, ...(signingKey === undefined ? {} : { evidence: { signingKey } }) }).Statement.filter((s) => s.Action.some((a) => a.startsWith('kms:')));

    it('grants kms:GetPublicKey and kms:Sign on the key ARN, or the key id made an ARN in the primary region', () => {
      const arn = 'arn:aws:kms:eu-west-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab';
      expect(kmsStatements(arn)).to.deep.equal([{ Sid: 'DrdrillKms1', Effect: 'Allow', Action: ['kms:GetPublicKey', 'kms:Sign'], Resource: [arn] }]);
      expect(kmsStatements('1234abcd-12ab-34cd-56ef-1234567890ab')[0]?.Resource).to.deep.equal(['arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab']);
    });

    it('for a key named by alias, grants them on the region’s keys under a kms:ResourceAliases condition', () => {
      expect(kmsStatements('alias/drdrill-evidence')).to.deep.equal([
        {
          Sid: 'DrdrillKms1',
          Effect: 'Allow',
          Action: ['kms:GetPublicKey', 'kms:Sign'],
          Resource: ['arn:aws:kms:us-east-1:111122223333:key/*'],
          Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/drdrill-evidence' } },
        },
      ]);
      expect(kmsStatements('arn:aws:kms:eu-west-1:444455556666:alias/audit')[0]).to.deep.include({ Resource: ['arn:aws:kms:eu-west-1:444455556666:key/*'] });
    });

    it('grants nothing from KMS without a signing key, or with a local PEM key', () => {
      expect(kmsStatements(undefined)).to.deep.equal([]);
      expect(deriveIamPolicy(drill, { ...awsEnvironment, evidence: { signingKeyFile: 'evidence.pem' } }).Statement.flatMap((s) => s.Action).filter((a) => a.startsWith('kms:'))).to.deep.equal([]);
    });
  });
});
