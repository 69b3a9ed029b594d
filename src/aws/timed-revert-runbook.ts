/**
 * Name of the SSM Automation runbook behind the dead-man's switch (runbooks/drdrill-TimedRevert.yaml):
 * installed in AWS accounts by the user, shipped built in by the sandbox.
 */
export const TIMED_REVERT_RUNBOOK = 'drdrill-TimedRevert';

/** The runbook's parameters, as runbooks/drdrill-TimedRevert.yaml declares them (a test keeps the two equal). */
export const TIMED_REVERT_PARAMETERS = ['Delay', 'Service', 'Api', 'Request', 'Region', 'Endpoint', 'AutomationAssumeRole'] as const;
