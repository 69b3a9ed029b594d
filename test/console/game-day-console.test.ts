import { expect } from 'chai';
import { request } from 'node:http';
import { startGameDayConsole, type GameDayConsole } from '../../src/console/game-day-console.ts';
import type { ConsoleState } from '../../src/console/console-state.ts';
import type { LiveRun, StepProgress } from '../../src/runner/live-run.ts';
import { TimelineBuilder } from '../assertions/timeline-builder.ts';

interface Reply {
  readonly status: number;
  readonly body: string;
}

/** One plain HTTP request to the console, as a browser or a prober would send it. */
function send(url: string, options: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers ?? {} }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The first state an events stream sends, then the stream is closed. */
function firstState(url: string): Promise<ConsoleState> {
  return new Promise((resolve, reject) => {
    const req = request(url, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        const match = /^data: (.*)$/m.exec(text);
        if (match?.[1] !== undefined) {
          req.destroy();
          resolve(JSON.parse(match[1]) as ConsoleState);
        }
      });
    });
    req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
    req.end();
  });
}

/** A LiveRun over a Timeline the test writes, standing in for the interpreter. */
function fakeLive(): LiveRun & { progress: StepProgress | undefined; extended: number[] } {
  const timeline = new TimelineBuilder().build(0, { '127.0.0.2': 'us-east-1', '127.0.0.3': 'us-west-2' });
  const live = {
    runId: 'r-1',
    drill: 'demo <script>',
    timeline,
    steps: [
      { step: 'wait', kind: 'hold', summary: 'hold 10 s', budgetMs: 10_000 },
      { step: 'ok', kind: 'approve', summary: 'approve "go?" within 30 s', budgetMs: 30_000 },
    ],
    progress: undefined as StepProgress | undefined,
    extended: [] as number[],
    current: () => live.progress,
    note: (text: string, operator: string) => void timeline.notes.push({ at: Date.now(), operator, text }),
    extend: (ms: number) => {
      if (live.progress?.kind !== 'hold') return false;
      live.extended.push(ms);
      return true;
    },
    faultDeadline: () => undefined,
  };
  return live;
}

describe('the game-day console server', () => {
  let console_: GameDayConsole;
  let aborted: string[];
  let base: string;
  let token: string;
  beforeEach(async () => {
    aborted = [];
    console_ = await startGameDayConsole({ abort: (why) => aborted.push(why), regions: ['us-east-1', 'us-west-2'], tickMs: 20 });
    const url = new URL(console_.url);
    base = `${url.protocol}//${url.host}`;
    token = url.searchParams.get('token') ?? '';
  });
  afterEach(async () => {
    await console_.close();
  });

  it('listens on 127.0.0.1 with a URL-safe token of at least 128 bits', () => {
    expect(console_.url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+$/);
    expect(Buffer.from(token, 'base64url').length * 8).to.be.at.least(128);
  });

  it('answers 403 to every request without the token or with a wrong one, and changes nothing', async () => {
    const live = fakeLive();
    console_.attach(live);
    const wrong = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    const replies = await Promise.all([
      send(`${base}/`),
      send(`${base}/?token=${wrong}`),
      send(`${base}/?token=`),
      send(`${base}/events`),
      send(`${base}/events?token=${wrong}`),
      send(`${base}/favicon.ico`),
      send(`${base}/actions/note`, { method: 'POST', body: JSON.stringify({ operator: 'eve', text: 'x' }) }),
      send(`${base}/actions/abort`, { method: 'POST', body: JSON.stringify({ operator: 'eve' }), headers: { 'x-drdrill-token': wrong } }),
    ]);
    expect(replies.map((reply) => reply.status)).to.deep.equal([403, 403, 403, 403, 403, 403, 403, 403]);
    expect(live.timeline.notes).to.deep.equal([]);
    expect(aborted).to.deep.equal([]);
  });

  it('serves the page with the token, self-contained and locked down by its CSP', async () => {
    const page = await send(console_.url);
    expect(page.status).to.equal(200);
    expect(page.body).to.include('<title>drdrill console</title>');
    expect(page.body).to.not.match(/<script[^>]+src=|<link[^>]+href=|https?:\/\/(?!127)/);
  });

  it('sends the whole state to a stream as it connects, and again to one that reconnects', async () => {
    const live = fakeLive();
    live.timeline.notes.push({ at: 1, operator: 'dana', text: 'before anyone looked' });
    live.progress = { step: 'wait', kind: 'hold', awaiting: 'the hold to end', observed: 'no fault in', startedAt: Date.now(), budgetMs: 10_000 };
    live.timeline.steps.push({ kind: 'started', at: live.progress.startedAt, step: 'wait', type: 'hold' });
    console_.attach(live);
    const first = await firstState(`${base}/events?token=${token}`);
    expect(first.status).to.equal('running');
    expect(first.drill).to.equal('demo <script>');
    expect(first.steps.map((step) => `${step.step}:${step.state}`)).to.deep.equal(['wait:running', 'ok:pending']);
    expect(first.notes.map((note) => note.text)).to.deep.equal(['before anyone looked']);
    const again = await firstState(`${base}/events?token=${token}`);
    expect(again).to.deep.equal(first);
  });

  it('puts a note on the timeline with its operator, and refuses a body without one naming the field', async () => {
    const live = fakeLive();
    console_.attach(live);
    const headers = { 'x-drdrill-token': token, 'content-type': 'application/json' };
    const bad = await send(`${base}/actions/note`, { method: 'POST', headers, body: JSON.stringify({ text: 'hello' }) });
    expect(bad.status).to.equal(400);
    expect(bad.body).to.match(/operator: /);
    expect(live.timeline.notes).to.deep.equal([]);
    const good = await send(`${base}/actions/note`, { method: 'POST', headers, body: JSON.stringify({ text: 'action: page the DB team', operator: ' dana ' }) });
    expect(good.status).to.equal(200);
    expect(live.timeline.notes.map((note) => [note.operator, note.text])).to.deep.equal([['dana', 'action: page the DB team']]);
  });

  it('extends a hold, and says why it refuses to extend anything else', async () => {
    const live = fakeLive();
    console_.attach(live);
    const headers = { 'x-drdrill-token': token };
    const refused = await send(`${base}/actions/hold`, { method: 'POST', headers, body: JSON.stringify({ operator: 'dana', ms: 30_000 }) });
    expect(refused.status).to.equal(409);
    expect(refused.body).to.include('only a running hold or until can be extended');
    live.progress = { step: 'wait', kind: 'hold', awaiting: '', observed: '', startedAt: Date.now(), budgetMs: 10_000 };
    const held = await send(`${base}/actions/hold`, { method: 'POST', headers, body: JSON.stringify({ operator: 'dana', ms: 30_000 }) });
    expect(held.status).to.equal(200);
    expect(live.extended).to.deep.equal([30_000]);
  });

  it('answers an approve step asked of it, once, for the step that waits', async () => {
    const live = fakeLive();
    console_.attach(live);
    const controller = new AbortController();
    const answer = console_.approver.ask({ step: 'ok', question: 'go?', deadline: Date.now() + 30_000, signal: controller.signal });
    const state = await firstState(`${base}/events?token=${token}`);
    expect(state.approval).to.deep.include({ step: 'ok', question: 'go?' });
    const headers = { 'x-drdrill-token': token };
    const stale = await send(`${base}/actions/approve`, { method: 'POST', headers, body: JSON.stringify({ operator: 'dana', step: 'other' }) });
    expect(stale.status).to.equal(409);
    const yes = await send(`${base}/actions/approve`, { method: 'POST', headers, body: JSON.stringify({ operator: 'dana', step: 'ok' }) });
    expect(yes.status).to.equal(200);
    expect(await answer).to.deep.equal({ approved: true, operator: 'dana', via: 'console' });
    const twice = await send(`${base}/actions/decline`, { method: 'POST', headers, body: JSON.stringify({ operator: 'sam', step: 'ok' }) });
    expect(twice.status).to.equal(409);
  });

  it('withdraws the question when another approver answered first', async () => {
    console_.attach(fakeLive());
    const controller = new AbortController();
    const answer = console_.approver.ask({ step: 'ok', question: 'go?', deadline: Date.now() + 30_000, signal: controller.signal });
    controller.abort(new Error('answered elsewhere'));
    await answer.then(
      () => expect.fail('a withdrawn question has no answer'),
      (error: unknown) => expect(String(error)).to.include('answered elsewhere'),
    );
    expect((await firstState(`${base}/events?token=${token}`)).approval).to.equal(undefined);
  });

  it('aborts through the run\'s own abort, noting who did it, and takes nothing once the drill is over', async () => {
    const live = fakeLive();
    console_.attach(live);
    const headers = { 'x-drdrill-token': token };
    const reply = await send(`${base}/actions/abort`, { method: 'POST', headers, body: JSON.stringify({ operator: 'dana' }) });
    expect(reply.status).to.equal(200);
    expect(aborted).to.deep.equal(['aborted from the console by dana']);
    expect(live.timeline.notes.map((note) => `${note.operator}: ${note.text}`)).to.deep.equal(['dana: aborted the drill from the console']);
    console_.finished({ drill: 'demo', outcome: 'aborted', exitCode: 3 });
    const late = await send(`${base}/actions/note`, { method: 'POST', headers, body: JSON.stringify({ operator: 'dana', text: 'too late' }) });
    expect(late.status).to.equal(409);
    expect((await firstState(`${base}/events?token=${token}`)).status).to.equal('ended');
  });

  it('keeps going when a page vanishes mid-stream', async () => {
    const live = fakeLive();
    console_.attach(live);
    await firstState(`${base}/events?token=${token}`);
    // The stream's client is gone; the next changes are sent into nothing, and nothing throws.
    for (let i = 0; i < 20; i++) {
      live.timeline.notes.push({ at: Date.now(), operator: 'dana', text: `note ${i}` });
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const state = await firstState(`${base}/events?token=${token}`);
    expect(state.notes).to.have.length(20);
  });

  it('closes its streams and its port when the run ends', async () => {
    const url = console_.url;
    await console_.close();
    await send(url).then(
      () => expect.fail('the port still answers'),
      (error: NodeJS.ErrnoException) => expect(error.code).to.equal('ECONNREFUSED'),
    );
    console_ = await startGameDayConsole({ abort: () => undefined, regions: [] });
  });
});
