import { GetFunctionConcurrencyCommand, LambdaClient, PutFunctionConcurrencyCommand } from '@aws-sdk/client-lambda';
import {
  GetCallerIdentityCommand,
  STSClient,
  type ServiceInputTypes,
  type ServiceOutputTypes,
  type STSClientResolvedConfig,
} from '@aws-sdk/client-sts';
import { mockClient, type AwsStub } from 'aws-sdk-client-mock';
import { expect } from 'chai';
import { collectOperatorIdentity } from '../../src/evidence/operator-identity.ts';
import { recordCalls } from '../../src/evidence/record-calls.ts';
import type { ControlPlaneCallRecord } from '../../src/runner/run-record.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';

describe('recordCalls', () => {
  let sandbox: Sandbox;
  let client: LambdaClient;
  const calls: ControlPlaneCallRecord[] = [];
  before(async () => {
    sandbox = await startSandbox();
    client = new LambdaClient({ region: 'us-east-1', endpoint: sandbox.description.controlPlaneUrl, credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' }, maxAttempts: 1 });
    recordCalls(client, (call) => calls.push(call));
  });
  after(async () => {
    client?.destroy();
    await sandbox?.close();
  });

  it('records service, operation, region, request id, times and status of each call, matching what the server saw', async () => {
    const before = Date.now();
    await client.send(new PutFunctionConcurrencyCommand({ FunctionName: 'api-handler', ReservedConcurrentExecutions: 7 }));
    await client.send(new GetFunctionConcurrencyCommand({ FunctionName: 'api-handler' }));
    const seen = sandbox.calls().filter((call) => call.service !== 'route53');
    expect(calls).to.have.length(2);
    expect(calls.map((call) => [call.service, call.operation, call.region, call.httpStatus])).to.deep.equal([
      ['Lambda', 'PutFunctionConcurrency', 'us-east-1', 200],
      ['Lambda', 'GetFunctionConcurrency', 'us-east-1', 200],
    ]);
    expect(calls.map((call) => call.requestId)).to.deep.equal(seen.slice(-2).map((call) => call.requestId));
    for (const call of calls) {
      expect(call.startedAt).to.be.within(before, call.endedAt);
      expect(call.endedAt).to.be.at.most(Date.now());
    }
    await client.send(new PutFunctionConcurrencyCommand({ FunctionName: 'api-handler', ReservedConcurrentExecutions: 100 }));
  });

  it('records a failed call with its AWS error code and still throws it to the caller', async () => {
    calls.length = 0;
    const error = await client.send(new GetFunctionConcurrencyCommand({ FunctionName: 'no-such-function' })).catch((caught: unknown) => caught);
    expect(error).to.have.property('name', 'ResourceNotFoundException');
    expect(calls).to.have.length(1);
    expect(calls[0]).to.include({ operation: 'GetFunctionConcurrency', httpStatus: 404, errorCode: 'ResourceNotFoundException' });
    expect(calls[0]?.requestId).to.be.a('string').and.not.equal('');
  });

  it('records nothing of the request parameters, and a throwing sink does not break the call', async () => {
    const noisy = new LambdaClient({ region: 'us-west-2', endpoint: sandbox.description.controlPlaneUrl, credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' }, maxAttempts: 1 });
    recordCalls(noisy, () => {
      throw new Error('sink broke');
    });
    try {
      const answer = await noisy.send(new GetFunctionConcurrencyCommand({ FunctionName: 'api-handler' }));
      expect(answer.$metadata.httpStatusCode).to.equal(200);
    } finally {
      noisy.destroy();
    }
    expect(Object.keys(calls[0] ?? {}).sort()).to.deep.equal(['attempts', 'endedAt', 'errorCode', 'httpStatus', 'operation', 'region', 'requestId', 'service', 'startedAt']);
  });
});

describe('collectOperatorIdentity', () => {
  // Created per suite, not at load time: two files mocking STSClient's prototype at once clash.
  let sts: AwsStub<ServiceInputTypes, ServiceOutputTypes, STSClientResolvedConfig>;
  before(() => {
    sts = mockClient(STSClient);
  });
  afterEach(() => sts.reset());
  after(() => sts.restore());

  it('returns the ARN, account and user id STS reports for the caller', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Arn: 'arn:aws:sts::123456789012:assumed-role/Drill/ci', Account: '123456789012', UserId: 'AROA:ci' });
    expect(await collectOperatorIdentity(new STSClient({ region: 'us-east-1' }))).to.deep.equal({
      arn: 'arn:aws:sts::123456789012:assumed-role/Drill/ci',
      account: '123456789012',
      userId: 'AROA:ci',
    });
  });

  it('says why when STS refuses, instead of throwing', async () => {
    sts.on(GetCallerIdentityCommand).rejects(Object.assign(new Error('The security token included in the request is expired'), { name: 'ExpiredToken' }));
    expect(await collectOperatorIdentity(new STSClient({ region: 'us-east-1' }))).to.deep.equal({
      error: 'STS GetCallerIdentity failed: ExpiredToken: The security token included in the request is expired',
    });
  });
});
