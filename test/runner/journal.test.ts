import { expect } from 'chai';
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Environment } from '../../src/drill/environment.ts';
import { Journal, openJournals, readJournal } from '../../src/runner/journal.ts';

const environment: Environment = {
  name: 'sandbox',
  kind: 'sandbox',
  accountId: '111122223333',
  endpoint: 'http://127.0.0.1:1',
  regions: ['us-east-1', 'us-west-2'],
  dnsResolvers: ['127.0.0.1:53'],
  services: {},
};

describe('Journal', () => {
  let stateDir: string;
  beforeEach(async () => {
    stateDir = await mkdtemp(path.join(tmpdir(), 'drdrill-journal-'));
  });
  afterEach(async () => {
    await rm(stateDir, { recursive: true, force: true });
  });

  async function create(runId: string): Promise<Journal> {
    return Journal.create(stateDir, { runId, drill: 'd', file: 'd.drill.ts', environment, defaultService: 'api' });
  }

  it('owes, newest first, every intent that was not rolled back', async () => {
    const journal = await create('run-1');
    const first = await journal.intent('lambda-throttle', 'lambda us-east-1 a', { prior: null });
    await journal.applied(first, ['req-1']);
    const second = await journal.intent('lambda-throttle', 'lambda us-east-1 b', { prior: 5 });
    await journal.intent('lambda-throttle', 'lambda us-east-1 c', { prior: 7 });
    await journal.rolledBack(second, ['req-2']);
    await journal.abandon();

    const state = await readJournal(journal.file);
    expect(state.closed).to.equal(false);
    expect(state.run.runId).to.equal('run-1');
    expect(state.pending.map((intent) => intent.target)).to.deep.equal(['lambda us-east-1 c', 'lambda us-east-1 a']);
  });

  it('undoes with the handle the call returned when the injector journaled a final one', async () => {
    const journal = await create('run-final');
    const seq = await journal.intent('fis-experiment', 'fis t', { experimentId: null });
    await journal.applied(seq, ['req-1'], { experimentId: 'EXP123' });
    await journal.abandon();
    const state = await readJournal(journal.file);
    expect(state.pending.map((intent) => intent.handle)).to.deep.equal([{ experimentId: 'EXP123' }]);
  });

  it("owes the dead-man's-switch executions not yet disarmed, and the locks not yet released", async () => {
    const journal = await create('run-armed');
    await journal.locked('us-east-1', ['/drdrill/locks/a', '/drdrill/locks/b']);
    const first = await journal.intent('lambda-throttle', 'a', { prior: null });
    await journal.armed(first, [{ executionId: 'exec-1', region: 'us-east-1', deadline: 1000, call: 'lambda.DeleteFunctionConcurrency' }]);
    const second = await journal.intent('health-check-invert', 'b', { prior: false });
    await journal.armed(second, [{ executionId: 'exec-2', region: 'us-west-2', deadline: 2000, call: 'route53.UpdateHealthCheck' }]);
    await journal.rolledBack(first, []);
    await journal.disarmed(first);
    await journal.abandon();

    const state = await readJournal(journal.file);
    expect(state.armed.map((revert) => [revert.seq, revert.executionId])).to.deep.equal([[second, 'exec-2']]);
    expect(state.locks).to.deep.equal({ region: 'us-east-1', names: ['/drdrill/locks/a', '/drdrill/locks/b'] });

    const reopened = await Journal.reopen(journal.file);
    await reopened.unlocked();
    await reopened.abandon();
    expect((await readJournal(journal.file)).locks).to.equal(undefined);
  });

  it('lists only runs that did not close', async () => {
    const done = await create('run-done');
    await done.close('passed');
    const open = await create('run-open');
    await open.intent('lambda-throttle', 't', { prior: null });
    await open.abandon();

    const states = await openJournals(stateDir);
    expect(states.map((state) => state.run.runId)).to.deep.equal(['run-open']);
  });

  it('ignores a torn last line left by a crash mid-write', async () => {
    const journal = await create('run-torn');
    await journal.intent('lambda-throttle', 't', { prior: 3 });
    await journal.abandon();
    await appendFile(journal.file, '{"type":"intent","seq":2,"at":1,"inj');

    const state = await readJournal(journal.file);
    expect(state.pending).to.have.length(1);
    expect(state.pending[0]?.handle).to.deep.equal({ prior: 3 });
  });

  it('refuses to reuse a run id rather than append to another run', async () => {
    await (await create('run-same')).abandon();
    let error: unknown;
    try {
      await create('run-same');
    } catch (caught) {
      error = caught;
    }
    expect((error as NodeJS.ErrnoException).code).to.equal('EEXIST');
  });

  it('writes one parseable line per entry', async () => {
    const journal = await create('run-lines');
    await journal.intent('lambda-throttle', 't', { prior: null });
    await journal.close('passed');
    const lines = (await readFile(journal.file, 'utf8')).trim().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as { type: string }).type)).to.deep.equal(['run', 'intent', 'closed']);
  });
});
