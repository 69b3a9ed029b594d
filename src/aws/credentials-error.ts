import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AwsClients } from './aws-clients.ts';

/** SDK error names meaning "no usable credentials", whichever provider or service said it. */
const CREDENTIAL_ERROR_NAMES = new Set([
  // The provider chain found nothing, or a provider (SSO, web identity, process) failed.
  'CredentialsProviderError',
  'TokenProviderError',
  // A service rejected the credentials it was given: expired session, deleted or unknown key.
  'ExpiredToken',
  'ExpiredTokenException',
  'RequestExpired',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
]);

/** No usable AWS credentials: bad input (exit 2), raised before anything was changed. */
export class CredentialsError extends Error {
  override readonly name = 'CredentialsError';

  constructor(
    readonly profile: string | undefined,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(describeCredentialProblem(profile, reason), options);
  }
}

/** The error itself or any error in its `cause` chain, when one of them is a credential problem. */
export function findCredentialProblem(error: unknown): Error | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    if (CREDENTIAL_ERROR_NAMES.has(current.name)) return current;
  }
  return undefined;
}

/**
 * Asks STS who the caller is (no permission needed) so missing or expired credentials surface as
 * one CredentialsError before the first read, instead of as whichever call happens to fail first.
 */
export async function checkCredentials(clients: AwsClients, region: string, profile: string | undefined): Promise<void> {
  try {
    await clients.sts(region).send(new GetCallerIdentityCommand({}), { abortSignal: AbortSignal.timeout(15_000) });
  } catch (error) {
    const problem = findCredentialProblem(error);
    if (problem === undefined) throw error;
    throw new CredentialsError(profile, `${problem.name}: ${problem.message}`, { cause: error });
  }
}

function describeCredentialProblem(profile: string | undefined, reason: string): string {
  const source =
    profile === undefined
      ? [
          'the default AWS credential chain, in order:',
          '  1. environment variables AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN)',
          `  2. the profile ${process.env.AWS_PROFILE === undefined ? '"default"' : `"${process.env.AWS_PROFILE}" (AWS_PROFILE)`} in ~/.aws/config and ~/.aws/credentials (keys, SSO, assume-role, credential_process)`,
          '  3. a web identity token (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN, e.g. GitHub Actions OIDC)',
          '  4. ECS container credentials, then the EC2 instance metadata service',
        ]
      : [`the profile "${profile}" named in the environment, from ~/.aws/config and ~/.aws/credentials (keys, SSO, assume-role, credential_process)`];
  return [
    `no usable AWS credentials (${reason})`,
    `tried ${source.join('\n')}`,
    'what to do:',
    `  - SSO: aws sso login${profile === undefined ? ' --profile <name>' : ` --profile ${profile}`}, then run again`,
    '  - a named profile: `profile` in the environment file (discover: --profile <name>), or export AWS_PROFILE=<name>',
    '  - keys: export AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary keys)',
    '  - expired keys or session: renew them (aws sso login, or assume the role again)',
  ].join('\n');
}
