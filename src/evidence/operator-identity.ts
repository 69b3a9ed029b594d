import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import type { OperatorIdentity } from '../runner/run-record.ts';

/** A slow STS must not delay a drill. */
const TIMEOUT_MS = 5000;

/**
 * Who is running the drill, from STS GetCallerIdentity (needs no permission, so it works for
 * any principal). Never throws: when STS cannot be asked (no credentials, offline) the result
 * says why, because a report that silently omits the operator reads as if nobody ran it.
 * Takes the run's own STS client so the call lands in the evidence trail with the others.
 */
export async function collectOperatorIdentity(sts: STSClient): Promise<OperatorIdentity | { readonly error: string }> {
  try {
    const answer = await sts.send(new GetCallerIdentityCommand({}), { abortSignal: AbortSignal.timeout(TIMEOUT_MS) });
    if (answer.Arn === undefined || answer.Account === undefined || answer.UserId === undefined) {
      return { error: 'STS GetCallerIdentity answered without Arn, Account or UserId' };
    }
    return { arn: answer.Arn, account: answer.Account, userId: answer.UserId };
  } catch (error) {
    // Only the error's name and message: an SDK error object can carry request headers.
    const name = error instanceof Error ? error.name : 'Error';
    const message = error instanceof Error ? error.message : String(error);
    return { error: `STS GetCallerIdentity failed: ${name}: ${message}` };
  }
}
