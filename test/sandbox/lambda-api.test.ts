import { expect } from 'chai';
import {
  DeleteFunctionConcurrencyCommand,
  GetFunctionConcurrencyCommand,
  GetFunctionConfigurationCommand,
  PutFunctionConcurrencyCommand,
} from '@aws-sdk/client-lambda';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import { FAST_TOPOLOGY, lambdaClient, rejectionOf } from './sandbox-test-kit.ts';

const EAST_ARN = 'arn:aws:lambda:us-east-1:111122223333:function:api-handler';

describe('sandbox Lambda API (through the real SDK)', () => {
  let sandbox: Sandbox;
  let east: LambdaClient;
  let west: LambdaClient;

  beforeEach(async () => {
    sandbox = await startSandbox({ topology: FAST_TOPOLOGY });
    east = lambdaClient(sandbox, 'us-east-1');
    west = lambdaClient(sandbox, 'us-west-2');
  });
  afterEach(async () => {
    east.destroy();
    west.destroy();
    await sandbox.close();
  });

  it('GetFunctionConfiguration describes the function of the region the request is signed for', async () => {
    const config = await east.send(new GetFunctionConfigurationCommand({ FunctionName: 'api-handler' }));
    expect(config).to.include({
      FunctionName: 'api-handler',
      FunctionArn: EAST_ARN,
      State: 'Active',
      LastUpdateStatus: 'Successful',
    });
    expect(config.Runtime).to.be.a('string');
    expect(config.Handler).to.be.a('string');
    expect(config.RevisionId).to.be.a('string');
    expect(config.Environment?.Variables).to.include({ DRDRILL_REGION: 'us-east-1', DRDRILL_SERVICE: 'api' });
    const westConfig = await west.send(new GetFunctionConfigurationCommand({ FunctionName: 'api-handler' }));
    expect(westConfig.FunctionArn).to.equal('arn:aws:lambda:us-west-2:111122223333:function:api-handler');
    expect(westConfig.RevisionId).to.not.equal(config.RevisionId);
  });

  it('accepts the function ARN in place of its name', async () => {
    const config = await east.send(new GetFunctionConfigurationCommand({ FunctionName: EAST_ARN }));
    expect(config.FunctionName).to.equal('api-handler');
    await east.send(new PutFunctionConcurrencyCommand({ FunctionName: EAST_ARN, ReservedConcurrentExecutions: 7 }));
    const { ReservedConcurrentExecutions } = await east.send(new GetFunctionConcurrencyCommand({ FunctionName: 'api-handler' }));
    expect(ReservedConcurrentExecutions).to.equal(7);
  });

  it('raises ResourceNotFoundException (404) naming the full ARN for an unknown function', async () => {
    const error = await rejectionOf(east.send(new GetFunctionConfigurationCommand({ FunctionName: 'nope' })));
    expect(error.name).to.equal('ResourceNotFoundException');
    expect(error.message).to.equal('Function not found: arn:aws:lambda:us-east-1:111122223333:function:nope');
    expect(error.$metadata?.httpStatusCode).to.equal(404);
    expect((error as Error & { Type?: string }).Type).to.equal('User');
  });

  it('does not find a function through an ARN of another region', async () => {
    const error = await rejectionOf(west.send(new GetFunctionConcurrencyCommand({ FunctionName: EAST_ARN })));
    expect(error.name).to.equal('ResourceNotFoundException');
  });

  it('reports no reserved concurrency at start, then what Put set, then none after Delete', async () => {
    const before = await east.send(new GetFunctionConcurrencyCommand({ FunctionName: 'api-handler' }));
    expect(before.ReservedConcurrentExecutions).to.equal(undefined);

    const put = await east.send(new PutFunctionConcurrencyCommand({ FunctionName: 'api-handler', ReservedConcurrentExecutions: 0 }));
    expect(put.ReservedConcurrentExecutions).to.equal(0);
    const during = await east.send(new GetFunctionConcurrencyCommand({ FunctionName: 'api-handler' }));
    expect(during.ReservedConcurrentExecutions).to.equal(0);
    const other = await west.send(new GetFunctionConcurrencyCommand({ FunctionName: 'api-handler' }));
    expect(other.ReservedConcurrentExecutions).to.equal(undefined);

    const deleted = await east.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'api-handler' }));
    expect(deleted.$metadata.httpStatusCode).to.equal(204);
    const after = await east.send(new GetFunctionConcurrencyCommand({ FunctionName: 'api-handler' }));
    expect(after.ReservedConcurrentExecutions).to.equal(undefined);

    const changes = sandbox.events().filter((e) => e.type === 'function-concurrency');
    expect(changes.map((e) => (e.type === 'function-concurrency' ? [e.region, e.reservedConcurrency] : []))).to.deep.equal([
      ['us-east-1', 0],
      ['us-east-1', null],
    ]);
    const mutating = sandbox.calls().filter((c) => c.mutating).map((c) => c.operation);
    expect(mutating).to.deep.equal(['PutFunctionConcurrency', 'DeleteFunctionConcurrency']);
  });

  it('records no event for a Delete when nothing is reserved, but still logs the call', async () => {
    await east.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'api-handler' }));
    expect(sandbox.events().filter((e) => e.type === 'function-concurrency')).to.have.length(0);
    expect(sandbox.calls().at(-1)).to.include({ operation: 'DeleteFunctionConcurrency', status: 204, mutating: true });
  });

  it('rejects a negative reserved concurrency with InvalidParameterValueException (400) and changes nothing', async () => {
    const error = await rejectionOf(
      east.send(new PutFunctionConcurrencyCommand({ FunctionName: 'api-handler', ReservedConcurrentExecutions: -1 })),
    );
    expect(error.name).to.equal('InvalidParameterValueException');
    expect(error.message).to.contain('ReservedConcurrentExecutions');
    expect(error.$metadata?.httpStatusCode).to.equal(400);
    const { ReservedConcurrentExecutions } = await east.send(new GetFunctionConcurrencyCommand({ FunctionName: 'api-handler' }));
    expect(ReservedConcurrentExecutions).to.equal(undefined);
    expect(sandbox.calls().at(-2)).to.include({ errorCode: 'InvalidParameterValueException', mutating: true });
  });

  it('rejects a reservation that would leave less than 100 unreserved executions in the account', async () => {
    const error = await rejectionOf(
      east.send(new PutFunctionConcurrencyCommand({ FunctionName: 'api-handler', ReservedConcurrentExecutions: 901 })),
    );
    expect(error.name).to.equal('InvalidParameterValueException');
    expect(error.message).to.contain('UnreservedConcurrentExecution');
    await east.send(new PutFunctionConcurrencyCommand({ FunctionName: 'api-handler', ReservedConcurrentExecutions: 900 }));
  });

  it('raises ResourceNotFoundException for concurrency calls on an unknown function', async () => {
    for (const command of [
      new GetFunctionConcurrencyCommand({ FunctionName: 'nope' }),
      new PutFunctionConcurrencyCommand({ FunctionName: 'nope', ReservedConcurrentExecutions: 1 }),
      new DeleteFunctionConcurrencyCommand({ FunctionName: 'nope' }),
    ]) {
      const error = await rejectionOf(east.send(command as GetFunctionConcurrencyCommand));
      expect(error.name).to.equal('ResourceNotFoundException');
    }
  });
});
