import { expect } from 'chai';
import type { Figure } from '../../src/assertions/figure.ts';
import { markNotEvaluated } from '../../src/assertions/not-evaluated.ts';
import { groupCalls, isReadOnlyOperation } from '../../src/reporters/call-groups.ts';
import { formatDetail } from '../../src/reporters/detail-format.ts';
import { renderHtml } from '../../src/reporters/html.ts';
import { renderJunit } from '../../src/reporters/junit.ts';
import { renderMarkdownSummary } from '../../src/reporters/markdown-summary.ts';
import { renderConsoleSummary } from '../../src/reporters/console-summary.ts';
import { reportClock } from '../../src/reporters/report-clock.ts';
import { rtoSplits } from '../../src/reporters/rto-split.ts';
import type { ControlPlaneCallRecord } from '../../src/runner/run-record.ts';
import { buildFixtureRunRecord, FIXTURE_START } from './fixture-run-record.ts';
import { JUNIT_XSD, xmllintValidate } from './xmllint.ts';

const record = buildFixtureRunRecord();
/** The fixture's fault went in at +10.15 s. */
const T0 = FIXTURE_START + 10_150;

function call(operation: string, at: number, extra: Partial<ControlPlaneCallRecord> = {}): ControlPlaneCallRecord {
  return { service: operation.includes('Health') ? 'Route53' : 'Lambda', operation, region: 'us-east-1', startedAt: FIXTURE_START + at, endedAt: FIXTURE_START + at + 20, httpStatus: 200, requestId: `req-${operation}-${at}`, ...extra };
}

describe('the report’s sections', () => {
  it('reads details as a person would: durations in s/ms, times from T0 with the ISO time on hover, rounded numbers', () => {
    const clock = reportClock(record);
    expect(clock.t0).to.equal(T0);
    expect(formatDetail('recoveryMs', 2767.05810546875, clock)).to.deep.equal({ label: 'recovery', html: '2.77 s' });
    expect(formatDetail('longestOutageStartedAt', T0 + 1234.058, clock)).to.deep.equal({
      label: 'longest outage started',
      html: '<time datetime="2025-03-14T09:00:11.384Z" title="2025-03-14T09:00:11.384Z">T0+1.23 s</time>',
    });
    expect(formatDetail('latency p50 ms', 6.215, clock)).to.deep.equal({ label: 'latency p50', html: '6 ms' });
    expect(formatDetail('errorRatePercent', 15.1111, clock)).to.deep.equal({ label: 'error rate', html: '15.11%' });
    expect(formatDetail('127.0.0.1:5353', 0.123456, clock)).to.deep.equal({ label: '127.0.0.1:5353', html: '0.12' });
    expect(formatDetail('requests', 12345, clock).html).to.equal('12,345');
    expect(formatDetail('withinModel', true, clock).html).to.equal('yes');
  });

  it('groups calls by operation, changes first, and tells read-only polling from calls that change state', () => {
    const calls = [call('GetHealthCheckStatus', 1000), call('PutFunctionConcurrency', 10_100), call('GetHealthCheckStatus', 2000, { errorCode: 'Throttling', httpStatus: 400 }), call('DeleteFunctionConcurrency', 30_000)];
    expect(['GetHealthCheckStatus', 'ListResourceRecordSets', 'DescribeInstances', 'GetCallerIdentity'].map(isReadOnlyOperation)).to.deep.equal([true, true, true, true]);
    expect(['PutFunctionConcurrency', 'DeleteParameter', 'UpdateRoutingControlState', 'ChangeResourceRecordSets', 'StartExperiment', 'Getaway'].map(isReadOnlyOperation)).to.deep.equal([false, false, false, false, false, false]);
    expect(groupCalls(calls).map((group) => [group.operation, group.count, group.errors, group.readOnly])).to.deep.equal([
      ['PutFunctionConcurrency', 1, 0, false],
      ['DeleteFunctionConcurrency', 1, 0, false],
      ['GetHealthCheckStatus', 2, 1, true],
    ]);
    const page = renderHtml(buildFixtureRunRecord({ evidence: { calls } }));
    const evidence = page.slice(page.indexOf('<section id="evidence">'));
    expect(evidence.match(/<tr class="call-group"/g)).to.have.length(3);
    expect(evidence.match(/<tr class="call call-mutating/g)).to.have.length(2);
    const polling = evidence.slice(evidence.indexOf('<details class="polling">'), evidence.indexOf('</details>'));
    expect(polling).to.contain('Read-only calls and polling: 2 calls');
    expect(polling.match(/<tr class="call call-polling/g)).to.have.length(2);
  });

  it('splits each loaded service’s RTO from run.json’s figures, the drill’s own from the unqualified ones', () => {
    const figure = (name: string, value: number, service?: string): Figure => ({ name, label: name, value, unit: 'ms', definition: 'd', ...(service === undefined ? {} : { service }) });
    const twoServices = buildFixtureRunRecord({
      environment: { ...record.environment, services: { api: { routing: 'failover', regions: ['us-east-1', 'us-west-2'] }, web: { routing: 'failover', regions: ['us-east-1', 'us-west-2'] } } },
      context: { ...record.context!, defaultService: 'api' },
      figures: [figure('rto', 3000), figure('rto.detect', 1000), figure('rto.shift', 2000), figure('web:rto', 4000, 'web'), figure('web:rto.shift', 2500, 'web')],
    });
    const splits = rtoSplits(twoServices).map((split) => [split.service, split.parts.map((part) => part.figure?.value ?? null)]);
    expect(splits).to.deep.equal([
      ['api', [1000, 2000, 3000]],
      ['web', [null, 2500, 4000]],
    ]);
    const rto = renderHtml(twoServices).match(/<section id="rto">[\s\S]*?<\/section>/)?.[0] ?? '';
    expect(rto).to.contain('<div class="rto-row" data-service="web">');
    expect(rto).to.contain('<div class="rto-card missing" data-part="detect"><div class="label">Detect</div><div class="big">—</div><div class="sub">not measured</div></div>');
    expect(rto).to.contain('data-figure="web:rto"><div class="label">Clients recovered</div><div class="big">4 s</div>');
  });

  it('shows a part that does not apply as n/a with its reason, in the card, the figures table, JUnit and the console', () => {
    const why = 'a routing-control flip moved traffic; hc-1 stayed healthy, as it should';
    const detect: Figure = { name: 'rto.detect', label: 'RTO: detect', value: null, unit: 'ms', definition: 'first injection → health check hc-1 reported unhealthy', inapplicable: why };
    const routed = buildFixtureRunRecord({ figures: [detect, { name: 'rto.shift', label: 'RTO: DNS shift', value: 566, unit: 'ms', definition: 'd' }] });
    const rto = renderHtml(routed).match(/<section id="rto">[\s\S]*?<\/section>/)?.[0] ?? '';
    expect(rto).to.contain(`data-figure="rto.detect"><div class="label">Detect</div><div class="big">n/a</div><div class="sub">${why}</div></div>`);
    expect(renderJunit([routed])).to.contain('<property name="figure.rto.detect" value="n/a"/>');
    expect(renderConsoleSummary(routed)).to.contain(`RTO: detect: n/a (${why})`);
    expect(renderConsoleSummary(routed)).not.to.contain('detect: never');
  });

  it('carries "not evaluated" through the page, schema-valid JUnit (<skipped>), summary.md and the console', () => {
    const stoppedAt = FIXTURE_START + 14_000;
    const verdicts = markNotEvaluated(record.verdicts, { at: stoppedAt, startedAt: FIXTURE_START });
    expect(verdicts.map((verdict) => verdict.status)).to.include('not-evaluated');
    const aborted = buildFixtureRunRecord({ outcome: 'aborted', exitCode: 3, reason: 'aborted: SIGINT received', abortedAt: stoppedAt, verdicts });
    const page = renderHtml(aborted);
    expect(page).to.contain('<span class="badge status-not-evaluated">– not evaluated</span>');
    expect(page).to.contain('<div class="verdict-word">ABORTED</div>');
    const junit = renderJunit([aborted]);
    const skipped = verdicts.filter((verdict) => verdict.status === 'not-evaluated').length;
    expect(junit.match(/<skipped message="not evaluated: the run stopped 14 s after it started/g)).to.have.length(skipped);
    expect(junit).to.contain(`skipped="${skipped}"`);
    const lint = xmllintValidate(junit, JUNIT_XSD);
    expect(lint.valid, lint.output).to.equal(true);
    expect(renderMarkdownSummary(aborted)).to.contain('| ⏭️ not evaluated |');
    expect(renderConsoleSummary(aborted)).to.match(/\n {2}– [^\n]+: observed not evaluated: /);
  });

  it('gathers the retro: participants, action items from notes beginning "action:", approvals and notes', () => {
    const page = renderHtml(
      buildFixtureRunRecord({
        approvals: [{ at: T0 + 20_000, askedAt: T0 + 15_000, step: 'fail-back', question: 'Fail back?', approved: true, operator: 'alice', via: 'console' }],
        notes: [
          { at: T0 + 5000, operator: 'bob', text: 'Action: page the DB owner sooner', step: 'moved' },
          { at: T0 + 6000, operator: 'alice', text: 'secondary looks fine' },
        ],
      }),
    );
    const retro = page.slice(page.indexOf('<section id="retro">'), page.indexOf('</section>', page.indexOf('<section id="retro">')));
    expect(retro).to.contain('<span class="name">alice</span> <span class="sub">1 approval, 1 note</span>');
    expect(retro).to.contain('<span class="name">bob</span> <span class="sub">1 note</span>');
    expect(retro).to.match(/<ol class="action-items"><li>page the DB owner sooner <span class="sub">— bob, <time [^>]+>T0\+5 s<\/time>, during moved<\/span><\/li><\/ol>/);
    expect(retro).to.match(/<td>fail-back<\/td><td>Fail back\?<\/td><td>approved<\/td><td>alice<\/td><td>console<\/td>/);
    expect(retro).to.contain('waited 5 s');
  });
});
