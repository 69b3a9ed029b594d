import { setTimeout as delay } from 'node:timers/promises';
import type { InjectorDeps, RetryPolicy } from './injector.ts';

/**
 * Retries on top of the SDK's own: a game day often runs several tools against one control
 * plane, and a throttled rollback must not give up after the SDK's few quick attempts.
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 5, baseDelayMs: 500, maxDelayMs: 8_000 };

/** Error names AWS services use for "slow down" (SDK v3 sets `error.name` to the error code). */
const THROTTLING_CODES: ReadonlySet<string> = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyUpdates',
  'PriorRequestNotComplete',
  'SlowDown',
]);

const ACCESS_DENIED_CODES: ReadonlySet<string> = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedException',
  'AuthorizationError',
]);

/** Raised when AWS refuses a call for lack of permission: names the IAM action and resource to grant. */
export class MissingPermissionError extends Error {
  override readonly name = 'MissingPermissionError';
  readonly action: string;
  readonly resource: string;

  constructor(message: string, action: string, resource: string, options?: ErrorOptions) {
    super(message, options);
    this.action = action;
    this.resource = resource;
  }
}

/** Raised when a call was still throttled after every retry. */
export class ThrottledError extends Error {
  override readonly name = 'ThrottledError';
}

/** The IAM action a call needs and the resource it acts on, for error messages and policies. */
export interface CallPermission {
  readonly action: string;
  readonly resource: string;
}

/** True when `error` is an AWS service error whose code is one of `codes`. */
export function isAwsError(error: unknown, ...codes: readonly string[]): error is Error {
  return error instanceof Error && codes.includes(error.name);
}

export function isThrottling(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (THROTTLING_CODES.has(error.name)) return true;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status === 429;
}

/**
 * Makes one control-plane call the way every injector should: throttling is retried with
 * exponential backoff and full jitter, and AccessDenied becomes a MissingPermissionError that
 * says which IAM action on which resource the drill's role lacks, and how to get the full list.
 */
export async function awsCall<T>(deps: Pick<InjectorDeps, 'environment' | 'retry' | 'onCall'>, permission: CallPermission, call: () => Promise<T>): Promise<T> {
  const policy = deps.retry ?? DEFAULT_RETRY_POLICY;
  for (let attempt = 1; ; attempt++) {
    try {
      deps.onCall?.(permission);
      return await call();
    } catch (error) {
      if (isAwsError(error, ...ACCESS_DENIED_CODES)) {
        const { environment } = deps;
        throw new MissingPermissionError(
          `${error.name}: the caller may not ${permission.action} on ${permission.resource} (environment "${environment.name}", ` +
            `account ${environment.accountId}). Grant IAM action "${permission.action}" on resource "${permission.resource}"; ` +
            `"drdrill iam-policy <drill>" prints every permission the drill needs. AWS said: ${error.message}`,
          permission.action,
          permission.resource,
          { cause: error },
        );
      }
      if (!isThrottling(error)) throw error;
      if (attempt >= policy.attempts) {
        throw new ThrottledError(
          `${permission.action} on ${permission.resource} was still throttled after ${attempt} attempts ` +
            `(${(error as Error).name}); the control plane is busy: retry later or lower other tools' call rates`,
          { cause: error },
        );
      }
      const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      await delay(Math.round(Math.random() * ceiling));
    }
  }
}

/** The request id of an SDK output, as the one-element list the evidence trail wants. */
export function requestIdsOf(output: { readonly $metadata?: { readonly requestId?: string } } | undefined): string[] {
  // Tolerates a missing $metadata: test doubles and some middlewares return bare outputs.
  const id = output?.$metadata?.requestId;
  return id === undefined ? [] : [id];
}
