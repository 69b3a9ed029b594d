import { hostname, userInfo } from 'node:os';
import type { ApprovalAnswer, ApprovalRequest, Approver, LiveRun } from '../runner/live-run.ts';
import { escapeControlChars } from '../util/escape-control-chars.ts';
import type { CliIo } from './cli-io.ts';
import { describeStatus } from './status-text.ts';

/** The terminal a status line draws on and reads keys from. */
export interface StatusTerminal {
  readonly input: NodeJS.ReadableStream & { setRawMode(mode: boolean): unknown; readonly isTTY?: boolean };
  /** Raw writes (the line's own cursor movements); never a drill's text unescaped. */
  readonly write: (text: string) => void;
  /** Columns, to keep the line on one row. */
  readonly columns: () => number;
}

export interface StatusLineOptions {
  /** Stops the run as Ctrl-C does. */
  readonly abort: (why: string) => void;
  /** Ctrl-C in raw mode is a key, not a signal: passed on as one so the usual path handles it. */
  readonly interrupt: () => void;
  /** How often the line is redrawn. @default 250 */
  readonly redrawMs?: number;
}

export interface StatusLine {
  /** The CLI's io with every line printed above the status line, which is redrawn below it. */
  readonly io: CliIo;
  /** Answers approve steps with a key press: y approves, N declines. */
  readonly approver: Approver;
  /** A drill's observers run: show it and take keys (undefined: the drill is over, give the terminal back). */
  show(live: LiveRun | undefined): void;
  /** Clears the line and gives the terminal back as it was. */
  stop(): void;
}

const CLEAR_LINE = '\r\u001b[2K';
/** How long the first `x` waits for the second. */
const ABORT_CONFIRM_MS = 3_000;
const CTRL_C = '\u0003';
const ENTER = new Set(['\r', '\n']);
const BACKSPACE = new Set(['\u007f', '\b']);
const ESCAPE = '\u001b';

/**
 * In a terminal: one line at the bottom, redrawn in place, saying what the drill awaits, the rate,
 * the error rate and the share by region; and keys — at an approve step `y` approves and `N`
 * declines, `n` writes a note onto the timeline, `x` twice aborts and rolls back. Log lines go on
 * printing above it. Whatever comes from the drill is escaped before it reaches the terminal.
 */
export function startStatusLine(io: CliIo, terminal: StatusTerminal, options: StatusLineOptions): StatusLine {
  const operator = `${userInfo().username}@${hostname()}`;
  let live: LiveRun | undefined;
  let note: string | undefined;
  let abortArmedAt = 0;
  let flash = '';
  let drawn = false;
  let asking: { request: ApprovalRequest; resolve: (answer: ApprovalAnswer) => void } | undefined;

  const text = (): string => {
    if (note !== undefined) return `note (Enter saves, Esc cancels): ${note}`;
    if (Date.now() - abortArmedAt < ABORT_CONFIRM_MS) return 'press x again to abort the drill and roll back every fault';
    // The answer's keys come first: a narrow terminal cuts the line's end, never them.
    const question = asking === undefined ? '' : `y approve · N decline │ `;
    return `${question}${flash === '' ? '' : `${flash} │ `}${describeStatus(live, Date.now())} │ n note · x abort`;
  };
  const draw = (): void => {
    const line = escapeControlChars(text());
    // A terminal that reports no size (0) gets the classic 80 columns.
    const width = Math.max(20, (terminal.columns() || 80) - 1);
    terminal.write(`${CLEAR_LINE}${line.length > width ? `${line.slice(0, width - 1)}…` : line}`);
    drawn = true;
  };
  const clear = (): void => {
    if (drawn) terminal.write(CLEAR_LINE);
    drawn = false;
  };
  const above = (print: (line: string) => void) => (line: string): void => {
    const redraw = drawn;
    clear();
    print(line);
    if (redraw) draw();
  };
  const say = (what: string): void => {
    flash = what;
    setTimeout(() => {
      if (flash === what) flash = '';
    }, 5_000).unref();
  };

  const onKey = (key: string): void => {
    if (key === CTRL_C) {
      options.interrupt();
      return;
    }
    if (note !== undefined) {
      editNote(key);
      return;
    }
    if (key === 'y' && asking !== undefined) answer(true);
    else if (key === 'N' && asking !== undefined) answer(false);
    else if (key === 'n' && live !== undefined) note = '';
    else if (key === 'x' && live !== undefined) {
      if (Date.now() - abortArmedAt < ABORT_CONFIRM_MS) {
        abortArmedAt = 0;
        live.note('aborted the drill at the terminal', operator);
        options.abort(`aborted at the terminal by ${operator}`);
      } else abortArmedAt = Date.now();
    }
  };
  const editNote = (key: string): void => {
    if (ENTER.has(key)) {
      const written = (note ?? '').trim();
      note = undefined;
      if (written !== '' && live !== undefined) {
        live.note(written, operator);
        say('note added');
      }
    } else if (key === ESCAPE) note = undefined;
    else if (BACKSPACE.has(key)) note = (note ?? '').slice(0, -1);
    else if (!/[\u0000-\u001f\u007f]/.test(key)) note = `${note ?? ''}${key}`.slice(0, 2000);
  };
  const answer = (approved: boolean): void => {
    const waiting = asking;
    if (waiting === undefined) return;
    asking = undefined;
    waiting.resolve({ approved, operator, via: 'terminal', ...(approved ? {} : { comment: 'declined with N at the terminal' }) });
  };

  const onData = (chunk: Buffer | string): void => {
    // A paste or a quick typist delivers several keys at once: each one counts.
    for (const key of String(chunk)) onKey(key);
    draw();
  };
  // Keys are read only while a drill's observers run: before that, preflight may ask at the
  // terminal itself (the plan's confirmation) and must have stdin to itself.
  let listening = false;
  const listen = (on: boolean): void => {
    if (on === listening) return;
    listening = on;
    if (on) {
      terminal.input.setRawMode(true);
      terminal.input.on('data', onData);
      terminal.input.resume();
      process.once('exit', restore);
    } else {
      terminal.input.off('data', onData);
      terminal.input.pause();
      restore();
      process.off('exit', restore);
    }
  };
  const restore = (): void => {
    terminal.input.setRawMode(false);
  };
  const timer = setInterval(() => {
    if (live !== undefined) draw();
  }, options.redrawMs ?? 250);
  timer.unref();

  return {
    io: { out: above(io.out), err: above(io.err), ...(io.broken === undefined ? {} : { broken: io.broken }) },
    approver: {
      canAnswer: () => true,
      ask: (request) =>
        new Promise<ApprovalAnswer>((resolve, reject) => {
          const until = new Date(request.deadline).toISOString().slice(11, 19);
          // Said once as a line too, so the question stays on screen above the status line.
          above(io.err)(`approve step "${request.step}": ${request.question} [y/N] (until ${until} UTC): press y to approve, N to decline`);
          asking = { request, resolve };
          request.signal.addEventListener(
            'abort',
            () => {
              if (asking?.request === request) asking = undefined;
              reject(request.signal.reason);
            },
            { once: true },
          );
          draw();
        }),
    },
    show(running) {
      live = running;
      note = undefined;
      listen(running !== undefined);
      if (running === undefined) clear();
      else draw();
    },
    stop() {
      clearInterval(timer);
      clear();
      listen(false);
    },
  };
}
