import type { AwsTarget } from './aws-clients.ts';
import { SANDBOX_CREDENTIALS } from './sandbox-credentials.ts';

/**
 * The start of an AWS CLI command line (`aws` and its global options, up to the service name),
 * aimed exactly where a drill acted. `endpoint` is for data planes with endpoints of their own
 * (a Route 53 ARC cluster's). Injectors write `${aws()} lambda delete-function-concurrency …`.
 */
export type AwsCli = (endpoint?: string) => string;

const SANDBOX_ENV = `AWS_ACCESS_KEY_ID=${SANDBOX_CREDENTIALS.accessKeyId} AWS_SECRET_ACCESS_KEY=${SANDBOX_CREDENTIALS.secretAccessKey}`;

/**
 * An `AwsCli` for where a run's clients point. Against AWS: the environment's `--profile` (and
 * endpoint override, if it has one). Against the sandbox: its `--endpoint-url`, and credentials
 * of its own with the shell's profile and session token unset, so a pasted line can reach nothing
 * but the sandbox, whatever account the shell is logged in to.
 */
export function awsCliFor(target: AwsTarget): AwsCli {
  return (endpoint) => {
    const url = endpoint ?? target.endpoint;
    const endpointFlag = url === undefined ? '' : ` --endpoint-url ${shellWord(url)}`;
    if (target.kind === 'sandbox') return `env -u AWS_PROFILE -u AWS_SESSION_TOKEN ${SANDBOX_ENV} aws${endpointFlag}`;
    const profileFlag = target.profile === undefined ? '' : ` --profile ${shellWord(target.profile)}`;
    return `aws${profileFlag}${endpointFlag}`;
  };
}

/** A value as one POSIX shell word: bare when it is plainly safe, single-quoted otherwise. */
export function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`;
}
