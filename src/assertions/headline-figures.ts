import { PHASES, type Timeline } from '../runner/timeline.ts';
import { ofService, scopeAssertion } from './assertion-scope.ts';
import type { AssertionContext } from './assertion-context.ts';
import { dnsConvergenceOptions, evaluateDnsConvergence } from './dns-convergence.ts';
import { errorBudgetOptions, evaluateErrorBudget } from './error-budget.ts';
import { evaluateFailback, failbackOptions } from './failback.ts';
import type { Figure } from './figure.ts';
import { evaluateRto, rtoOptions } from './rto.ts';
import type { Verdict } from './verdict.ts';

/** A limit no run reaches: the default measurements below judge nothing, they only measure. */
const UNBOUNDED = '24h';

/**
 * The run's headline figures, each measured once: first every figure the drill's own assertions
 * measured (so the headline RTO is the RTO assertion's, with its window and success rate), then,
 * for each headline a run always has but no assertion measured (RTO, DNS convergence, failback,
 * the error rate of the whole run and of each phase that ran, and the RTO of each client cohort),
 * the same assertion code with its default options; with several services loaded, each service's
 * error rate over the run too (`service2:errorRate.run`, the drill's own service included). Names are unique: a second assertion measuring the same thing gets `#2`.
 */
export function measureHeadlineFigures(timeline: Timeline, verdicts: readonly Verdict[], context: AssertionContext): Figure[] {
  const figures: Figure[] = [];
  const taken = new Map<string, number>();
  const add = (figure: Figure, source?: string): void => {
    const seen = taken.get(figure.name) ?? 0;
    taken.set(figure.name, seen + 1);
    const name = seen === 0 ? figure.name : `${figure.name}#${seen + 1}`;
    figures.push({ ...figure, name, ...(source === undefined ? {} : { source }) });
  };
  for (const verdict of verdicts) for (const figure of verdict.figures ?? []) add(figure, verdict.name);

  // A figure timed from a named fault (`rto@fail-eu-west-1`) stands for its kind: a cascade's
  // per-hop figures are its headline, not a default timed from the first fault to the end.
  const timedFromFault = new Set([...taken.keys()].flatMap((name) => (/[@{]/.test(name) ? [name.slice(0, name.search(/[@{]/))] : [])));
  // RTO, DNS convergence and failback by default mean "moved to the secondary and back": only a
  // failover chain has one. A latency or weighted drill's headline is what its assertions measured.
  const routing = context.defaultService === undefined ? undefined : context.services?.[context.defaultService]?.routing;
  const chained = routing === undefined || routing === 'failover';
  const missing = (name: string): boolean => !taken.has(name) && !timedFromFault.has(name) && (chained || name.startsWith('errorRate.'));
  const defaults: Verdict[] = [];
  // The moves are the drill's own service's: with several loaded, the others' DNS answers (which
  // never moved) and requests would read as "never shifted".
  const own = scopeAssertion(timeline, {}, context, 'home');
  const moved = 'problem' in own ? { timeline, context } : own;
  if (missing('rto')) defaults.push(evaluateRto(moved.timeline, rtoOptions.parse({ assertion: 'rto', within: UNBOUNDED }), moved.context));
  for (const cohort of context.cohorts ?? []) {
    if (missing(`rto[${cohort.name}]`)) defaults.push(evaluateRto(moved.timeline, rtoOptions.parse({ assertion: 'rto', within: UNBOUNDED, cohort: cohort.name }), moved.context));
  }
  if (missing('dns.convergence')) {
    defaults.push(evaluateDnsConvergence(moved.timeline, dnsConvergenceOptions.parse({ assertion: 'dns-convergence', within: UNBOUNDED }), moved.context));
  }
  if (missing('failback')) defaults.push(evaluateFailback(moved.timeline, failbackOptions.parse({ assertion: 'failback', within: UNBOUNDED }), moved.context));
  const phases = [...new Set(timeline.phases.map((mark) => mark.phase))].filter((phase) => missing(`errorRate.${phase}`));
  if (missing('errorRate.run')) defaults.push(evaluateErrorBudget(timeline, errorBudgetOptions.parse({ assertion: 'error-budget', maxErrorRate: 100 })));
  if (phases.length > 0) {
    defaults.push(evaluateErrorBudget(timeline, errorBudgetOptions.parse({ assertion: 'error-budget', phase: phases, maxErrorRate: 100 })));
  }
  for (const verdict of defaults) for (const figure of verdict.figures ?? []) if (missing(figure.name)) add(figure);
  for (const figure of serviceErrorRates(timeline, context)) if (missing(figure.name)) add(figure);
  return figures.sort((a, b) => rank(a.name) - rank(b.name));
}

/** Each observed service's error rate over the whole run, when the drill observes several. */
function serviceErrorRates(timeline: Timeline, context: AssertionContext): Figure[] {
  const services = Object.keys(context.services ?? {});
  if (services.length < 2) return [];
  return services.flatMap((service) => {
    const scoped = scopeAssertion(timeline, { service }, context, 'counted');
    if ('problem' in scoped) return [];
    const verdict = evaluateErrorBudget(scoped.timeline, errorBudgetOptions.parse({ assertion: 'error-budget', maxErrorRate: 100, service }));
    return (verdict.figures ?? []).map((figure) => ofService(figure, service));
  });
}

const ORDER = ['rto', 'rto.detect', 'rto.shift', 'dns.convergence', 'failback', 'errorRate.run', ...PHASES.map((phase) => `errorRate.${phase}`)];

/**
 * Headline order (RTO first, error rates in phase order), each figure of the whole load before its
 * cohorts' ones; a stable sort keeps the rest as measured.
 */
function rank(qualified: string): number {
  // `service:` and `@fault` qualify a figure; it ranks with its kind.
  const name = qualified.replace(/^[^:]+:/, '').replace(/@[^[#{]*/, '').replace(/\{[^}]*\}/, '');
  const cohort = /\[[^\]]*\](#\d+)?$/.test(name) ? 1 : 0;
  const index = ORDER.indexOf(name.replace(/(\[[^\]]*\])?(#\d+)?$/, ''));
  return (index === -1 ? ORDER.length : index) * 2 + cohort;
}
