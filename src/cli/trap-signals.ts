import type { CliIo } from './cli-io.ts';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Turns SIGINT, SIGTERM and SIGHUP into an abort of the run, so the runner rolls back before
 * exiting. A second signal does not kill the process mid-rollback: it only says what is going on,
 * because leaving a fault behind is worse than a slow exit.
 */
export function trapSignals(io: CliIo): { readonly signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals): void => {
    if (!controller.signal.aborted) {
      io.err(`\n${name} received: stopping the drill and rolling back every fault…`);
      controller.abort(new Error(`${name} received`));
    } else {
      io.err(`${name} received again: still rolling back; drdrill exits as soon as every fault is undone.`);
    }
  };
  for (const name of SIGNALS) process.on(name, onSignal);
  return {
    signal: controller.signal,
    release: () => {
      for (const name of SIGNALS) process.off(name, onSignal);
    },
  };
}
