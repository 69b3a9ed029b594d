import { GetExperimentCommand, GetExperimentTemplateCommand, ListExperimentsCommand, StartExperimentCommand, StopExperimentCommand, type FisClient } from '@aws-sdk/client-fis';
import { expect } from 'chai';
import { CLIENT_TOKEN_TAG } from '../../src/injectors/fis-run.ts';
import { fisExperiment, type FisExperimentHandle, type FisExperimentSpec } from '../../src/injectors/fis-experiment.ts';
import { TargetNotFoundError, TargetRefusedError, type InjectorDeps } from '../../src/injectors/injector.ts';
import { lambda500 } from '../../src/injectors/lambda-500.ts';
import { awsError, mockDeps, recordingJournal } from './injector-kit.ts';

const OPERATIONS = [
  ['GetExperimentTemplate', GetExperimentTemplateCommand],
  ['ListExperiments', ListExperimentsCommand],
  ['StartExperiment', StartExperimentCommand],
  ['GetExperiment', GetExperimentCommand],
  ['StopExperiment', StopExperimentCommand],
] as const;
type Operation = (typeof OPERATIONS)[number][0];
type Answer = (input: Record<string, unknown>) => unknown;

/**
 * A scripted FIS. The installed FIS client is typed against an older smithy release than
 * aws-sdk-client-mock, so its `send` is replaced directly. Answers queue per operation; the
 * last one repeats.
 */
class FakeFis {
  readonly calls: { readonly operation: Operation; readonly input: Record<string, unknown> }[] = [];
  readonly #answers = new Map<Operation, Answer[]>();

  on(operation: Operation, ...answers: Answer[]): this {
    this.#answers.set(operation, answers);
    return this;
  }

  install(deps: InjectorDeps): void {
    deps.clients.fis('us-east-1').send = (async (command: object & { readonly input: Record<string, unknown> }) => {
      const operation = OPERATIONS.find(([, type]) => command instanceof type)?.[0];
      if (operation === undefined) throw new Error('unexpected FIS command');
      this.calls.push({ operation, input: command.input });
      const queue = this.#answers.get(operation) ?? [];
      const answer = queue.length > 1 ? queue.shift() : queue[0];
      if (answer === undefined) throw new Error(`unscripted FIS call ${operation}`);
      return answer(command.input);
    }) as unknown as FisClient['send'];
  }

  inputs(operation: Operation): Record<string, unknown>[] {
    return this.calls.filter((c) => c.operation === operation).map((c) => c.input);
  }
}

const answer = (value: unknown): Answer => () => value;
const experiment = (id: string, status: string, reason?: string): Answer => answer({ experiment: { id, state: { status, ...(reason === undefined ? {} : { reason }) } } });
const spec: FisExperimentSpec = { injector: 'fis-experiment', templates: ['az-outage'] };
const run = (experimentId: string | null, clientToken = 't') => ({ experiments: [{ region: 'us-east-1', templateId: 'EXTazoutage', clientToken, experimentId }] });

describe('the fis-experiment injector', () => {
  let fis: FakeFis;
  let deps: InjectorDeps;
  beforeEach(() => {
    fis = new FakeFis();
    deps = mockDeps();
    fis.install(deps);
    fis.on('GetExperimentTemplate', (input) => ({ experimentTemplate: { id: input.id } }));
  });
  afterEach(() => deps.clients.destroy());

  it('journals a client token before starting, tags the experiment with it, and waits until it runs', async () => {
    fis.on('ListExperiments', answer({ experiments: [{ id: 'EXPold', experimentTemplateId: 'EXTazoutage', state: { status: 'completed' } }] }));
    fis.on('StartExperiment', experiment('EXP1', 'initiating'));
    fis.on('GetExperiment', experiment('EXP1', 'initiating'), experiment('EXP1', 'running'));
    const journal = recordingJournal<FisExperimentHandle>();
    const { handle } = await fisExperiment.inject(spec, deps, journal.write);
    const journaled = journal.entries[0]?.experiments[0];
    expect(journaled?.experimentId, 'journaled before AWS named it').to.equal(null);
    const start = fis.inputs('StartExperiment')[0];
    expect(start?.['clientToken']).to.equal(journaled?.clientToken);
    expect(start?.['tags']).to.deep.equal({ [CLIENT_TOKEN_TAG]: journaled?.clientToken });
    expect(handle.experiments[0]?.experimentId).to.equal('EXP1');
    await fisExperiment.verify(handle, deps, AbortSignal.timeout(5000));
    expect(fis.inputs('GetExperiment')).to.have.length(2);
  });

  it('refuses a template that already has a running experiment', async () => {
    fis.on('ListExperiments', answer({ experiments: [{ id: 'EXPbusy', experimentTemplateId: 'EXTazoutage', state: { status: 'running' } }] }));
    const error = await fisExperiment.inject(spec, deps, async () => {}).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(TargetRefusedError);
    expect((error as Error).message).to.include('EXTazoutage in us-east-1 already has a running experiment (EXPbusy)');
    expect(fis.inputs('StartExperiment')).to.have.length(0);
  });

  it('stops a running experiment on rollback and waits until FIS says it stopped', async () => {
    fis.on('GetExperiment', experiment('EXP1', 'running'), experiment('EXP1', 'stopping'), experiment('EXP1', 'stopped'));
    fis.on('StopExperiment', answer({ $metadata: { requestId: 'req-stop' } }));
    const result = await fisExperiment.rollback(run('EXP1'), deps);
    expect(result.requestIds).to.deep.equal(['req-stop']);
    expect(result.detail).to.equal('experiment EXP1 stopped');
  });

  for (const status of ['completed', 'failed', 'stopped', 'cancelled']) {
    it(`copes with an experiment FIS already ended (${status}): nothing to stop, and the rollback says so`, async () => {
      fis.on('GetExperiment', experiment('EXP1', status, 'by FIS'));
      const result = await fisExperiment.rollback(run('EXP1'), deps);
      expect(fis.inputs('StopExperiment')).to.have.length(0);
      expect(result.detail).to.equal(`experiment EXP1 had already ${status} (by FIS)`);
    });
  }

  it('treats a stop that races FIS ending the experiment as success', async () => {
    fis.on('GetExperiment', experiment('EXP1', 'running'), experiment('EXP1', 'completed'));
    fis.on('StopExperiment', () => {
      throw awsError('ValidationException', 'Experiment is not in a stoppable state');
    });
    const result = await fisExperiment.rollback(run('EXP1'), deps);
    expect(result.detail).to.equal('experiment EXP1 completed');
  });

  it('finds the experiment of a crashed run by its client-token tag', async () => {
    fis.on(
      'ListExperiments',
      answer({
        experiments: [
          { id: 'EXPother', experimentTemplateId: 'EXTazoutage', state: { status: 'running' }, tags: { [CLIENT_TOKEN_TAG]: 'someone-else' } },
          { id: 'EXPmine', experimentTemplateId: 'EXTazoutage', state: { status: 'running' }, tags: { [CLIENT_TOKEN_TAG]: 'tok' } },
        ],
      }),
    );
    fis.on('GetExperiment', experiment('EXPmine', 'running'), experiment('EXPmine', 'stopped'));
    fis.on('StopExperiment', answer({}));
    await fisExperiment.rollback(run(null, 'tok'), deps);
    expect(fis.inputs('StopExperiment')).to.deep.equal([{ id: 'EXPmine' }]);
  });

  it("fails verify with FIS's reason when the experiment ends before running", async () => {
    fis.on('GetExperiment', experiment('EXP1', 'failed', 'Target resolution returned empty set'));
    const error = await fisExperiment.verify(run('EXP1'), deps, AbortSignal.timeout(5000)).catch((e: unknown) => e);
    expect((error as Error).message).to.include('EXP1 (template EXTazoutage) is failed and never ran: Target resolution returned empty set');
  });

  it('names an unknown template and a missing one with their environment', async () => {
    const unknown = await fisExperiment.plan({ injector: 'fis-experiment', templates: ['nope'] }, deps).catch((e: unknown) => e);
    expect(unknown).to.be.instanceOf(TargetNotFoundError);
    expect((unknown as Error).message).to.equal('experiment template "nope" is not defined in environment "mocked" (it defines: az-outage)');
    fis.on('ListExperiments', answer({ experiments: [] }));
    fis.on('GetExperimentTemplate', () => {
      throw awsError('ResourceNotFoundException', 'Experiment template not found', 404);
    });
    const missing = await lambda500.inject({ injector: 'lambda-500', mode: 'fis', target: { region: 'primary' } }, deps, async () => {}).catch((e: unknown) => e);
    expect((missing as Error).message).to.include('FIS experiment template "EXTapieast" not found in us-east-1 (environment "mocked")');
    // Found out by reading the template, before anything was started.
    expect((missing as TargetNotFoundError).id).to.equal('EXTapieast');
    expect(fis.inputs('StartExperiment')).to.deep.equal([]);
  });
});
