import {
  GetCallerIdentityCommand,
  STSClient,
  type ServiceInputTypes,
  type ServiceOutputTypes,
  type STSClientResolvedConfig,
} from '@aws-sdk/client-sts';
import { mockClient, type AwsStub } from 'aws-sdk-client-mock';
import { expect } from 'chai';
import { AwsClients } from '../../src/aws/aws-clients.ts';
import type { Environment } from '../../src/drill/environment.ts';
import { InvalidInputError } from '../../src/drill/invalid-input-error.ts';
import { checkAccountGuardrails, regionsInUse } from '../../src/runner/account-guardrails.ts';

const environment: Environment = {
  name: 'staging',
  kind: 'aws',
  accountId: '123456789012',
  regions: ['us-east-1', 'us-west-2'],
  dnsResolvers: ['127.0.0.1:53'],
  services: {
    api: {
      url: 'https://api.example.com/',
      regionHeader: 'x-region',
      hostedZoneId: 'Z1',
      recordName: 'api.example.com',
      routing: 'failover',
      regions: ['us-east-1', 'us-west-2'],
      functions: { 'us-east-1': 'f', 'us-west-2': 'f' },
      healthChecks: { 'us-east-1': 'h1', 'us-west-2': 'h2' },
    },
  },
};

async function problemsOf(promise: Promise<unknown>): Promise<readonly string[]> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(InvalidInputError);
    return (error as InvalidInputError).problems;
  }
  return expect.fail('expected the guardrails to refuse');
}

describe('checkAccountGuardrails', () => {
  // Created per suite, not at load time: two files mocking STSClient's prototype at once clash.
  let sts: AwsStub<ServiceInputTypes, ServiceOutputTypes, STSClientResolvedConfig>;
  before(() => {
    sts = mockClient(STSClient);
  });
  let clients: AwsClients;
  beforeEach(() => {
    sts.reset();
    clients = AwsClients.forEnvironment({ kind: 'aws', endpoint: 'http://127.0.0.1:9' });
  });
  afterEach(() => clients.destroy());
  after(() => sts.restore());

  it('returns the caller when the credentials belong to the environment’s account', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn:aws:sts::123456789012:assumed-role/dr/me', UserId: 'AROA:me' });
    const identity = await checkAccountGuardrails(environment, clients);
    expect(identity).to.deep.equal({ account: '123456789012', arn: 'arn:aws:sts::123456789012:assumed-role/dr/me', userId: 'AROA:me' });
  });

  it('refuses credentials for another account, naming both', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '999999999999', Arn: 'arn:aws:iam::999999999999:user/prod-admin', UserId: 'AIDA' });
    const [problem] = await problemsOf(checkAccountGuardrails(environment, clients));
    expect(problem).to.include('account 999999999999 (arn:aws:iam::999999999999:user/prod-admin)');
    expect(problem).to.include('the environment is for account 123456789012');
  });

  it('refuses an account missing from allowedAccountIds without calling AWS at all', async () => {
    const problems = await problemsOf(checkAccountGuardrails({ ...environment, allowedAccountIds: ['000000000000'] }, clients));
    expect(problems).to.deep.equal(['accountId: 123456789012 is not in allowedAccountIds (000000000000)']);
    expect(sts.commandCalls(GetCallerIdentityCommand)).to.have.length(0);
  });

  it('refuses regions outside allowedRegions, ARC and FIS regions included', async () => {
    const restricted: Environment = {
      ...environment,
      allowedRegions: ['us-east-1', 'us-west-2'],
      arc: { region: 'eu-west-1', clusterEndpoints: ['https://host-aaaaaa.us-west-2.example.com/v1'] },
    };
    expect(regionsInUse(restricted)).to.deep.equal(['us-east-1', 'us-west-2', 'eu-west-1']);
    const problems = await problemsOf(checkAccountGuardrails(restricted, clients));
    expect(problems).to.deep.equal(['regions: eu-west-1 is not in allowedRegions (us-east-1, us-west-2)']);
  });
});
