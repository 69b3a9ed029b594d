import { GetFunctionConcurrencyCommand, LambdaClient, PutFunctionConcurrencyCommand } from '@aws-sdk/client-lambda';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { expect } from 'chai';
import { MissingPermissionError, ThrottledError } from '../../src/injectors/aws-call.ts';
import { lambda500 } from '../../src/injectors/lambda-500.ts';
import { lambdaThrottle } from '../../src/injectors/lambda-throttle.ts';
import { awsError, mockDeps, recordingJournal } from './injector-kit.ts';

describe('control-plane calls made by injectors', () => {
  let lambda: AwsClientStub<LambdaClient>;
  before(() => {
    lambda = mockClient(LambdaClient);
  });
  after(() => {
    lambda.restore();
  });
  afterEach(() => lambda.reset());

  it('retries a throttled call with backoff until it succeeds', async () => {
    lambda
      .on(GetFunctionConcurrencyCommand)
      .rejectsOnce(awsError('TooManyRequestsException', 'Rate exceeded', 429))
      .rejectsOnce(awsError('TooManyRequestsException', 'Rate exceeded', 429))
      .resolves({ ReservedConcurrentExecutions: 7 });
    lambda.on(PutFunctionConcurrencyCommand).resolves({ $metadata: { requestId: 'req-put' } });
    const journal = recordingJournal();
    const result = await lambdaThrottle.inject({ injector: 'lambda-throttle', target: { region: 'primary' } }, mockDeps(), journal.write);
    expect(lambda.commandCalls(GetFunctionConcurrencyCommand)).to.have.length(3);
    expect(journal.entries).to.deep.equal([{ region: 'us-east-1', functionName: 'api-fn', prior: 7 }]);
    expect(result.requestIds).to.deep.equal(['req-put']);
  });

  it('gives up after the retry budget with a ThrottledError naming the action and resource', async () => {
    lambda.on(GetFunctionConcurrencyCommand).rejects(awsError('TooManyRequestsException', 'Rate exceeded', 429));
    const error = await lambda500.plan({ injector: 'lambda-500', mode: 'throttle', target: { region: 'primary' } }, mockDeps()).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ThrottledError);
    expect((error as Error).message).to.include('lambda:GetFunctionConcurrency').and.include('arn:aws:lambda:us-east-1:111122223333:function:api-fn').and.include('4 attempts');
    expect(lambda.commandCalls(GetFunctionConcurrencyCommand)).to.have.length(4);
  });

  it('turns AccessDenied into a MissingPermissionError naming the IAM action, the resource and the environment', async () => {
    lambda.on(GetFunctionConcurrencyCommand).resolves({});
    lambda.on(PutFunctionConcurrencyCommand).rejects(awsError('AccessDeniedException', 'User: arn:aws:sts::1:assumed-role/x is not authorized', 403));
    const error = await lambdaThrottle.inject({ injector: 'lambda-throttle', target: { region: 'secondary' } }, mockDeps(), async () => {}).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(MissingPermissionError);
    const denied = error as MissingPermissionError;
    expect(denied.action).to.equal('lambda:PutFunctionConcurrency');
    expect(denied.resource).to.equal('arn:aws:lambda:us-west-2:111122223333:function:api-fn');
    expect(denied.message).to.include('environment "mocked"').and.include('drdrill iam-policy');
    expect(lambda.commandCalls(PutFunctionConcurrencyCommand)).to.have.length(1, 'AccessDenied is not retried');
  });
});
