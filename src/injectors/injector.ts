import type { z } from 'zod';
import type { AwsApiCall } from '../aws/aws-api-call.ts';
import type { AwsCli } from '../aws/aws-cli.ts';
import type { AwsClients } from '../aws/aws-clients.ts';
import type { Environment } from '../drill/environment.ts';

/** A JSON-serialisable handle: what was changed and what it was before, enough to undo it. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };
export type FaultHandle = { readonly [key: string]: JsonValue };

/** One change a fault will make, read from the live target before anything is touched. */
export interface PlannedChange {
  /** e.g. `lambda us-east-1 api-handler`. */
  readonly target: string;
  /** e.g. `ReservedConcurrentExecutions`. */
  readonly field: string;
  readonly from: string;
  readonly to: string;
}

/** How throttled control-plane calls are retried, on top of the SDK's own attempts. */
export interface RetryPolicy {
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** What an injector needs to reach its targets. Rebuilt from the journal by `drdrill recover`. */
export interface InjectorDeps {
  readonly environment: Environment;
  readonly clients: AwsClients;
  /** The drill's service, for fault targets that do not name one. */
  readonly defaultService: string;
  /** Throttling retries; absent means `DEFAULT_RETRY_POLICY` (see aws-call.ts). */
  readonly retry?: RetryPolicy;
  /** Told of every control-plane call before it is made (audit trails, IAM policy tests). */
  readonly onCall?: (permission: IamPermission) => void;
}

/** Result of a mutating call, for the evidence trail. */
export interface CallResult {
  readonly requestIds: readonly string[];
  /**
   * What a person should know about the call beyond its request ids, e.g. the id AWS gave a
   * re-created API mapping (`api-mapping abc123 re-created as def456`).
   */
  readonly detail?: string;
}

/** One IAM permission an injector needs: an action on a resource ARN (or `*`). */
export interface IamPermission {
  /** e.g. `lambda:PutFunctionConcurrency`. */
  readonly action: string;
  /** e.g. `arn:aws:lambda:us-east-1:111122223333:function:api-handler`. */
  readonly resource: string;
  /** An IAM Condition block, where the resource alone cannot say which one (a KMS key named by alias). */
  readonly condition?: IamCondition;
}

/** `{ operator: { key: value } }`, as in a policy statement's Condition. */
export type IamCondition = Readonly<Record<string, Readonly<Record<string, string>>>>;

/**
 * One kind of fault, as a pair of do and undo. `inject` must call `journal(handle)` — which
 * writes and fsyncs the prior state — before its first mutating call, so that a crash at any
 * point leaves enough on disk to undo it. `rollback` must be idempotent: it may run after a
 * crash that happened before or after the mutating call.
 */
export interface InjectorDefinition<Spec, Handle extends FaultHandle> {
  readonly kind: string;
  /** Zod schema of this fault's entry in a drill's `faults` list. */
  readonly specSchema: z.ZodType<Spec>;
  plan(spec: Spec, deps: InjectorDeps): Promise<readonly PlannedChange[]>;
  inject(spec: Spec, deps: InjectorDeps, journal: (handle: Handle) => Promise<void>): Promise<{ handle: Handle } & CallResult>;
  /** Resolves once the fault is observable; rejects on timeout or abort. */
  verify(handle: Handle, deps: InjectorDeps, signal: AbortSignal): Promise<void>;
  rollback(handle: Handle, deps: InjectorDeps): Promise<CallResult>;
  /** Human label of the handle's target, e.g. `lambda us-east-1 api-handler`. */
  describe(handle: Handle): string;
  /**
   * AWS CLI lines that undo the fault by hand, printed when rollback finally fails. Each command
   * starts with `aws()`, which aims it where the drill acted (profile, endpoint), and names its
   * region, so the lines act there whatever the shell they are pasted into is set up for.
   */
  manualUndo(handle: Handle, aws: AwsCli): readonly string[];
  /**
   * The undo as plain AWS API calls, made in order, for the dead-man's switch: SSM Automation
   * makes them at the fault's deadline if drdrill is no longer alive to roll back. They restore
   * the prior state in the handle unconditionally (a switch cannot read first), so each must be
   * harmless when the fault is already undone. Empty when the service reverts the fault by itself
   * (an FIS experiment stops at its actions' duration).
   */
  revertCalls(handle: Handle, deps: Pick<InjectorDeps, 'environment'>): readonly AwsApiCall[];
  /**
   * Every IAM permission plan, inject, verify and rollback need for this spec, resolved against
   * the environment without calling AWS (for `drdrill iam-policy`).
   */
  permissions(spec: Spec, deps: Pick<InjectorDeps, 'environment' | 'defaultService'>): readonly IamPermission[];
}

/** Raised when a drill's target is already in the faulted state, or is otherwise unsafe to touch. */
export class TargetRefusedError extends Error {
  override readonly name = 'TargetRefusedError';
}

/** What a TargetNotFoundError knows about the missing thing, besides its message. */
export interface TargetNotFoundOptions extends ErrorOptions {
  /** The environment's id that was looked up and not found, so the runner can name its field. */
  readonly id?: string;
  /** AWS region it was looked up in. */
  readonly region?: string;
}

/** Raised when a target named by the drill does not exist in the environment it was looked up in. */
export class TargetNotFoundError extends Error {
  override readonly name = 'TargetNotFoundError';
  readonly id: string | undefined;
  readonly region: string | undefined;

  constructor(message: string, options: TargetNotFoundOptions = {}) {
    super(message, options);
    this.id = options.id;
    this.region = options.region;
  }
}
