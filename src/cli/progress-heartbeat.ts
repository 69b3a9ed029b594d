/** Longest stretch a running drill stays silent on stdout. */
export const HEARTBEAT_MS = 3_000;

/**
 * Prints a line whenever a run has been silent for `HEARTBEAT_MS`: a person (or a CI log) sees the
 * drill is alive during a long hold, and — the reason it must exist — a write is the only way a
 * process learns that its stdout pipe was closed. Without it a drill closed mid-hold would keep
 * its fault in, unseen, until the hold ended.
 */
export function startHeartbeat(write: (line: string) => void, describe: () => string): { touch(): void; stop(): void } {
  let last = Date.now();
  const timer = setInterval(() => {
    if (Date.now() - last < HEARTBEAT_MS) return;
    last = Date.now();
    write(describe());
  }, Math.ceil(HEARTBEAT_MS / 5));
  // Never the reason the process stays up.
  timer.unref();
  return {
    touch: () => {
      last = Date.now();
    },
    stop: () => clearInterval(timer),
  };
}
