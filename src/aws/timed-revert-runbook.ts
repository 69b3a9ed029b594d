/**
 * Name of the SSM Automation runbook behind the dead-man's switch (runbooks/drdrill-TimedRevert.yaml):
 * installed in AWS accounts by the user, shipped built in by the sandbox.
 */
export const TIMED_REVERT_RUNBOOK = 'drdrill-TimedRevert';

/** The runbook's parameters, as runbooks/drdrill-TimedRevert.yaml declares them (a test keeps the two equal). */
export const TIMED_REVERT_PARAMETERS = ['Delay', 'Service', 'Api', 'Request', 'Region', 'Endpoint', 'AutomationAssumeRole'] as const;

/**
 * The `allowedPattern` of each runbook parameter that has one, as the YAML declares it (a test keeps
 * the two equal). SSM rejects a StartAutomationExecution whose value does not match; so does the sandbox.
 */
export const TIMED_REVERT_PATTERNS: Readonly<Partial<Record<(typeof TIMED_REVERT_PARAMETERS)[number], string>>> = {
  Delay: '^PT(\\d+H)?(\\d+M)?(\\d+S)?$',
  Service: '^[a-z0-9-]+$',
  Api: '^[A-Za-z0-9]+$',
};

/** An undo call's error that means its target is already as the undo would leave it. */
export interface AlreadyRevertedError {
  readonly service: string;
  readonly api: string;
  /** The error code (boto3's `Error.Code`, the SDK v3 error name). */
  readonly code: string;
  /**
   * The code alone does not prove it: a mapping key can conflict with a mapping to another API.
   * The runbook then reads the domain's mappings and succeeds only if one equals the request.
   */
  readonly confirmBy?: 'matching-api-mapping';
}

/**
 * A switch firing after a normal rollback (or recover) repeats an undo that is already in place.
 * These answers to the runbook's own undo calls count as success, so an account's automation
 * history does not show failures where nothing went wrong. The runbook's script carries the same
 * table (a test keeps the two equal).
 */
export const ALREADY_REVERTED_ERRORS: readonly AlreadyRevertedError[] = [
  { service: 'ec2', api: 'AuthorizeSecurityGroupIngress', code: 'InvalidPermission.Duplicate' },
  { service: 'apigatewayv2', api: 'CreateApiMapping', code: 'ConflictException', confirmBy: 'matching-api-mapping' },
  { service: 'ssm', api: 'DeleteParameter', code: 'ParameterNotFound' },
];
