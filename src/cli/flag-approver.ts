import { hostname, userInfo } from 'node:os';
import type { Approver } from '../runner/live-run.ts';

/**
 * `--approve all` or `--approve <step>` (repeated, or comma-separated): approve steps answered in
 * advance, for CI. Each is recorded as approved by flag, with the operator's identity.
 */
export function flagApprover(values: readonly string[]): Approver {
  const steps = new Set(values.flatMap((value) => value.split(',')).map((step) => step.trim()).filter((step) => step !== ''));
  const all = steps.has('all');
  return {
    canAnswer: (step) => all || steps.has(step),
    ask: async (request) => {
      if (!all && !steps.has(request.step)) throw new Error(`--approve does not name step "${request.step}"`);
      return { approved: true, operator: `${userInfo().username}@${hostname()}`, via: 'flag', comment: all ? '--approve all' : `--approve ${request.step}` };
    },
  };
}

/** The step names `--approve` gives (without `all`), for checking them against the drills. */
export function approvedStepNames(values: readonly string[]): string[] {
  return values.flatMap((value) => value.split(',')).map((step) => step.trim()).filter((step) => step !== '' && step !== 'all');
}
