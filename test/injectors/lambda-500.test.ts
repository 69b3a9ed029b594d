import { awsCliFor } from '../../src/aws/aws-cli.ts';
import { DeleteFunctionConcurrencyCommand, GetFunctionConcurrencyCommand, LambdaClient, PutFunctionConcurrencyCommand } from '@aws-sdk/client-lambda';
import { DeleteParameterCommand, GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { expect } from 'chai';
import { TargetNotFoundError, TargetRefusedError } from '../../src/injectors/injector.ts';
import { lambda500, type Lambda500Handle, type Lambda500Spec } from '../../src/injectors/lambda-500.ts';
import { PartialInjectionError } from '../../src/injectors/multi-target.ts';
import { awsError, mockDeps, recordingJournal } from './injector-kit.ts';

describe('the lambda-500 injector', () => {
  let lambda: AwsClientStub<LambdaClient>;
  let ssm: AwsClientStub<SSMClient>;
  before(() => {
    lambda = mockClient(LambdaClient);
    ssm = mockClient(SSMClient);
  });
  after(() => {
    lambda.restore();
    ssm.restore();
  });
  afterEach(() => {
    lambda.reset();
    ssm.reset();
  });

  describe('in throttle mode with two functions', () => {
    const spec: Lambda500Spec = { injector: 'lambda-500', mode: 'throttle', target: { region: 'primary', services: ['service1', 'service2'] } };

    it('journals both prior reservations before the first change', async () => {
      lambda.on(GetFunctionConcurrencyCommand, { FunctionName: 'service1-fn' }).resolves({});
      lambda.on(GetFunctionConcurrencyCommand, { FunctionName: 'service2-fn' }).resolves({ ReservedConcurrentExecutions: 40 });
      const order: string[] = [];
      lambda.on(PutFunctionConcurrencyCommand).callsFake((input: { FunctionName: string }) => {
        order.push(`put ${input.FunctionName}`);
        return { $metadata: { requestId: `req-${input.FunctionName}` } };
      });
      const result = await lambda500.inject(spec, mockDeps(), async (handle) => void order.push(`journal ${JSON.stringify(handle)}`));
      expect(order).to.deep.equal([
        'journal {"mode":"throttle","functions":[{"region":"us-east-1","functionName":"service1-fn","prior":null},{"region":"us-east-1","functionName":"service2-fn","prior":40}]}',
        'put service1-fn',
        'put service2-fn',
      ]);
      expect(result.requestIds).to.deep.equal(['req-service1-fn', 'req-service2-fn']);
    });

    it('rolls back the first function when the second fails half-way, and says so', async () => {
      // A stateful Lambda: reads see what earlier puts wrote, so restores are judged on real state.
      const reserved = new Map([['service1-fn', 10], ['service2-fn', 10]]);
      lambda.on(GetFunctionConcurrencyCommand).callsFake((input: { FunctionName: string }) => ({ ReservedConcurrentExecutions: reserved.get(input.FunctionName) }));
      lambda.on(PutFunctionConcurrencyCommand).callsFake((input: { FunctionName: string; ReservedConcurrentExecutions: number }) => {
        if (input.FunctionName === 'service2-fn' && input.ReservedConcurrentExecutions === 0) throw awsError('ServiceException', 'boom', 500);
        reserved.set(input.FunctionName, input.ReservedConcurrentExecutions);
        return {};
      });
      const error = await lambda500.inject(spec, mockDeps(), async () => {}).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(PartialInjectionError);
      expect((error as Error).message).to.include('target 2 of 2 (lambda us-east-1 service2-fn)').and.include('Rolled back in reverse order: lambda us-east-1 service2-fn: restored; lambda us-east-1 service1-fn: restored');
      const puts = lambda.commandCalls(PutFunctionConcurrencyCommand).map((c) => `${c.args[0].input.FunctionName}=${c.args[0].input.ReservedConcurrentExecutions}`);
      // Forward: service1 to 0, service2 to 0 (fails, so it still reads 10 and needs no undo); back: service1 to 10.
      expect(puts).to.deep.equal(['service1-fn=0', 'service2-fn=0', 'service1-fn=10']);
      expect([...reserved]).to.deep.equal([['service1-fn', 10], ['service2-fn', 10]]);
    });

    it('rolls back newest first, deleting a reservation that did not exist before', async () => {
      const handle: Lambda500Handle = {
        mode: 'throttle',
        functions: [
          { region: 'us-east-1', functionName: 'service1-fn', prior: null },
          { region: 'us-east-1', functionName: 'service2-fn', prior: 40 },
        ],
      };
      const calls: string[] = [];
      lambda.on(GetFunctionConcurrencyCommand).resolves({ ReservedConcurrentExecutions: 0 });
      lambda.on(PutFunctionConcurrencyCommand).callsFake((input: { FunctionName: string }) => { calls.push(`put ${input.FunctionName}`); return {}; });
      lambda.on(DeleteFunctionConcurrencyCommand).callsFake((input: { FunctionName: string }) => { calls.push(`delete ${input.FunctionName}`); return {}; });
      await lambda500.rollback(handle, mockDeps());
      expect(calls).to.deep.equal(['put service2-fn', 'delete service1-fn']);
      expect(lambda500.manualUndo(handle, awsCliFor({ kind: 'aws' }))).to.deep.equal([
        'aws lambda put-function-concurrency --region us-east-1 --function-name service2-fn --reserved-concurrent-executions 40',
        'aws lambda delete-function-concurrency --region us-east-1 --function-name service1-fn',
      ]);
    });

    it('names the missing function and the environment it was looked up in', async () => {
      lambda.on(GetFunctionConcurrencyCommand).rejects(awsError('ResourceNotFoundException', 'Function not found', 404));
      const error = await lambda500.plan(spec, mockDeps()).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(TargetNotFoundError);
      expect((error as Error).message).to.equal('lambda function "service1-fn" not found in us-east-1 (environment "mocked")');
    });
  });

  describe('in ssm-flag mode', () => {
    const spec = { injector: 'lambda-500', mode: 'ssm-flag', statusCode: 503, rate: 0.5, target: { region: 'secondary' } } as const;

    it('writes a failure-lambda flag and restores the prior value and type', async () => {
      ssm.on(GetParameterCommand).resolvesOnce({ Parameter: { Value: '{"isEnabled":false}', Type: 'String' } }).resolves({ Parameter: { Value: 'x', Type: 'String' } });
      ssm.on(PutParameterCommand).resolves({ Version: 2 });
      const journal = recordingJournal<Lambda500Handle>();
      const { handle } = await lambda500.inject(spec, mockDeps(), journal.write);
      expect(journal.entries).to.deep.equal([
        {
          mode: 'ssm-flag',
          flags: [{ region: 'us-west-2', name: '/failure/api', prior: { value: '{"isEnabled":false}', type: 'String' }, flag: '{"isEnabled":true,"failureMode":"statuscode","statusCode":503,"rate":0.5}' }],
        },
      ]);
      await lambda500.rollback(handle, mockDeps());
      const puts = ssm.commandCalls(PutParameterCommand).map((c) => c.args[0].input);
      expect(puts[1]).to.deep.include({ Name: '/failure/api', Value: '{"isEnabled":false}', Type: 'String', Overwrite: true });
    });

    it('deletes a flag parameter the drill created, and tolerates it being gone already', async () => {
      const handle: Lambda500Handle = { mode: 'ssm-flag', flags: [{ region: 'us-west-2', name: '/failure/api', prior: null, flag: '{}' }] };
      ssm.on(DeleteParameterCommand).rejects(awsError('ParameterNotFound', 'gone'));
      const result = await lambda500.rollback(handle, mockDeps());
      expect(result.requestIds).to.deep.equal([]);
      expect(ssm.commandCalls(DeleteParameterCommand)).to.have.length(1);
    });

    it('refuses a flag that is already enabled, before writing anything', async () => {
      ssm.on(GetParameterCommand).resolves({ Parameter: { Value: '{"isEnabled":true,"failureMode":"statuscode"}', Type: 'String' } });
      const journal = recordingJournal();
      const error = await lambda500.inject(spec, mockDeps(), journal.write).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(TargetRefusedError);
      expect((error as Error).message).to.include('/failure/api').and.include('already holds an enabled failure flag');
      expect(journal.entries).to.have.length(0);
      expect(ssm.commandCalls(PutParameterCommand)).to.have.length(0);
    });
  });
});
