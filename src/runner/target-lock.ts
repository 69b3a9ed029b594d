import { awsCliFor, type AwsCli } from '../aws/aws-cli.ts';
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { DeleteParameterCommand, GetParameterCommand, PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { z } from 'zod';
import { ssmParameterArn } from '../injectors/arns.ts';
import { awsCall, isAwsError } from '../injectors/aws-call.ts';
import type { IamPermission, InjectorDeps } from '../injectors/injector.ts';
import { LockHeldError } from './lock-held-error.ts';

/** Every lock lives under this path, so the IAM policy can grant exactly this subtree. */
export const LOCK_PREFIX = '/drdrill/locks/';

/**
 * SSM caps a parameter name at 1011 characters *including its ARN*
 * (`arn:<partition>:ssm:<region>:<account>:parameter`), not the bare name. That prefix is at
 * most 57 characters today (aws-iso-b, 14-character regions); reserving 64 keeps one name valid
 * in every partition and region, so a target's lock name never depends on where it is taken.
 */
const MAX_NAME_LENGTH = 1011 - 64;
/** SSM rejects hierarchies deeper than 15 levels (HierarchyLevelLimitExceededException). */
const MAX_LEVELS = 15;
/** Hex digits of SHA-256 kept in a hashed name: 128 bits, and a collision would only over-lock. */
const HASH_HEX_DIGITS = 32;
/** Bounds the loop in which a lock keeps changing hands between our put and our read. */
const MAX_ATTEMPTS_PER_LOCK = 5;
/** SSM allows 1024 characters of description; the value is capped at 4096 bytes in all. */
const MAX_DESCRIPTION = 1024;
const MAX_TARGET_IN_VALUE = 1024;

/**
 * How far another host's clock may run behind ours before we would take over a lock its run
 * still believes it holds: `expiresAt` is written with the holder's clock and read with ours.
 * A minute costs little (a dead run's lock frees a minute later) and covers a drifting laptop.
 */
export const DEFAULT_SKEW_ALLOWANCE_MS = 60_000;

/** The run asking for the locks. */
export interface LockHolder {
  readonly runId: string;
  readonly drill: string;
  /** Who is running it, e.g. the operator's ARN from STS. */
  readonly owner: string;
}

/** What a lock parameter holds (as JSON): enough for a person to find the holder and judge it. */
export interface TargetLockRecord extends LockHolder {
  /** The target label the lock is for (the parameter name may be a hash of it). */
  readonly target: string;
  readonly host: string;
  readonly pid: number;
  /** ISO 8601, by the holder's clock. */
  readonly acquiredAt: string;
  /** ISO 8601, by the holder's clock; after it (plus the skew allowance) the lock may be taken over. */
  readonly expiresAt: string;
}

/** The calls' context: permission errors name the environment, throttling follows its retry policy. */
export type LockCallDeps = Pick<InjectorDeps, 'environment' | 'retry' | 'onCall'>;

export interface AcquireTargetLocksOptions {
  /** An SSM client in `region`. */
  readonly ssm: SSMClient;
  readonly region: string;
  /** Planned-change target labels (PlannedChange.target); duplicates are fine. */
  readonly targets: readonly string[];
  readonly holder: LockHolder;
  /** How long the locks are good for: longer than the drill can run, rollback included. */
  readonly ttlMs: number;
  readonly deps: LockCallDeps;
  /** @default DEFAULT_SKEW_ALLOWANCE_MS */
  readonly skewAllowanceMs?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

/** Locks a run holds. Journal `names` and `region` so `drdrill recover` can release them. */
export interface TargetLocks {
  /** Parameter names, sorted: the order they were taken in. */
  readonly names: readonly string[];
  readonly region: string;
  readonly expiresAt: string;
  /** Deletes the locks that are still this run's. Idempotent. */
  release(): Promise<LockReleaseReport>;
}

export interface LockReleaseReport {
  readonly released: readonly string[];
  /** Already gone (released before, or never taken). */
  readonly absent: readonly string[];
  /** Now another run's (it took over our expired lock) or not a drdrill lock: left alone. */
  readonly notOurs: readonly string[];
}

export interface ReleaseTargetLocksOptions {
  readonly ssm: SSMClient;
  readonly region: string;
  readonly names: readonly string[];
  /** Only locks carrying this run id are deleted. */
  readonly runId: string;
  readonly deps: LockCallDeps;
}

const lockRecordSchema = z.object({
  target: z.string().optional(),
  runId: z.string().min(1),
  drill: z.string(),
  owner: z.string(),
  host: z.string(),
  pid: z.number().int(),
  acquiredAt: z.string().refine((text) => !Number.isNaN(Date.parse(text)), 'not a date'),
  expiresAt: z.string().refine((text) => !Number.isNaN(Date.parse(text)), 'not a date'),
});

/**
 * The SSM parameter that locks `target`: `/drdrill/locks/` then the label with whitespace runs
 * as `/` and every character SSM does not allow in a name as `_`. Distinct labels may map to one
 * name (`a:b` and `a;b`); that only makes two targets share a lock, never lets two runs share a
 * target. A name too long or too deep for SSM becomes `/drdrill/locks/sha256/<hash>`.
 *
 * @example lockParameterName('lambda us-east-1 api-handler') // '/drdrill/locks/lambda/us-east-1/api-handler'
 * @throws RangeError for a label with nothing in it.
 */
export function lockParameterName(target: string): string {
  const path = target
    .split(/\s+/)
    .map((word) => word.replace(/[^a-zA-Z0-9_.\-/]/g, '_'))
    .join('/')
    // Empty levels (`ssm us-east-1 /flag` gives `us-east-1//flag`) are not valid in SSM names.
    .split('/')
    .filter((level) => level !== '')
    .join('/');
  if (path === '') throw new RangeError(`cannot lock the empty target ${JSON.stringify(target)}`);
  const name = LOCK_PREFIX + path;
  if (name.length <= MAX_NAME_LENGTH && name.split('/').length - 1 <= MAX_LEVELS) return name;
  // Hash the sanitised path, not the label, so labels that share a short name share a long one too.
  return `${LOCK_PREFIX}sha256/${createHash('sha256').update(path).digest('hex').slice(0, HASH_HEX_DIGITS)}`;
}

/** The IAM permissions taking and releasing locks needs, for `drdrill iam-policy`. */
/**
 * The lock parameter of each target, deduplicated, in the order locks are taken. Exported so a run
 * can journal the names before taking them: a crash between a put and the journal write must
 * still leave `drdrill recover` a record of what to release.
 */
export function lockTargets(targets: readonly string[]): ReadonlyMap<string, string> {
  const targetOf = new Map<string, string>();
  for (const target of targets) {
    const name = lockParameterName(target);
    if (!targetOf.has(name)) targetOf.set(name, target);
  }
  // Plain code-unit order, not localeCompare: every host, whatever its locale, must agree on it.
  return new Map([...targetOf].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function lockPermissions(region: string, accountId: string): readonly IamPermission[] {
  const resource = `arn:aws:ssm:${region}:${accountId}:parameter${LOCK_PREFIX}*`;
  return ['ssm:PutParameter', 'ssm:GetParameter', 'ssm:DeleteParameter'].map((action) => ({ action, resource }));
}

/**
 * Takes one lock per target so that no other drill touches them while this one runs: a
 * conditional PutParameter (Overwrite false) creates `/drdrill/locks/<target>`, and fails if
 * another run holds it. Locks are taken in sorted name order: two runs wanting overlapping
 * targets then meet at the first target they share, where exactly one wins, instead of each
 * taking half and both giving up. A lock whose run let it expire is taken over; a live one, or a
 * parameter drdrill did not write, makes the whole acquisition fail after releasing what it took.
 *
 * @example
 * const locks = await acquireTargetLocks({ ssm, region, targets: plan.map((c) => c.target), holder, ttlMs, deps });
 * try { await runTheDrill(); } finally { await locks.release(); }
 * @throws LockHeldError naming the holder and how to clear it; MissingPermissionError, ThrottledError;
 *   AggregateError of the refusal and the failure when the locks already taken could not be released.
 */
export async function acquireTargetLocks(options: AcquireTargetLocksOptions): Promise<TargetLocks> {
  const { ssm, region, holder, ttlMs, deps } = options;
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError(`ttlMs must be a positive number of milliseconds, got ${ttlMs}`);
  const now = options.now ?? Date.now;
  const skewAllowanceMs = options.skewAllowanceMs ?? DEFAULT_SKEW_ALLOWANCE_MS;

  const targetOf = lockTargets(options.targets);
  const names = [...targetOf.keys()];

  const acquiredAt = now();
  const expiresAt = new Date(acquiredAt + ttlMs).toISOString();
  const context: LockContext = { ssm, region, deps };
  const acquired: string[] = [];
  try {
    for (const name of names) {
      const target = targetOf.get(name) ?? name;
      const record: TargetLockRecord = {
        target: target.slice(0, MAX_TARGET_IN_VALUE),
        runId: holder.runId,
        drill: holder.drill,
        owner: holder.owner,
        host: hostname(),
        pid: process.pid,
        acquiredAt: new Date(acquiredAt).toISOString(),
        expiresAt,
      };
      await acquireOne(context, name, target, record, (expires) => expires + skewAllowanceMs < now());
      acquired.push(name);
    }
  } catch (error) {
    if (acquired.length === 0) throw error;
    try {
      await releaseTargetLocks({ ssm, region, names: acquired, runId: holder.runId, deps });
    } catch (releaseError) {
      throw new AggregateError(
        [error, releaseError],
        `${messageOf(error)}; then releasing the locks this run had already taken failed (${messageOf(releaseError)}). ` +
          `They expire at ${expiresAt}; to free them sooner: ${acquired.map((name) => lockDeleteCommand(name, region, awsCliFor(deps.environment))).join('; ')}`,
      );
    }
    throw error;
  }
  return {
    names,
    region,
    expiresAt,
    release: () => releaseTargetLocks({ ssm, region, names, runId: holder.runId, deps }),
  };
}

/**
 * Deletes each named lock that still carries `runId`, and leaves alone any other run's (which
 * took over after ours expired) or anything that is not a drdrill lock. Missing locks are fine,
 * so it is idempotent and `drdrill recover` can call it from a journal. Every name is tried even
 * when one fails; the failures are thrown together at the end.
 */
export async function releaseTargetLocks(options: ReleaseTargetLocksOptions): Promise<LockReleaseReport> {
  const { ssm, region, runId, deps } = options;
  const context: LockContext = { ssm, region, deps };
  const released: string[] = [];
  const absent: string[] = [];
  const notOurs: string[] = [];
  const failures: unknown[] = [];
  // Reverse order of taking them, by habit; with try-locks (no waiting) the order does not matter.
  for (const name of [...options.names].reverse()) {
    try {
      const current = await readLock(context, name);
      if (current === undefined) absent.push(name);
      else if (current.record?.runId !== runId) notOurs.push(name);
      // Ours when read. It can stop being ours before the delete lands only if it had expired and
      // another run took it over in that one round trip: the same narrow race as in acquireOne.
      else if (await deleteIfUnchanged(context, name, current.raw)) released.push(name);
      // Changed between the read and the delete: it was ours a moment ago, so someone took over.
      else notOurs.push(name);
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) {
    throw new AggregateError(
      failures,
      `could not release ${failures.length} of ${options.names.length} lock(s) of run ${runId} in ${region}: ${failures.map(messageOf).join('; ')}`,
    );
  }
  return { released, absent, notOurs };
}

interface LockContext {
  readonly ssm: SSMClient;
  readonly region: string;
  readonly deps: LockCallDeps;
}

/** A lock parameter as read: its exact value, and the record if it is one of ours. */
interface ReadLock {
  readonly raw: string;
  readonly record: TargetLockRecord | undefined;
  /** Why `raw` is not a lock record. */
  readonly problem?: string;
}

async function acquireOne(context: LockContext, name: string, target: string, record: TargetLockRecord, isExpired: (expiresAtMs: number) => boolean): Promise<void> {
  const value = JSON.stringify(record);
  for (let attempt = 1; attempt <= MAX_ATTEMPTS_PER_LOCK; attempt++) {
    if (await putIfAbsent(context, name, value, target)) return;
    const current = await readLock(context, name);
    // Released between our put and our read: try the put again.
    if (current === undefined) continue;
    // Exactly what we wrote: our put succeeded but its response was lost and the SDK retried it.
    if (current.raw === value) return;
    const details = { target, parameterName: name, region: context.region, holder: current.record };
    const aws = awsCliFor(context.deps.environment);
    if (current.record === undefined) throw new LockHeldError(malformedMessage(target, name, context.region, current, aws), details);
    if (!isExpired(Date.parse(current.record.expiresAt))) throw new LockHeldError(heldMessage(target, name, context.region, current.record, aws), details);
    // Stale: delete it, then loop to the conditional put again, so if several runs take over at
    // once, the put still lets only one of them in. A re-read between the delete and the put would
    // add nothing: the conditional put is that check, made atomically by SSM.
    //
    // The race left: SSM has no compare-and-delete, so "read, judge stale, delete" is not atomic.
    // If run B read the stale lock, then run A deleted it and put its own, and only then B's delete
    // arrived, B would delete A's fresh lock and both would go on. That needs A's whole delete and
    // put to land inside B's single gap between reading and deleting (no other call in between),
    // and two runs to find the same dead run's lock at the same moment: narrow. deleteIfUnchanged
    // re-reads before every retried delete, so throttling backoff does not widen that gap. Closing
    // it entirely needs compare-and-swap on the lock (DynamoDB conditional writes, not SSM).
    await deleteIfUnchanged(context, name, current.raw);
  }
  throw new Error(
    `${target}: the lock ${name} in ${context.region} changed hands ${MAX_ATTEMPTS_PER_LOCK} times while drdrill tried to take it; ` +
      'another tool may be writing it. Try again, and inspect it with ' +
      `${awsCliFor(context.deps.environment)()} ssm get-parameter --name ${name} --region ${context.region}`,
  );
}

/** Conditional create: true when the lock is now ours, false when the parameter already exists. */
async function putIfAbsent(context: LockContext, name: string, value: string, target: string): Promise<boolean> {
  try {
    await awsCall(context.deps, permission(context, 'ssm:PutParameter', name), () =>
      context.ssm.send(
        new PutParameterCommand({
          Name: name,
          Value: value,
          Type: 'String',
          Overwrite: false,
          // For whoever finds it in the console: what it is, and that deleting it unlocks a live drill.
          Description: `drdrill target lock for ${target}; delete only if its run is dead`.slice(0, MAX_DESCRIPTION),
        }),
      ),
    );
    return true;
  } catch (error) {
    if (isAwsError(error, 'ParameterAlreadyExists')) return false;
    throw error;
  }
}

async function readLock(context: LockContext, name: string): Promise<ReadLock | undefined> {
  let raw: string | undefined;
  try {
    const output = await awsCall(context.deps, permission(context, 'ssm:GetParameter', name), () => context.ssm.send(new GetParameterCommand({ Name: name })));
    raw = output.Parameter?.Value;
  } catch (error) {
    if (isAwsError(error, 'ParameterNotFound')) return undefined;
    throw error;
  }
  if (raw === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { raw, record: undefined, problem: 'it is not JSON' };
  }
  const parsed = lockRecordSchema.safeParse(json);
  if (!parsed.success) return { raw, record: undefined, problem: `it lacks ${parsed.error.issues.map((issue) => issue.path.join('.') || 'an object').join(', ')}` };
  return { raw, record: { ...parsed.data, target: parsed.data.target ?? name } };
}

/**
 * Deletes the lock if it still holds exactly `expectedRaw`; true when it did (or the lock was
 * already gone), false when someone else changed it first. Throttled deletes are retried by
 * awsCall, and every retry re-reads first: the lock may have changed hands during the backoff.
 */
async function deleteIfUnchanged(context: LockContext, name: string, expectedRaw: string): Promise<boolean> {
  // The caller read the lock just before this call; re-reading on the first attempt would only cost a round trip.
  let first = true;
  return awsCall(context.deps, permission(context, 'ssm:DeleteParameter', name), async () => {
    if (!first) {
      const current = await readLock(context, name);
      if (current === undefined) return true;
      if (current.raw !== expectedRaw) return false;
    }
    first = false;
    try {
      await context.ssm.send(new DeleteParameterCommand({ Name: name }));
    } catch (error) {
      if (!isAwsError(error, 'ParameterNotFound')) throw error;
    }
    return true;
  });
}

function permission(context: LockContext, action: string, name: string): IamPermission {
  return { action, resource: ssmParameterArn(context.deps.environment, context.region, name) };
}

function heldMessage(target: string, name: string, region: string, holder: TargetLockRecord, aws: AwsCli): string {
  return (
    `${target} is locked by another drill: run ${holder.runId} (drill "${holder.drill}") of ${holder.owner}, ` +
    `on host ${holder.host} as pid ${holder.pid}, since ${holder.acquiredAt}, until ${holder.expiresAt} ` +
    `(lock ${name} in ${region}). Wait for that run to finish. If it is dead, run "drdrill recover" on ${holder.host} ` +
    `to undo its faults and release its locks; only once nothing of it is left to undo, delete the lock by hand: ` +
    lockDeleteCommand(name, region, aws)
  );
}

function malformedMessage(target: string, name: string, region: string, current: ReadLock, aws: AwsCli): string {
  const shown = current.raw.length > 200 ? `${current.raw.slice(0, 200)}…` : current.raw;
  return (
    `${target}: the lock parameter ${name} in ${region} exists but does not hold a drdrill lock (${current.problem ?? 'unreadable'}): ` +
    `${JSON.stringify(shown)}. drdrill does not take over what it cannot read, since something else may rely on it. ` +
    `Inspect it with ${aws()} ssm get-parameter --name ${name} --region ${region}, and if nothing needs it: ${lockDeleteCommand(name, region, aws)}`
  );
}

/** The AWS CLI line that frees a lock by hand. */
export function lockDeleteCommand(name: string, region: string, aws: AwsCli): string {
  return `${aws()} ssm delete-parameter --name ${name} --region ${region}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
