import { hostname, userInfo } from 'node:os';
import type { RunEvidence } from './run-record.ts';

/** Who runs the drill, in one string: the STS identity's ARN, else the local `user@host`. */
export function operatorName(operator: RunEvidence['operator']): string {
  return operator !== undefined && 'arn' in operator ? operator.arn : `${userInfo().username}@${hostname()}`;
}
