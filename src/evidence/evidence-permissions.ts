import type { Environment } from '../drill/environment.ts';
import type { IamPermission } from '../injectors/injector.ts';
import { kmsKeyRegion } from './environment-signer.ts';

/**
 * What signing a run's evidence with the environment's KMS key needs: GetPublicKey (the key's
 * ARN and kind, read before the reports name it) and Sign. A key named by alias cannot be a
 * policy's resource (IAM matches key ARNs), so the alias goes into a kms:ResourceAliases
 * condition on the account's keys in that region. A PEM key needs nothing.
 */
export function evidencePermissions(environment: Pick<Environment, 'evidence' | 'regions' | 'accountId'>): IamPermission[] {
  const keyId = environment.evidence?.signingKey;
  if (keyId === undefined) return [];
  const region = kmsKeyRegion(keyId, environment);
  const account = /^arn:aws[a-z-]*:kms:[^:]+:(\d{12}):/.exec(keyId)?.[1] ?? environment.accountId;
  const actions = ['kms:GetPublicKey', 'kms:Sign'];
  const keyArn = /^arn:aws[a-z-]*:kms:[^:]+:\d{12}:key\//.test(keyId) ? keyId : /^arn:/.test(keyId) || keyId.startsWith('alias/') ? undefined : `arn:aws:kms:${region}:${account}:key/${keyId}`;
  if (keyArn !== undefined) return actions.map((action) => ({ action, resource: keyArn }));
  const alias = keyId.replace(/^arn:aws[a-z-]*:kms:[^:]+:\d{12}:/, '');
  return actions.map((action) => ({
    action,
    resource: `arn:aws:kms:${region}:${account}:key/*`,
    condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': alias } },
  }));
}
