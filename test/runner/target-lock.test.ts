import { DeleteParameterCommand, GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { expect } from 'chai';
import { hostname } from 'node:os';
import { awsCliFor } from '../../src/aws/aws-cli.ts';
import { AwsClients } from '../../src/aws/aws-clients.ts';
import type { Environment } from '../../src/drill/environment.ts';
import type { IamPermission } from '../../src/injectors/injector.ts';
import { LockHeldError } from '../../src/runner/lock-held-error.ts';
import {
  DEFAULT_SKEW_ALLOWANCE_MS,
  LOCK_PREFIX,
  acquireTargetLocks,
  lockDeleteCommand,
  lockParameterName,
  lockPermissions,
  releaseTargetLocks,
  type AcquireTargetLocksOptions,
  type LockCallDeps,
  type LockHolder,
  type TargetLockRecord,
} from '../../src/runner/target-lock.ts';
import { sandboxEnvironment } from '../../src/sandbox/sandbox-environment.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';

const REGION = 'us-east-1';
const HOUR = 3_600_000;
/** A fixed clock, so expiry is decided by the test and not by how fast it runs. */
const T0 = Date.parse('2030-01-01T10:00:00.000Z');

const alice: LockHolder = { runId: 'run-alice', drill: 'primary-failover', owner: 'arn:aws:sts::111122223333:assumed-role/Ops/alice' };
const bob: LockHolder = { runId: 'run-bob', drill: 'lambda-throttle', owner: 'arn:aws:sts::111122223333:assumed-role/Ops/bob' };

/** SSM's own name rules (allowed characters, no empty level), plus the ARN-inclusive length and depth limits. */
function isValidSsmName(name: string): boolean {
  const arn = `arn:aws-iso-b:ssm:us-isob-east-1:111122223333:parameter${name}`;
  return /^\/[a-zA-Z0-9_.\-/]+$/.test(name) && !name.includes('//') && !name.endsWith('/') && arn.length <= 1011 && name.split('/').length - 1 <= 15;
}

/** IAM resource matching: `*` matches any run of characters, `/` included. */
function globMatches(pattern: string, value: string): boolean {
  return new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(value);
}

describe('lockParameterName', () => {
  it('turns a target label into a lock under /drdrill/locks/, spaces as levels', () => {
    expect(lockParameterName('route53 health-check hc-123')).to.equal('/drdrill/locks/route53/health-check/hc-123');
    expect(lockParameterName('lambda us-east-1 api-handler')).to.equal('/drdrill/locks/lambda/us-east-1/api-handler');
  });

  it('replaces characters SSM forbids and never leaves an empty level', () => {
    expect(lockParameterName('fis us-east-1 EXT1 (az outage)')).to.equal('/drdrill/locks/fis/us-east-1/EXT1/_az/outage_');
    expect(lockParameterName('ssm us-east-1 /failure/api')).to.equal('/drdrill/locks/ssm/us-east-1/failure/api');
    expect(lockParameterName('  lambda\tus-east-1  arn:aws:lambda:us-east-1:1:function:f/ ')).to.equal('/drdrill/locks/lambda/us-east-1/arn_aws_lambda_us-east-1_1_function_f');
  });

  it('hashes a label too long or too deep for SSM into a short, stable, valid name', () => {
    const long = `lambda us-east-1 ${'x'.repeat(2000)}`;
    const deep = Array.from({ length: 20 }, (_, i) => `l${i}`).join(' ');
    for (const label of [long, deep]) {
      const name = lockParameterName(label);
      expect(name).to.match(/^\/drdrill\/locks\/sha256\/[0-9a-f]{32}$/);
      expect(isValidSsmName(name)).to.equal(true);
      expect(lockParameterName(label)).to.equal(name);
    }
    expect(lockParameterName(long)).to.not.equal(lockParameterName(`${long}y`));
    // drdrill/locks plus 13 levels is SSM's 15: kept readable; one level more is hashed.
    const levels = (count: number): string => Array.from({ length: count }, (_, i) => `l${i}`).join(' ');
    expect(lockParameterName(levels(13))).to.equal(`${LOCK_PREFIX}${levels(13).replaceAll(' ', '/')}`);
    expect(lockParameterName(levels(14))).to.match(/^\/drdrill\/locks\/sha256\//);
  });

  it('refuses a label with nothing to lock', () => {
    expect(() => lockParameterName('  ')).to.throw(RangeError);
  });
});

describe('lockPermissions', () => {
  it('grants put, get and delete on the locks subtree only', () => {
    expect(lockPermissions('eu-west-1', '123456789012')).to.deep.equal([
      { action: 'ssm:PutParameter', resource: 'arn:aws:ssm:eu-west-1:123456789012:parameter/drdrill/locks/*' },
      { action: 'ssm:GetParameter', resource: 'arn:aws:ssm:eu-west-1:123456789012:parameter/drdrill/locks/*' },
      { action: 'ssm:DeleteParameter', resource: 'arn:aws:ssm:eu-west-1:123456789012:parameter/drdrill/locks/*' },
    ]);
  });
});

describe('target locks against the sandbox parameter store', function () {
  this.timeout(30_000);
  let sandbox: Sandbox;
  let environment: Environment;
  let clients: AwsClients;
  let ssm: SSMClient;
  /** Every SSM call the lock code made (IAM action and resource), in order. */
  let calls: IamPermission[];
  let deps: LockCallDeps;
  /** Each test locks targets of its own, so tests sharing the sandbox cannot see each other's locks. */
  let testNumber = 0;
  let prefix: string;

  before(async () => {
    sandbox = await startSandbox();
    environment = sandboxEnvironment(sandbox.description);
    clients = AwsClients.forEnvironment(environment);
    ssm = clients.ssm(REGION);
  });
  after(async () => {
    clients.destroy();
    await sandbox.close();
  });
  beforeEach(() => {
    calls = [];
    deps = { environment, retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 }, onCall: (permission) => calls.push(permission) };
    prefix = `t${++testNumber}`;
  });

  const target = (label: string): string => `lambda ${REGION} ${prefix}-${label}`;
  const nameOf = (label: string): string => lockParameterName(target(label));

  function acquire(holder: LockHolder, labels: readonly string[], extra: Partial<AcquireTargetLocksOptions> = {}) {
    return acquireTargetLocks({ ssm, region: REGION, targets: labels.map(target), holder, ttlMs: HOUR, deps, now: () => T0, ...extra });
  }

  /** Ground truth: the parameter's value as the store holds it, or undefined when there is none. */
  async function stored(name: string): Promise<string | undefined> {
    try {
      const output = await ssm.send(new GetParameterCommand({ Name: name }));
      return output.Parameter?.Value;
    } catch (error) {
      if ((error as Error).name === 'ParameterNotFound') return undefined;
      throw error;
    }
  }

  async function storedRecord(name: string): Promise<TargetLockRecord | undefined> {
    const value = await stored(name);
    return value === undefined ? undefined : (JSON.parse(value) as TargetLockRecord);
  }

  async function plant(name: string, value: string): Promise<void> {
    await ssm.send(new PutParameterCommand({ Name: name, Value: value, Type: 'String', Overwrite: true }));
  }

  /** An SSM client of its own (no SDK retries), for tests that bend its middleware. */
  function sandboxClient(): SSMClient {
    return new SSMClient({ region: REGION, endpoint: sandbox.description.controlPlaneUrl, credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' }, maxAttempts: 1 });
  }

  async function refusal(promise: Promise<unknown>): Promise<LockHeldError> {
    try {
      await promise;
    } catch (error) {
      if (error instanceof LockHeldError) return error;
      throw error;
    }
    return expect.fail('expected the acquisition to be refused');
  }

  it('writes one String parameter per target holding the run, host, pid and expiry', async () => {
    const locks = await acquire(alice, ['api']);
    expect(locks.names).to.deep.equal([nameOf('api')]);
    expect(locks.region).to.equal(REGION);
    const output = await ssm.send(new GetParameterCommand({ Name: nameOf('api') }));
    expect(output.Parameter?.Type).to.equal('String');
    expect(JSON.parse(output.Parameter?.Value ?? '')).to.deep.equal({
      target: target('api'),
      runId: 'run-alice',
      drill: 'primary-failover',
      owner: alice.owner,
      host: hostname(),
      pid: process.pid,
      acquiredAt: '2030-01-01T10:00:00.000Z',
      expiresAt: '2030-01-01T11:00:00.000Z',
    });
    expect(locks.expiresAt).to.equal('2030-01-01T11:00:00.000Z');
  });

  it('refuses an overlapping target set, naming the holder, and leaves none of its own locks behind', async () => {
    await acquire(alice, ['b']);
    // Sorted, bob takes a first, then meets alice's b: a must be released again, c never taken.
    const error = await refusal(acquire(bob, ['c', 'b', 'a']));

    expect(error.target).to.equal(target('b'));
    expect(error.parameterName).to.equal(nameOf('b'));
    expect(error.holder?.runId).to.equal('run-alice');
    for (const fact of ['run-alice', 'primary-failover', alice.owner, hostname(), `pid ${process.pid}`, '2030-01-01T10:00:00.000Z', '2030-01-01T11:00:00.000Z', 'drdrill recover']) {
      expect(error.message).to.include(fact);
    }
    expect(error.message).to.include(lockDeleteCommand(nameOf('b'), REGION, awsCliFor(environment)));

    expect(await stored(nameOf('a'))).to.equal(undefined);
    expect(await stored(nameOf('c'))).to.equal(undefined);
    expect((await storedRecord(nameOf('b')))?.runId).to.equal('run-alice');
    // It did take a before meeting b, so "nothing left behind" was earned by a release.
    expect(calls.filter((call) => call.action === 'ssm:DeleteParameter').map((call) => call.resource.endsWith(nameOf('a')))).to.deep.equal([true]);
  });

  it('lets runs with disjoint targets both hold their locks', async () => {
    const first = await acquire(alice, ['a', 'b']);
    const second = await acquire(bob, ['c', 'd']);
    expect(first.names).to.deep.equal([nameOf('a'), nameOf('b')]);
    expect(second.names).to.deep.equal([nameOf('c'), nameOf('d')]);
    for (const label of ['a', 'b']) expect((await storedRecord(nameOf(label)))?.runId).to.equal('run-alice');
    for (const label of ['c', 'd']) expect((await storedRecord(nameOf(label)))?.runId).to.equal('run-bob');
  });

  it('takes over a lock whose run let it expire past the skew allowance, and not a moment sooner', async () => {
    await acquire(alice, ['a'], { ttlMs: 60_000 });
    const expiry = T0 + 60_000;

    const early = await refusal(acquire(bob, ['a'], { now: () => expiry + DEFAULT_SKEW_ALLOWANCE_MS }));
    expect(early.holder?.runId).to.equal('run-alice');
    expect((await storedRecord(nameOf('a')))?.runId).to.equal('run-alice');

    const locks = await acquire(bob, ['a'], { now: () => expiry + DEFAULT_SKEW_ALLOWANCE_MS + 1 });
    expect(locks.names).to.deep.equal([nameOf('a')]);
    const record = await storedRecord(nameOf('a'));
    expect(record?.runId).to.equal('run-bob');
    expect(record?.acquiredAt).to.equal(new Date(expiry + DEFAULT_SKEW_ALLOWANCE_MS + 1).toISOString());
  });

  it('refuses to take over a parameter that does not hold a drdrill lock, and leaves it as it was', async () => {
    for (const [label, value] of [
      ['text', 'not json at all'],
      ['other-json', JSON.stringify({ runId: 'x', expiresAt: '2000-01-01T00:00:00.000Z' })],
    ] as const) {
      await plant(nameOf(label), value);
      const error = await refusal(acquire(bob, [label], { now: () => Date.parse('2100-01-01T00:00:00.000Z') }));
      expect(error.holder).to.equal(undefined);
      expect(error.message).to.include('does not hold a drdrill lock');
      expect(error.message).to.include(lockDeleteCommand(nameOf(label), REGION, awsCliFor(environment)));
      expect(await stored(nameOf(label))).to.equal(value);
    }
  });

  it('releases only its own locks, and releasing again changes nothing', async () => {
    const mine = await acquire(alice, ['a', 'b']);
    const theirs = await acquire(bob, ['c']);
    const report = await releaseTargetLocks({ ssm, region: REGION, names: [nameOf('a'), nameOf('b'), nameOf('c')], runId: 'run-alice', deps });
    expect(report).to.deep.equal({ released: [nameOf('b'), nameOf('a')], absent: [], notOurs: [nameOf('c')] });
    expect(await stored(nameOf('a'))).to.equal(undefined);
    expect(await stored(nameOf('b'))).to.equal(undefined);
    expect((await storedRecord(nameOf('c')))?.runId).to.equal('run-bob');

    expect(await mine.release()).to.deep.equal({ released: [], absent: [nameOf('b'), nameOf('a')], notOurs: [] });
    expect((await storedRecord(nameOf('c')))?.runId).to.equal('run-bob');
    await theirs.release();
    expect(await stored(nameOf('c'))).to.equal(undefined);
  });

  it('leaves alone the lock of a run that took over after ours expired', async () => {
    const stale = await acquire(alice, ['a', 'b'], { ttlMs: 1_000 });
    await acquire(bob, ['a'], { now: () => T0 + 1_000 + DEFAULT_SKEW_ALLOWANCE_MS + 1 });
    const report = await stale.release();
    expect(report.notOurs).to.deep.equal([nameOf('a')]);
    expect(report.released).to.deep.equal([nameOf('b')]);
    expect((await storedRecord(nameOf('a')))?.runId).to.equal('run-bob');
  });

  it('takes locks in sorted, deduplicated name order whatever order the targets come in', async () => {
    const labels = ['zeta', 'alpha', 'mid (x)', 'alpha', 'Beta'];
    const locks = await acquire(alice, labels);
    const expected = [...new Set(labels.map(nameOf))].sort();
    expect(locks.names).to.deep.equal(expected);
    expect(locks.names).to.have.length(4);
    const puts = calls.filter((call) => call.action === 'ssm:PutParameter').map((call) => call.resource.slice(call.resource.indexOf(':parameter') + ':parameter'.length));
    expect(puts).to.deep.equal(expected);
    for (const name of expected) expect((await storedRecord(name))?.runId).to.equal('run-alice');
  });

  it('lets exactly one of several concurrent runs over the same targets win, whatever order each lists them in', async () => {
    const orders = [
      ['a', 'b', 'c'],
      ['c', 'b', 'a'],
      ['b', 'c', 'a'],
      ['c', 'a', 'b'],
      ['b', 'a', 'c'],
    ];
    const holders = orders.map((_, i) => ({ ...alice, runId: `run-${i}` }));
    const results = await Promise.allSettled(orders.map((order, i) => acquire(holders[i] ?? alice, order)));
    const winners = results.flatMap((result, i) => (result.status === 'fulfilled' ? [holders[i]?.runId] : []));
    expect(winners).to.have.length(1);
    for (const result of results) if (result.status === 'rejected') expect(result.reason).to.be.instanceOf(LockHeldError);
    for (const label of ['a', 'b', 'c']) expect((await storedRecord(nameOf(label)))?.runId).to.equal(winners[0]);
  });

  it('counts a lock as its own when the put succeeded but its response was lost and the SDK sent it again', async () => {
    // A client that sends every PutParameter twice and keeps only the second answer, as a retry after a lost response does.
    const flaky = sandboxClient();
    flaky.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'PutParameterCommand') await next(args);
        return next(args);
      },
      { step: 'finalizeRequest', name: 'sendPutTwice' },
    );
    try {
      const locks = await acquireTargetLocks({ ssm: flaky, region: REGION, targets: [target('a')], holder: alice, ttlMs: HOUR, deps, now: () => T0 });
      expect(locks.names).to.deep.equal([nameOf('a')]);
      expect((await storedRecord(nameOf('a')))?.runId).to.equal('run-alice');
      // The same run asking again a moment later is a different acquisition: refused like any other.
      const again = await refusal(acquireTargetLocks({ ssm: flaky, region: REGION, targets: [target('a')], holder: alice, ttlMs: HOUR, deps, now: () => T0 + 1 }));
      expect(again.holder?.runId).to.equal('run-alice');
    } finally {
      flaky.destroy();
    }
  });

  it('takes a lock that was released between its failed put and its read', async () => {
    await acquire(alice, ['a']);
    // A client whose first GetParameter is preceded by alice releasing: bob's put failed while she held it.
    const racing = sandboxClient();
    let releasedBeforeRead = false;
    racing.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'GetParameterCommand' && !releasedBeforeRead) {
          releasedBeforeRead = true;
          await ssm.send(new DeleteParameterCommand({ Name: nameOf('a') }));
        }
        return next(args);
      },
      { step: 'initialize', name: 'releaseBeforeFirstRead' },
    );
    try {
      const locks = await acquireTargetLocks({ ssm: racing, region: REGION, targets: [target('a')], holder: bob, ttlMs: HOUR, deps, now: () => T0 });
      expect(releasedBeforeRead).to.equal(true);
      expect(locks.names).to.deep.equal([nameOf('a')]);
      expect((await storedRecord(nameOf('a')))?.runId).to.equal('run-bob');
      expect(calls.map((call) => call.action)).to.deep.equal(['ssm:PutParameter', 'ssm:PutParameter', 'ssm:GetParameter', 'ssm:PutParameter']);
    } finally {
      racing.destroy();
    }
  });

  it('re-reads before retrying a throttled takeover delete, and spares a lock another run took meanwhile', async () => {
    await acquire(alice, ['a'], { ttlMs: 1_000 });
    const later = T0 + 1_000 + DEFAULT_SKEW_ALLOWANCE_MS + 1;
    const carol = { ...bob, runId: 'run-carol' };
    const carolsLock = JSON.stringify({ target: target('a'), ...carol, host: 'h', pid: 1, acquiredAt: new Date(later).toISOString(), expiresAt: new Date(later + HOUR).toISOString() });
    // Bob's first delete of alice's stale lock is throttled, and while he backs off carol takes it over.
    const throttled = sandboxClient();
    let throttledOnce = false;
    throttled.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'DeleteParameterCommand' && !throttledOnce) {
          throttledOnce = true;
          await ssm.send(new DeleteParameterCommand({ Name: nameOf('a') }));
          await plant(nameOf('a'), carolsLock);
          throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
        }
        return next(args);
      },
      { step: 'initialize', name: 'throttleFirstDelete' },
    );
    try {
      const error = await refusal(acquireTargetLocks({ ssm: throttled, region: REGION, targets: [target('a')], holder: bob, ttlMs: HOUR, deps, now: () => later }));
      expect(throttledOnce).to.equal(true);
      expect(error.holder?.runId).to.equal('run-carol');
      expect(await stored(nameOf('a'))).to.equal(carolsLock);
    } finally {
      throttled.destroy();
    }
  });

  it('makes only calls that lockPermissions grants', async () => {
    const locks = await acquire(alice, ['a', 'b']);
    await refusal(acquire(bob, ['a']));
    await acquire(bob, ['a'], { now: () => T0 + 2 * HOUR });
    await locks.release();
    const granted = lockPermissions(REGION, environment.accountId);
    expect(new Set(calls.map((call) => call.action))).to.deep.equal(new Set(['ssm:PutParameter', 'ssm:GetParameter', 'ssm:DeleteParameter']));
    for (const call of calls) {
      expect(granted.some((grant) => grant.action === call.action && globMatches(grant.resource, call.resource)), `${call.action} ${call.resource}`).to.equal(true);
    }
  });

  it('accepts in the store the names it makes for long, deep and odd labels', async () => {
    const labels = [`${'x'.repeat(1500)}`, Array.from({ length: 20 }, (_, i) => `l${i}`).join(' '), 'fis us-east-1 EXT1 (az outage)'];
    const locks = await acquire(alice, labels);
    for (const name of locks.names) {
      expect(isValidSsmName(name), name).to.equal(true);
      expect((await storedRecord(name))?.runId).to.equal('run-alice');
    }
    await locks.release();
    for (const name of locks.names) expect(await stored(name)).to.equal(undefined);
  });
});
