import type { Approver, LiveRun } from '../runner/live-run.ts';
import { consoleActions, type ConsoleControls } from './console-actions.ts';
import { ConsoleApprover } from './console-approver.ts';
import { CONSOLE_CSP, CONSOLE_PAGE } from './console-page.ts';
import { startConsoleServer } from './console-server.ts';
import type { ConsoleState } from './console-state.ts';
import { newConsoleToken } from './console-token.ts';
import { LiveFeed } from './live-feed.ts';

export interface GameDayConsoleOptions {
  /** Stops the run the way Ctrl-C does: the steps stop, every fault is rolled back. */
  readonly abort: (why: string) => void;
  /** The environment's regions in order, the primary first. */
  readonly regions: readonly string[];
  /** How often the state is looked at; a change reaches the page within this. @default 100 */
  readonly tickMs?: number;
}

/** How a drill ended, for the page. */
export type DrillEnded = NonNullable<ConsoleState['ended']>;

export interface GameDayConsole {
  /** `http://127.0.0.1:<port>/?token=<token>`. */
  readonly url: string;
  /** Answers approve steps from the page; one more approver, first answer wins. */
  readonly approver: Approver;
  /** A drill's observers run: show it. */
  attach(live: LiveRun): void;
  /** That drill is over (its record written): say how it ended; notes and controls are closed until the next. */
  finished(ended: DrillEnded): void;
  /** Messages and bytes sent on events streams so far. */
  readonly sent: { readonly messages: number; readonly bytes: number };
  close(): Promise<void>;
}

const waiting = (regions: readonly string[]): ConsoleState => ({ status: 'waiting', regions, steps: [], traffic: [], dns: [], health: [], faults: [], approvals: [], notes: [] });

/**
 * The game-day console of one `drdrill run --console`: a page on loopback that shows the running
 * drill live and steers it (approve, hold, note, abort). The drill never waits on it: the state is
 * looked at on a timer, a failure to build or send it is dropped, and without a page open the run
 * is the same run.
 */
export async function startGameDayConsole(options: GameDayConsoleOptions): Promise<GameDayConsole> {
  let feed: LiveFeed | undefined;
  let ended: DrillEnded | undefined;
  const idle = waiting(options.regions);
  let last = JSON.stringify(idle);
  const approver = new ConsoleApprover(() => publish());

  const stateNow = (): ConsoleState => {
    if (feed === undefined) return idle;
    const state = feed.state(Date.now(), approver.question());
    return ended === undefined ? state : { ...state, status: 'ended', ended };
  };
  const controls = (): ConsoleControls | undefined => {
    const live = feed?.live;
    if (live === undefined || ended !== undefined) return undefined;
    return {
      answer: (step, approved, operator) => approver.answer(step, approved, operator),
      extend: (ms, operator) => live.extend(ms, operator),
      note: (text, operator) => {
        live.note(text, operator);
        publish();
        return true;
      },
      abort: (operator) => {
        live.note('aborted the drill from the console', operator);
        options.abort(`aborted from the console by ${operator}`);
        publish();
        return true;
      },
    };
  };
  const server = await startConsoleServer({
    token: newConsoleToken(),
    page: CONSOLE_PAGE,
    contentSecurityPolicy: CONSOLE_CSP,
    snapshot: () => last,
    onAction: consoleActions(controls),
  });
  function publish(): void {
    try {
      const json = JSON.stringify(stateNow());
      if (json === last) return;
      last = json;
      server.broadcast(json);
    } catch {
      // The page is for watching: whatever goes wrong here must not reach the drill.
    }
  }
  const timer = setInterval(publish, options.tickMs ?? 100);
  timer.unref();

  return {
    url: server.url,
    approver,
    sent: server.sent,
    attach(live) {
      feed = new LiveFeed(live, options.regions);
      ended = undefined;
      publish();
    },
    finished(how) {
      ended = how;
      publish();
    },
    close: async () => {
      clearInterval(timer);
      publish();
      await server.close();
    },
  };
}
