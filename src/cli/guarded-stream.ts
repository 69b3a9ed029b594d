/** The stream errors that mean "nobody is reading any more", as opposed to a bug in drdrill. */
const GONE_CODES: ReadonlySet<string> = new Set(['EPIPE', 'EIO', 'ECONNRESET', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END']);

/** Raised (as an abort reason) when stdout or stderr went away under a run. */
export class OutputClosedError extends Error {
  override readonly name = 'OutputClosedError';
}

/**
 * A writer for stdout or stderr that never throws and never lets the stream's error go unheard.
 *
 * Why this exists: Node reports a write to a closed pipe as an 'error' event on the stream, on
 * the next tick. With no listener that is an uncaught exception; drdrill's crash handler then
 * wrote about it to stderr — the same closed pipe — which raised the next one, on the next tick,
 * for ever. The nextTick queue never drained, so timers, I/O and signal handlers never ran again:
 * 100 % CPU, SIGTERM ignored, rollback never reached. Here the first failure is heard once,
 * reported through `onBroken`, and every later write to that stream is dropped.
 */
export function guardedStream(
  stream: NodeJS.WritableStream & { readonly destroyed?: boolean },
  label: string,
  onBroken: (reason: OutputClosedError) => void,
): (text: string) => void {
  let gone = false;
  const fail = (error: unknown): void => {
    if (gone) return;
    gone = true;
    const code = (error as { code?: unknown } | undefined)?.code;
    const known = typeof code === 'string' && GONE_CODES.has(code);
    onBroken(new OutputClosedError(`${label} is closed (${known ? code : String(error)})`, { cause: error }));
  };
  // Listening for good: later writers (console.log in a drill file) fail into the same place.
  stream.on('error', fail);
  return (text) => {
    if (gone || stream.destroyed === true) return;
    try {
      stream.write(text);
    } catch (error) {
      fail(error);
    }
  };
}
