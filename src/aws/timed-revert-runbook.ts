/**
 * Name of the SSM Automation runbook behind the dead-man's switch (runbooks/drdrill-TimedRevert.yaml):
 * installed in AWS accounts by the user, shipped built in by the sandbox.
 */
export const TIMED_REVERT_RUNBOOK = 'drdrill-TimedRevert';
