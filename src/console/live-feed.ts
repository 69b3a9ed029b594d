import { describeAnswer } from '../assertions/answer-regions.ts';
import type { LiveRun } from '../runner/live-run.ts';
import type { DnsObservation, HealthObservation } from '../runner/timeline.ts';
import type { ConsoleState, ConsoleStep, FaultState, HealthStatus, ResolverSetAnswers } from './console-state.ts';
import { recentTraffic, type ServiceTraffic } from './live-traffic.ts';

/** Answers from no vantage point: the resolvers the environment lists. */
const LISTED_RESOLVERS = 'resolvers';

/**
 * Reads one running drill into ConsoleStates. The DNS and health-check observations grow for as
 * long as the drill runs, so it keeps the latest reading of each and reads only what is new.
 */
export class LiveFeed {
  readonly #live: LiveRun;
  #dnsSeen = 0;
  #healthSeen = 0;
  /** Latest answer per set, resolver and service, in first-seen order, and since when it has said that. */
  readonly #answers = new Map<string, { observation: DnsObservation; answer: string; since: number }>();
  /** Latest overall status per health check, and since when. */
  readonly #health = new Map<string, { observation: HealthObservation; since: number }>();
  /** The traffic figures change once a second, not on every look, so an unchanged page gets no message. */
  #traffic: { second: number; figures: ServiceTraffic[] } | undefined;
  /** Each step's budget as last seen while it ran (extensions included). */
  readonly #budgets = new Map<string, number>();

  readonly #regions: readonly string[];

  constructor(live: LiveRun, regions: readonly string[]) {
    this.#live = live;
    this.#regions = regions;
  }

  get live(): LiveRun {
    return this.#live;
  }

  state(now: number, approval: ConsoleState['approval']): ConsoleState {
    const { timeline } = this.#live;
    const deadline = this.#live.faultDeadline();
    return {
      status: 'running',
      drill: this.#live.drill,
      runId: this.#live.runId,
      regions: this.#regions,
      steps: this.#steps(),
      ...(approval === undefined ? {} : { approval }),
      traffic: this.#trafficAt(now),
      dns: this.#dns(),
      health: this.#healthStatus(),
      faults: faultStates(this.#live),
      ...(deadline === undefined ? {} : { faultDeadline: deadline }),
      approvals: [...timeline.approvals],
      notes: [...timeline.notes],
    };
  }

  #trafficAt(now: number): ServiceTraffic[] {
    const second = Math.floor(now / 1000);
    if (this.#traffic?.second !== second) this.#traffic = { second, figures: recentTraffic(this.#live.timeline.samples, second * 1000) };
    return this.#traffic.figures;
  }

  #steps(): ConsoleStep[] {
    const { timeline } = this.#live;
    const current = this.#live.current();
    if (current?.budgetMs !== undefined) this.#budgets.set(current.step, current.budgetMs);
    return this.#live.steps.map((planned) => {
      const started = timeline.steps.find((event) => event.kind === 'started' && event.step === planned.step);
      const ended = timeline.steps.find((event) => event.kind === 'ended' && event.step === planned.step);
      const running = current?.step === planned.step && ended === undefined;
      const state: ConsoleStep['state'] = ended?.status ?? (running || started !== undefined ? 'running' : 'pending');
      return {
        step: planned.step,
        kind: planned.kind,
        summary: planned.summary,
        state,
        budgetMs: this.#budgets.get(planned.step) ?? planned.budgetMs,
        ...(started === undefined ? {} : { startedAt: started.at }),
        ...(ended === undefined ? {} : { endedAt: ended.at }),
        ...(running ? { awaiting: current.awaiting, observed: current.observed } : ended?.observed === undefined ? {} : { observed: ended.observed }),
      };
    });
  }

  #dns(): ResolverSetAnswers[] {
    const { dns } = this.#live.timeline;
    for (; this.#dnsSeen < dns.length; this.#dnsSeen++) {
      const observation = dns[this.#dnsSeen];
      if (observation === undefined) continue;
      const key = `${observation.vantage ?? LISTED_RESOLVERS}\u0000${observation.resolver}\u0000${observation.service ?? ''}`;
      const answer = describeAnswer(observation, this.#live.timeline.regionsByAddress);
      const before = this.#answers.get(key);
      this.#answers.set(key, { observation, answer, since: before?.answer === answer ? before.since : observation.at });
    }
    const sets = new Map<string, ResolverSetAnswers['answers'][number][]>();
    for (const { observation, answer, since } of this.#answers.values()) {
      const set = observation.vantage ?? LISTED_RESOLVERS;
      const answers = sets.get(set) ?? [];
      answers.push({
        resolver: observation.resolver,
        ...(observation.service === undefined ? {} : { service: observation.service }),
        answer,
        since,
      });
      sets.set(set, answers);
    }
    return [...sets].map(([set, answers]) => ({ set, answers }));
  }

  #healthStatus(): HealthStatus[] {
    const { health } = this.#live.timeline;
    for (; this.#healthSeen < health.length; this.#healthSeen++) {
      const observation = health[this.#healthSeen];
      // One checker's result is not what routing acts on: the check's overall status is.
      if (observation === undefined || observation.checkerRegion !== undefined) continue;
      const before = this.#health.get(observation.healthCheckId);
      this.#health.set(observation.healthCheckId, { observation, since: before?.observation.healthy === observation.healthy ? before.since : observation.at });
    }
    return [...this.#health.values()].map(({ observation, since }) => ({
      healthCheckId: observation.healthCheckId,
      healthy: observation.healthy,
      since,
      ...(observation.detail === undefined ? {} : { detail: observation.detail }),
    }));
  }
}

/** Each fault of the drill as its events so far leave it: in, seen to bite, out, or stuck in. */
function faultStates(live: LiveRun): FaultState[] {
  const faults = new Map<string, FaultState>();
  for (const event of live.timeline.faults) {
    const fault = event.fault ?? event.target;
    const before = faults.get(fault);
    const base = { fault, injector: event.injector, target: event.target, ...(before?.injectedAt === undefined ? {} : { injectedAt: before.injectedAt }) };
    if (event.kind === 'inject') faults.set(fault, { ...base, state: 'in', injectedAt: event.at });
    else if (event.kind === 'verified') faults.set(fault, { ...base, state: 'verified' });
    else if (event.kind === 'rollback') faults.set(fault, { ...base, state: 'out', revertedAt: event.at });
    else faults.set(fault, { ...base, state: 'rollback-failed' });
  }
  return [...faults.values()];
}
