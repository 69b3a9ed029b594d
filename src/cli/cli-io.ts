import { guardedStream } from './guarded-stream.ts';
import { escapeControlChars } from '../util/escape-control-chars.ts';

/** Where the CLI writes; tests pass their own to capture output without a shell. */
export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /**
   * Aborts once stdout or stderr can no longer be written (EPIPE from a closed pipe, EIO from a
   * closed terminal). A drill run takes it as a reason to stop and roll back; absent means the
   * output cannot break (captured in memory).
   */
  readonly broken?: AbortSignal;
}

/** The process's own stdout and stderr, made safe to write to whatever happens to them. */
export function processIo(): CliIo {
  const broken = new AbortController();
  const onBroken = (reason: Error): void => {
    if (!broken.signal.aborted) broken.abort(reason);
  };
  const out = guardedStream(process.stdout, 'stdout', onBroken);
  const err = guardedStream(process.stderr, 'stderr', onBroken);
  // Every line reaches a terminal: a drill's strings (names, descriptions, error texts from the
  // control plane) must not be able to move the cursor, retitle the window or clear the screen.
  return {
    out: (line) => out(`${escapeControlChars(line)}\n`),
    err: (line) => err(`${escapeControlChars(line)}\n`),
    broken: broken.signal,
  };
}
