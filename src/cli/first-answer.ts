import type { Approver } from '../runner/live-run.ts';

/**
 * Several approvers as one (the flag, the terminal, the game-day console): a step can be answered
 * when any of them can, and the first answer wins; the others are told to stop asking. One that
 * fails leaves the question to the rest.
 */
export function firstAnswer(approvers: readonly Approver[]): Approver {
  return {
    canAnswer: (step) => approvers.some((approver) => approver.canAnswer(step)),
    ask: async (request) => {
      const able = approvers.filter((approver) => approver.canAnswer(request.step));
      const answered = new AbortController();
      const signal = AbortSignal.any([request.signal, answered.signal]);
      try {
        return await Promise.any(able.map((approver) => approver.ask({ ...request, signal })));
      } catch (error) {
        throw error instanceof AggregateError ? (error.errors[0] ?? error) : error;
      } finally {
        answered.abort(new Error('answered elsewhere'));
      }
    },
  };
}
