import { hostname, userInfo } from 'node:os';
import { createInterface } from 'node:readline/promises';
import type { Readable, Writable } from 'node:stream';
import type { Approver } from '../runner/live-run.ts';

/** Where a terminal approver asks: the process's own stdin and stderr, or a test's. */
export interface TerminalStreams {
  readonly input: Readable & { readonly isTTY?: boolean };
  readonly output: Writable;
}

/**
 * Asks the person at the terminal: `y` or `yes` approves, anything else declines. Only where
 * stdin is a terminal: a pipe has nobody behind it to answer. The question goes to stderr, so
 * stdout stays the run's log.
 */
export function terminalApprover(streams: TerminalStreams = { input: process.stdin, output: process.stderr }): Approver {
  return {
    canAnswer: () => streams.input.isTTY === true,
    ask: async (request) => {
      const prompt = createInterface({ input: streams.input, output: streams.output, terminal: true });
      try {
        const until = new Date(request.deadline).toISOString().slice(11, 19);
        const answer = await prompt.question(`approve step "${request.step}": ${request.question} [y/N] (until ${until} UTC) `, { signal: request.signal });
        const approved = /^\s*y(es)?\s*$/i.test(answer);
        return { approved, operator: `${userInfo().username}@${hostname()}`, via: 'terminal', ...(approved ? {} : { comment: `answered "${answer.trim()}"` }) };
      } finally {
        prompt.close();
      }
    },
  };
}
