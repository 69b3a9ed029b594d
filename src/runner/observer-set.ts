import type { AssertionContext } from '../assertions/assertion-context.ts';
import type { AwsClients } from '../aws/aws-clients.ts';
import type { LoadEngine, LoadSummary } from '../load/load-engine.ts';
import { startDnsProber } from '../observers/dns-prober.ts';
import { startHealthCheckPoller } from '../observers/health-check-poller.ts';
import { describeReason } from '../util/describe-reason.ts';
import { startAlarmGuard } from './alarm-guard.ts';
import { startErrorRateGuard } from './error-rate-guard.ts';
import { buildLoadPlan } from './load-plan.ts';
import { DEFAULT_AWS_HEALTH_POLL_MS } from './observed-context.ts';
import { startIdentification } from './region-identification.ts';
import type { RunScope } from './run-scope.ts';

export interface ObserverStart {
  readonly engine: LoadEngine;
  /** The run's report directory, where engines keep raw evidence (k6's NDJSON). */
  readonly runDir: string | undefined;
  readonly context: AssertionContext;
}

/**
 * Everything that watches a run (load, region identifier, DNS prober, health poller) and the
 * guards that stop it on a breach, started together and stopped together. They keep running
 * through an abort and its rollback, so the evidence shows the rollback taking effect.
 */
export class ObserverSet {
  readonly #clients: AwsClients;
  readonly #stopping = new AbortController();
  #load: Promise<LoadSummary | undefined> = Promise.resolve(undefined);
  /** Observers, and the alarm guard: each may have a call in flight that stopping must wait for. */
  readonly #watchers: { stop(): Promise<void> }[] = [];
  /** Guards that judge the samples; stopped first, before the load stops. */
  readonly #guards: { stop(): void }[] = [];

  constructor(clients: AwsClients) {
    this.#clients = clients;
  }

  /**
   * Starts every observer the drill needs. Each joins the set as it starts, so one that fails
   * to start leaves the others to `stop()`.
   */
  async start(scope: RunScope, options: ObserverStart): Promise<void> {
    const { drill, environment, timeline, observed, log } = scope;
    const signal = this.#stopping.signal;
    const plan = buildLoadPlan(drill, environment, options.runDir);
    this.#load = options.engine.run(plan, (sample) => timeline.samples.push(sample), signal).catch((error: unknown) => {
      log(`load engine stopped: ${describeReason(error)}`);
      return undefined;
    });
    const identifying = startIdentification(environment, observed, (mapping) => timeline.addressMappings?.push(mapping), signal);
    this.#watchers.push(identifying);
    // Answers probed before the first resolution would read as unknown addresses.
    await identifying.ready;
    const context = options.context;
    this.#watchers.push(
      startDnsProber({
        names: observed.map((name) => ({ service: name, name: environment.services[name]?.recordName ?? name })),
        resolvers: [...new Set([...(context.resolverSets?.['listed'] ?? []), ...(context.resolverSets?.['authoritative'] ?? [])])],
        ...(environment.vantagePoints === undefined ? {} : { vantagePoints: environment.vantagePoints }),
        identify: (addresses, cnames) => identifying.identifyFresh(addresses, cnames),
        intervalMs: drill.probes.dnsInterval,
        onObservation: (observation) => timeline.dns.push(observation),
        signal,
      }),
    );
    const unreadable = new Set<string>();
    this.#watchers.push(
      startHealthCheckPoller({
        route53: scope.clients.route53(),
        healthCheckIds: [...new Set(observed.flatMap((name) => Object.values(environment.services[name]?.healthChecks ?? {})))],
        intervalMs: context.healthPollIntervalMs ?? DEFAULT_AWS_HEALTH_POLL_MS,
        timeScale: environment.timeScale ?? 1,
        onObservation: (observation) => timeline.health.push(observation),
        onError: (error, healthCheckId) => {
          // Once per check: a poller that cannot read a check says so, and the drill goes on.
          if (unreadable.has(healthCheckId)) return;
          unreadable.add(healthCheckId);
          log(`health poller   cannot read ${healthCheckId}: ${describeReason(error)}`);
        },
        signal,
      }),
    );
    this.#startGuards(scope);
  }

  /**
   * Stops every observer and guard; resolves with the load engine's summary once all have
   * settled. Calls blocked on a silent control plane are cut short with `why`, or they would
   * hold the end of the run until their deadlines.
   */
  stop(why: string): Promise<LoadSummary | undefined> {
    // A guard must not fire on the quiet that stopping the load causes.
    for (const guard of this.#guards) guard.stop();
    this.#stopping.abort();
    this.#clients.interrupt(why);
    return Promise.all([this.#load, ...this.#watchers.map((watcher) => watcher.stop())]).then(([summary]) => summary);
  }

  #startGuards(scope: RunScope): void {
    const { drill, timeline, stop } = scope;
    const stopOnErrorRate = drill.guardrails.stopOnErrorRate;
    if (stopOnErrorRate !== undefined) {
      this.#guards.push(
        startErrorRateGuard({
          samples: timeline.samples,
          maxErrorRate: stopOnErrorRate.maxErrorRate,
          windowMs: stopOnErrorRate.window,
          graceMs: stopOnErrorRate.grace,
          onBreach: (why) => stop.abort(new Error(why)),
        }),
      );
    }
    const stopOnAlarms = drill.guardrails.stopOnAlarms;
    if (stopOnAlarms !== undefined) {
      // Watches the baseline too: an alarm that trips before injection stops the run before it.
      this.#watchers.push(
        startAlarmGuard({
          clients: scope.clients,
          environment: scope.environment,
          alarms: stopOnAlarms,
          intervalMs: drill.guardrails.alarmPollInterval,
          onBreach: (why) => stop.abort(new Error(why)),
          onError: (error) => scope.log(`alarm guard     ${error.message}`),
          signal: this.#stopping.signal,
        }),
      );
    }
  }
}
