import { homeRegion } from '../drill/environment.ts';
import type { AwsClients } from '../aws/aws-clients.ts';
import type { Environment } from '../drill/environment.ts';
import { InvalidInputError } from '../drill/invalid-input-error.ts';
import { collectOperatorIdentity } from '../evidence/operator-identity.ts';
import type { OperatorIdentity } from './run-record.ts';

/** The regions a drill may touch in this environment: every region it lists, plus ARC and FIS template regions. */
export function regionsInUse(environment: Environment): string[] {
  const regions = new Set(environment.regions);
  if (environment.arc !== undefined) regions.add(environment.arc.region);
  for (const template of Object.values(environment.experimentTemplates ?? {})) regions.add(template.region);
  return [...regions];
}

/**
 * Refuses to act in an account or region the environment does not allow, before anything is
 * read or changed: the credentials must belong to the environment's account (a profile pointing
 * at production while the file says staging is the classic game-day accident).
 */
export async function checkAccountGuardrails(environment: Environment, clients: AwsClients): Promise<OperatorIdentity> {
  const problems: string[] = [];
  const allowedAccounts = environment.allowedAccountIds ?? [environment.accountId];
  if (!allowedAccounts.includes(environment.accountId)) {
    problems.push(`accountId: ${environment.accountId} is not in allowedAccountIds (${allowedAccounts.join(', ')})`);
  }
  if (environment.allowedRegions !== undefined) {
    for (const region of regionsInUse(environment)) {
      if (!environment.allowedRegions.includes(region)) {
        problems.push(`regions: ${region} is not in allowedRegions (${environment.allowedRegions.join(', ')})`);
      }
    }
  }
  if (problems.length > 0) throw new InvalidInputError(`environment "${environment.name}"`, problems);

  const identity = await collectOperatorIdentity(clients.sts(homeRegion(environment)));
  if ('error' in identity) {
    throw new InvalidInputError(`environment "${environment.name}"`, [`credentials: ${identity.error}`]);
  }
  if (identity.account !== environment.accountId || !allowedAccounts.includes(identity.account)) {
    throw new InvalidInputError(`environment "${environment.name}"`, [
      `credentials: they belong to account ${identity.account} (${identity.arn}), but the environment is for account ${environment.accountId}; check AWS_PROFILE / the "profile" field`,
    ]);
  }
  return identity;
}
