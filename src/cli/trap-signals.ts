import type { CliIo } from './cli-io.ts';
import { describeError } from '../util/describe-error.ts';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Turns SIGINT, SIGTERM and SIGHUP — uncaught exceptions and unhandled rejections, and a stdout
 * or stderr that broke — into an abort of the run, so the runner rolls back before exiting. A
 * second signal does not kill the process mid-rollback: it cuts short whatever call is waiting on
 * the control plane (`onSignal`) and says what is going on, because leaving a fault behind is
 * worse than a slow exit.
 *
 * An uncaught exception would otherwise end the process on the spot with every fault still in.
 * Whatever threw (a timer in a drill file, an observer's callback), the runner's own loop is
 * usually intact and can still roll back; if it is not, the journal and the dead-man's switch are
 * what remain.
 */
export function trapSignals(io: CliIo): {
  readonly signal: AbortSignal;
  /** Told of every signal, the first and those during rollback; returns the unsubscribe. */
  readonly onSignal: (listener: (why: string) => void) => () => void;
  /** Stops the run as Ctrl-C does, for a person elsewhere (the game-day console's Abort). */
  abort(why: string): void;
  release(): void;
} {
  const controller = new AbortController();
  const listeners = new Set<(why: string) => void>();
  const stop = (why: string, announce: string, again: string): void => {
    if (!controller.signal.aborted) {
      io.err(announce);
      controller.abort(new Error(why));
    } else {
      io.err(again);
    }
  };
  const onSignal = (name: NodeJS.Signals): void => {
    stop(
      `${name} received`,
      `\n${name} received: stopping the drill and rolling back every fault…`,
      `${name} received again: still rolling back; a call still waiting for the control plane is cut short and tried again.`,
    );
    for (const listener of listeners) listener(`${name} received`);
  };
  const onCrash = (kind: string) => (error: unknown): void => {
    const text = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
    const short = describeError(error);
    stop(
      `${kind}: ${short}`,
      `\n${kind}: ${text}\nstopping the drill and rolling back every fault…`,
      `${kind} during rollback: ${text}\nstill rolling back.`,
    );
  };
  // Nobody sees the drill any more (a CI job cancelled, a terminal closed, `| head` done): stop
  // and roll back rather than keep a fault in unobserved. What would have been printed is in the
  // journal and the report.
  const onBroken = (): void => {
    const reason: unknown = io.broken?.reason;
    const why = reason instanceof Error ? reason.message : String(reason);
    if (!controller.signal.aborted) controller.abort(new Error(`${why}: stopping the drill and rolling back`));
  };
  if (io.broken?.aborted === true) onBroken();
  else io.broken?.addEventListener('abort', onBroken, { once: true });
  const onUncaught = onCrash('uncaught exception');
  const onUnhandled = onCrash('unhandled promise rejection');
  for (const name of SIGNALS) process.on(name, onSignal);
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUnhandled);
  return {
    signal: controller.signal,
    abort: (why) => {
      stop(why, `\n${why}: stopping the drill and rolling back every fault…`, `${why}: already stopping; still rolling back.`);
      for (const listener of listeners) listener(why);
    },
    onSignal: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    release: () => {
      listeners.clear();
      for (const name of SIGNALS) process.off(name, onSignal);
      io.broken?.removeEventListener('abort', onBroken);
      process.off('uncaughtException', onUncaught);
      process.off('unhandledRejection', onUnhandled);
    },
  };
}
