import { createHash } from 'node:crypto';

/**
 * The console page: one self-contained document (no CDN, no file beside it) that opens the events
 * stream with its own URL's token and draws each state it receives. Everything shown came from
 * the drill or the room, so it is only ever set as text (`textContent`), never parsed as HTML.
 */
const STYLE = `
:root { --ink: #1a202c; --muted: #4a5568; --line: #e2e8f0; --bg: #f7fafc; --ok: #2f855a; --bad: #c53030; --warn: #b7791f; --run: #2b6cb0; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
header { display: flex; align-items: center; gap: 16px; padding: 10px 20px; background: #1a202c; color: #fff; }
header h1 { font-size: 18px; margin: 0; font-weight: 600; }
header .run { color: #a0aec0; font-size: 13px; }
header .spacer { flex: 1; }
.badge { padding: 2px 10px; border-radius: 10px; font-size: 13px; font-weight: 600; background: #4a5568; color: #fff; }
.badge.running { background: var(--run); } .badge.ended { background: #2d3748; } .badge.passed { background: var(--ok); } .badge.failed, .badge.aborted, .badge.rollback-failed { background: var(--bad); }
#connection.live { color: #9ae6b4; } #connection.lost { color: #feb2b2; }
main { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 16px; padding: 16px 20px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 12px 14px; margin-bottom: 16px; }
section h2 { font-size: 13px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); margin: 0 0 8px; }
#now .what { font-size: 26px; font-weight: 600; }
#now .seen { font-size: 18px; color: var(--muted); margin-top: 2px; }
.bar { height: 10px; background: var(--line); border-radius: 5px; overflow: hidden; margin-top: 8px; }
.bar > div { height: 100%; background: var(--run); width: 0; }
.bar.late > div { background: var(--bad); }
.budget { font-size: 13px; color: var(--muted); margin-top: 4px; }
#approval { border: 2px solid var(--warn); background: #fffaf0; }
#approval .question { font-size: 22px; font-weight: 600; margin-bottom: 8px; }
button { font: inherit; padding: 6px 14px; border-radius: 5px; border: 1px solid #a0aec0; background: #fff; cursor: pointer; }
button:disabled { opacity: .45; cursor: default; }
button.approve { background: var(--ok); color: #fff; border-color: var(--ok); font-size: 18px; }
button.decline { background: #fff; color: var(--bad); border-color: var(--bad); font-size: 18px; }
button.abort { background: var(--bad); color: #fff; border-color: var(--bad); }
button.abort.confirm { background: #742a2a; }
.controls { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
.controls label { font-size: 13px; color: var(--muted); }
input, textarea { font: inherit; padding: 5px 8px; border: 1px solid #a0aec0; border-radius: 5px; }
textarea { width: 100%; min-height: 54px; resize: vertical; margin-top: 8px; }
#message { min-height: 20px; font-size: 13px; margin-top: 6px; } #message.error { color: var(--bad); }
table { border-collapse: collapse; width: 100%; }
td, th { text-align: left; padding: 4px 6px; border-bottom: 1px solid var(--line); vertical-align: top; font-size: 14px; }
th { font-size: 12px; color: var(--muted); font-weight: 600; }
#steps tr[data-state="running"] { background: #ebf8ff; font-weight: 600; }
#steps td:nth-child(4), #steps td:nth-child(2) { white-space: nowrap; }
#steps tr[data-state="pending"] { color: #718096; }
.state { font-size: 12px; font-weight: 700; text-transform: uppercase; }
[data-state="passed"] .state, .ok { color: var(--ok); } [data-state="failed"] .state, [data-state="aborted"] .state, .bad { color: var(--bad); } [data-state="running"] .state { color: var(--run); }
.figures { display: flex; gap: 22px; }
.figure .value { font-size: 24px; font-weight: 600; } .figure .label { font-size: 12px; color: var(--muted); }
.share { display: flex; height: 18px; border-radius: 4px; overflow: hidden; margin: 6px 0 2px; background: var(--line); }
.share > div { height: 100%; }
.legend { font-size: 13px; color: var(--muted); }
.muted { color: var(--muted); font-size: 13px; }
.service + .service { margin-top: 10px; padding-top: 10px; border-top: 1px solid var(--line); }
#ended { font-size: 18px; }
`;

const BODY = `
<header>
  <h1 id="drill">drdrill console</h1><span class="run" id="run"></span>
  <span class="spacer"></span><span id="connection">connecting…</span><span class="badge" id="status">waiting</span>
</header>
<main>
  <div>
    <section id="ended" hidden></section>
    <section id="approval" hidden>
      <h2>Approval needed · <span id="approval-step"></span></h2>
      <div class="question" id="approval-question"></div>
      <div class="controls"><button class="approve" id="approve">Approve</button><button class="decline" id="decline">Decline</button><span class="muted" id="approval-deadline"></span></div>
    </section>
    <section id="now">
      <h2>Now</h2>
      <div class="what" id="now-what">Waiting for the drill to start…</div>
      <div class="seen" id="now-seen"></div>
      <div class="bar" id="now-bar"><div></div></div>
      <div class="budget" id="now-budget"></div>
    </section>
    <section>
      <h2>Facilitator</h2>
      <div class="controls">
        <label for="operator">Your name</label><input id="operator" autocomplete="name" placeholder="e.g. Dana (facilitator)" maxlength="100">
        <button id="hold-30">Hold +30 s</button><button id="hold-60">Hold +1 min</button>
        <button class="abort" id="abort">Abort and roll back</button>
      </div>
      <form id="note-form"><textarea id="note" maxlength="2000" placeholder="What did the room notice? Start with action: for an action item."></textarea>
      <div class="controls"><button type="submit" id="add-note">Add note</button><span class="muted">notes land on the run's timeline with your name and the time</span></div></form>
      <div id="message"></div>
    </section>
    <section><h2>Steps</h2><table id="steps"><thead><tr><th></th><th>step</th><th>what</th><th>time / budget</th></tr></thead><tbody></tbody></table></section>
  </div>
  <div>
    <section><h2>Traffic · last 3 s</h2><div id="traffic" class="muted">no requests yet</div></section>
    <section><h2>Faults</h2><table id="faults"><tbody></tbody></table><div class="muted" id="fault-deadline"></div></section>
    <section><h2>DNS answers</h2><div id="dns" class="muted">no answers yet</div></section>
    <section><h2>Health checks</h2><table id="health"><tbody></tbody></table></section>
    <section><h2>Approvals and notes</h2><table id="log"><tbody></tbody></table></section>
  </div>
</main>
`;

const SCRIPT = `
(function () {
  'use strict';
  var token = new URLSearchParams(location.search).get('token') || '';
  var state = null;
  var rows = {};
  var rowsFor = '';
  var COLOURS = ['#2b6cb0', '#dd6b20', '#6b46c1', '#2c7a7b', '#b83280', '#718096'];
  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = String(text); return e; }
  function setText(node, text) { text = String(text); if (node.textContent !== text) node.textContent = text; }
  function row(cells) { var tr = el('tr'); cells.forEach(function (cell) { var td = el('td'); if (cell instanceof Node) td.appendChild(cell); else td.textContent = String(cell); tr.appendChild(td); }); return tr; }
  function fill(tbody, trs) { tbody.replaceChildren.apply(tbody, trs); }
  function dur(ms) { ms = Math.max(0, ms); if (ms < 10000) return (ms / 1000).toFixed(1) + ' s'; var s = Math.round(ms / 1000); if (s < 120) return s + ' s'; return Math.floor(s / 60) + ' min ' + (s % 60) + ' s'; }
  function clock(at) { return new Date(at).toISOString().slice(11, 19); }
  function colour(region) { var i = state.regions.indexOf(region); return i >= 0 ? COLOURS[Math.min(i, COLOURS.length - 1)] : '#a0aec0'; }

  var operator = $('operator');
  try { operator.value = localStorage.getItem('drdrill.operator') || ''; } catch (e) {}
  operator.addEventListener('input', function () { try { localStorage.setItem('drdrill.operator', operator.value); } catch (e) {} });
  function say(text, error) { var m = $('message'); m.textContent = text; m.className = error ? 'error' : ''; }
  function who() { var name = operator.value.trim(); if (name === '') { say('Type your name first: the timeline records who did what.', true); operator.focus(); } return name; }
  function post(action, body, done) {
    var name = who(); if (name === '') return;
    body.operator = name;
    fetch('/actions/' + action, { method: 'POST', headers: { 'content-type': 'application/json', 'x-drdrill-token': token }, body: JSON.stringify(body) })
      .then(function (response) { return response.json().then(function (json) { return { ok: response.ok, json: json }; }); })
      .then(function (result) { if (result.ok) { say(done); } else { say(result.json.error || 'refused', true); } })
      .catch(function () { say('the console did not answer (is the run over?)', true); });
  }
  $('approve').addEventListener('click', function () { if (state && state.approval) post('approve', { step: state.approval.step }, 'approved'); });
  $('decline').addEventListener('click', function () { if (state && state.approval) post('decline', { step: state.approval.step }, 'declined: the drill stops and rolls back'); });
  $('hold-30').addEventListener('click', function () { post('hold', { ms: 30000 }, 'extended by 30 s'); });
  $('hold-60').addEventListener('click', function () { post('hold', { ms: 60000 }, 'extended by 1 min'); });
  var abortArmed = 0;
  $('abort').addEventListener('click', function () {
    var button = $('abort');
    if (Date.now() - abortArmed > 5000) { abortArmed = Date.now(); button.classList.add('confirm'); button.textContent = 'Click again to abort'; setTimeout(function () { if (Date.now() - abortArmed >= 5000) { button.classList.remove('confirm'); button.textContent = 'Abort and roll back'; } }, 5100); return; }
    abortArmed = 0; button.classList.remove('confirm'); button.textContent = 'Abort and roll back';
    post('abort', {}, 'aborting: every fault is being rolled back');
  });
  $('note-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var text = $('note').value.trim(); if (text === '') { say('Write the note first.', true); return; }
    post('note', { text: text }, 'note added');
    if (operator.value.trim() !== '') $('note').value = '';
  });

  function current() { if (!state) return undefined; for (var i = 0; i < state.steps.length; i++) if (state.steps[i].state === 'running') return state.steps[i]; return undefined; }

  function renderSteps() {
    var key = (state.runId || '') + '|' + state.steps.map(function (s) { return s.step; }).join('|');
    var tbody = $('steps').tBodies[0];
    if (key !== rowsFor) {
      rowsFor = key; rows = {};
      fill(tbody, state.steps.map(function (s) {
        var tr = row([el('span', 'state'), s.step, el('span'), el('span')]);
        tr.dataset.step = s.step;
        rows[s.step] = tr;
        return tr;
      }));
    }
    state.steps.forEach(function (s) {
      var tr = rows[s.step]; if (!tr) return;
      if (tr.dataset.state !== s.state) tr.dataset.state = s.state;
      var cells = tr.cells;
      setText(cells[0].firstChild, s.state === 'pending' ? '' : s.state);
      setText(cells[2].firstChild, s.summary + (s.observed ? ' — ' + s.observed : ''));
      setText(cells[3].firstChild, timeAgainstBudget(s));
    });
  }
  function timeAgainstBudget(s) {
    if (s.startedAt === undefined) return s.budgetMs > 0 ? dur(s.budgetMs) : '';
    var took = (s.endedAt === undefined ? Date.now() : s.endedAt) - s.startedAt;
    return s.budgetMs > 0 ? dur(took) + ' / ' + dur(s.budgetMs) : dur(took);
  }

  function renderNow() {
    var s = current();
    var bar = $('now-bar');
    if (!s) {
      setText($('now-what'), state.status === 'waiting' ? 'Waiting for the drill to start…' : state.status === 'ended' ? 'The drill is over' : 'Between steps');
      setText($('now-seen'), ''); setText($('now-budget'), ''); bar.hidden = true; return;
    }
    var what = s.kind === 'hold' ? 'Holding · ' + s.step : s.kind === 'approve' ? 'Waiting for approval · ' + s.step : 'Waiting for ' + (s.awaiting || s.step);
    setText($('now-what'), what);
    setText($('now-seen'), s.observed ? 'now: ' + s.observed : '');
    var took = Date.now() - s.startedAt;
    if (s.budgetMs > 0) {
      bar.hidden = false;
      bar.firstChild.style.width = Math.min(100, (took / s.budgetMs) * 100).toFixed(1) + '%';
      bar.classList.toggle('late', took > s.budgetMs * 0.8);
      setText($('now-budget'), dur(took) + ' of ' + dur(s.budgetMs) + ' budget · ' + dur(Math.max(0, s.budgetMs - took)) + ' left');
    } else { bar.hidden = true; setText($('now-budget'), dur(took)); }
    var holdable = s.kind === 'hold' || s.kind === 'until';
    $('hold-30').disabled = !holdable; $('hold-60').disabled = !holdable;
  }

  function renderApproval() {
    var a = state.approval;
    $('approval').hidden = !a;
    if (!a) return;
    setText($('approval-step'), a.step);
    setText($('approval-question'), a.question);
    setText($('approval-deadline'), 'answer within ' + dur(a.deadline - Date.now()) + ' (or the drill aborts and rolls back)');
  }

  function renderTraffic() {
    var box = $('traffic');
    if (state.traffic.length === 0) { box.className = 'muted'; box.replaceChildren(document.createTextNode('no requests in the last 3 s')); return; }
    box.className = '';
    box.replaceChildren.apply(box, state.traffic.map(function (t) {
      var div = el('div', 'service');
      div.dataset.service = t.service;
      div.appendChild(el('div', 'muted', t.service));
      var figures = el('div', 'figures');
      [[t.rate.toFixed(1), 'req/s'], [t.errorPercent.toFixed(1) + ' %', 'errors (' + t.errors + ' of ' + t.requests + ')']].forEach(function (f) {
        var fig = el('div', 'figure'); fig.appendChild(el('div', 'value', f[0])); fig.appendChild(el('div', 'label', f[1])); figures.appendChild(fig);
      });
      figures.lastChild.firstChild.className = 'value ' + (t.errorPercent > 0 ? 'bad' : 'ok');
      div.appendChild(figures);
      var share = el('div', 'share');
      t.regions.forEach(function (r) { var part = el('div'); part.style.width = r.percent + '%'; part.style.background = colour(r.region); part.title = r.region + ' ' + r.percent + ' %'; share.appendChild(part); });
      div.appendChild(share);
      div.appendChild(el('div', 'legend', t.regions.length === 0 ? 'no region answered' : t.regions.map(function (r) { return r.region + ' ' + r.percent + ' %'; }).join(' · ')));
      return div;
    }));
  }

  function renderFaults() {
    fill($('faults').tBodies[0], state.faults.length === 0 ? [row(['no fault injected yet'])] : state.faults.map(function (f) {
      var label = f.state === 'out' ? 'out' : f.state === 'rollback-failed' ? 'ROLLBACK FAILED' : 'IN';
      var span = el('span', f.state === 'out' ? 'ok' : 'bad', label);
      var time = f.injectedAt === undefined ? '' : f.revertedAt === undefined ? 'in for ' + dur(Date.now() - f.injectedAt) : 'was in ' + dur(f.revertedAt - f.injectedAt);
      var tr = row([span, f.fault, f.target, time]); tr.dataset.fault = f.fault; tr.dataset.state = f.state; return tr;
    }));
    setText($('fault-deadline'), state.faultDeadline === undefined ? '' : 'maximum fault duration: out within ' + dur(state.faultDeadline - Date.now()));
  }

  function renderDns() {
    var box = $('dns');
    if (state.dns.length === 0) { box.className = 'muted'; box.replaceChildren(document.createTextNode('no answers yet')); return; }
    box.className = '';
    box.replaceChildren.apply(box, state.dns.map(function (set) {
      var div = el('div', 'service'); div.appendChild(el('div', 'muted', set.set));
      var table = el('table'); var tbody = el('tbody'); table.appendChild(tbody);
      fill(tbody, set.answers.map(function (a) { return row([a.resolver + (a.service ? ' · ' + a.service : ''), a.answer, 'since ' + clock(a.since)]); }));
      div.appendChild(table); return div;
    }));
  }

  function renderHealth() {
    fill($('health').tBodies[0], state.health.length === 0 ? [row(['no health check read yet'])] : state.health.map(function (h) {
      return row([h.healthCheckId, el('span', h.healthy ? 'ok' : 'bad', h.healthy ? 'healthy' : 'UNHEALTHY'), 'since ' + clock(h.since)]);
    }));
  }

  function renderLog() {
    var entries = state.approvals.map(function (a) { return { at: a.at, who: a.operator, text: (a.approved ? 'approved ' : 'declined ') + a.step + ' (' + a.via + ')' }; })
      .concat(state.notes.map(function (n) { return { at: n.at, who: n.operator, text: n.text }; }))
      .sort(function (x, y) { return x.at - y.at; });
    fill($('log').tBodies[0], entries.length === 0 ? [row(['nothing yet'])] : entries.map(function (e) { var tr = row([clock(e.at), e.who, e.text]); tr.className = 'entry'; return tr; }));
  }

  function renderHeader() {
    setText($('drill'), state.drill || 'drdrill console');
    setText($('run'), state.runId || '');
    var status = $('status');
    var label = state.status === 'ended' && state.ended ? state.ended.outcome : state.status;
    setText(status, label); status.className = 'badge ' + label;
    var ended = $('ended');
    ended.hidden = !state.ended;
    if (state.ended) setText(ended, state.ended.drill + ' ended: ' + state.ended.outcome + ' (exit ' + state.ended.exitCode + ')' + (state.ended.reason ? ' — ' + state.ended.reason : '') + (state.ended.reports ? ' · reports in ' + state.ended.reports : ''));
    var running = state.status === 'running';
    $('abort').disabled = !running; $('add-note').disabled = !running;
    if (!running) { $('hold-30').disabled = true; $('hold-60').disabled = true; }
  }

  function render() {
    if (!state) return;
    renderHeader(); renderApproval(); renderNow(); renderSteps(); renderTraffic(); renderFaults(); renderDns(); renderHealth(); renderLog();
    document.body.dataset.updated = String(Date.now());
  }
  function connection(text, cls) { var c = $('connection'); c.textContent = text; c.className = cls; }
  var source = new EventSource('/events?token=' + encodeURIComponent(token));
  source.onopen = function () { connection('live', 'live'); };
  source.onmessage = function (event) { try { state = JSON.parse(event.data); render(); } catch (e) { connection('bad message: ' + e, 'lost'); } };
  source.onerror = function () {
    if (state && state.status === 'ended') { source.close(); connection('run over: console closed', ''); }
    else connection('reconnecting…', 'lost');
  };
  setInterval(function () { if (state && state.status !== 'ended') { renderNow(); renderApproval(); renderSteps(); renderFaults(); } }, 500);
})();
`;

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

export const CONSOLE_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>drdrill console</title><style>${STYLE}</style></head>
<body>${BODY}<script>${SCRIPT}</script></body></html>
`;

/** Only the page's own script and style (by hash) run; it talks to its own origin and nothing else. */
export const CONSOLE_CSP = [
  "default-src 'none'",
  `script-src ${sha256(SCRIPT)}`,
  `style-src ${sha256(STYLE)}`,
  "connect-src 'self'",
  "img-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
