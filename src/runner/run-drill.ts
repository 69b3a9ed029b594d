import { hostname, userInfo } from 'node:os';
import { evaluateAssertions } from '../assertions/assertion-spec.ts';
import { measureHeadlineFigures } from '../assertions/headline-figures.ts';
import { checkSteadyState, DEFAULT_STEADY_STATE, type SteadyStateOptions } from '../assertions/steady-state.ts';
import type { Verdict } from '../assertions/verdict.ts';
import { startHealthCheckPoller } from '../observers/health-check-poller.ts';
import type { AssertionContext } from '../assertions/assertion-context.ts';
import { AwsClients } from '../aws/aws-clients.ts';
import type { Drill } from '../drill/drill-schema.ts';
import type { Environment } from '../drill/environment.ts';
import { homeRegion } from '../drill/environment.ts';
import { observedServices } from '../drill/observed-services.ts';
import { InvalidInputError } from '../drill/invalid-input-error.ts';
import { collectGitRevision } from '../evidence/git-revision.ts';
import { collectOperatorIdentity } from '../evidence/operator-identity.ts';
import { TargetNotFoundError, type InjectorDeps, type PlannedChange } from '../injectors/injector.ts';
import type { LoadEngine, LoadPlan, LoadSummary } from '../load/load-engine.ts';
import { serviceLoadTarget, type ServiceLoadTarget } from '../load/service-load-target.ts';
import { SampleStore } from '../load/sample-store.ts';
import { startDnsProber } from '../observers/dns-prober.ts';
import { checkRegionsIdentifiable, startIdentification } from './region-identification.ts';
import { faultName } from '../drill/fault-name.ts';
import { runTotals } from '../reporters/run-totals.ts';
import { buildRunSeries } from '../reporters/series.ts';
import { abortableSleep } from './abortable-sleep.ts';
import { DeadMansSwitch } from './dead-mans-switch.ts';
import { FaultController, type RollbackFailure } from './fault-controller.ts';
import { drillReferenceProblems } from './drill-references.ts';
import { planFaults } from './plan-faults.ts';
import type { ProcessIdentity } from './process-identity.ts';
import { Journal } from './journal.ts';
import { LockHeldError } from './lock-held-error.ts';
import { acquireTargetLocks, lockTargets, type TargetLocks } from './target-lock.ts';
import { checkAccountGuardrails } from './account-guardrails.ts';
import { findMissingEnvironmentIds, missingTargetInput } from './check-environment-ids.ts';
import { startErrorRateGuard } from './error-rate-guard.ts';
import { checkAlarmsClear, startAlarmGuard } from './alarm-guard.ts';
import { AlarmInAlarmError } from './alarm-in-alarm-error.ts';
import { StopAlarmNotFoundError } from './stop-alarm-not-found-error.ts';
import { RunDeclinedError } from './run-declined-error.ts';
import { SteadyStateError } from './steady-state-error.ts';
import { newRunId } from './run-id.ts';
import {
  EXIT_CODES,
  type ControlPlaneCallRecord,
  type RunEvidence,
  type RunOutcome,
  type RunRecord,
  type StateSnapshot,
} from './run-record.ts';
import type { FaultEvent, PhaseName, Timeline } from './timeline.ts';
import { TOOL_VERSION } from './tool-version.ts';
import { clientCohortsOf, DEFAULT_AWS_HEALTH_POLL_MS, observedContext, pinnedRegionsByAddress, unreadContext } from './observed-context.ts';

export interface RunDrillOptions {
  readonly drill: Drill;
  readonly file: string;
  readonly environment: Environment;
  /**
   * Where the environment came from, for bad-input messages about its fields: the environment
   * file's path, or a phrase for the sandbox. Default `environment "<name>"`.
   */
  readonly environmentSource?: string;
  readonly engine: LoadEngine;
  /** Where journals live (see `defaultStateDir`). */
  readonly stateDir: string;
  /** For a sandbox environment: the process its state lives in, journaled for recover. */
  readonly sandboxProcess?: ProcessIdentity;
  /** Aborts the run (Ctrl-C, SIGTERM, a guardrail); faults are still rolled back. */
  readonly signal: AbortSignal;
  /**
   * Subscribes to every signal the run receives, including those after `signal` aborted: each
   * one cuts the control-plane calls in flight short, so a rollback blocked on a silent control
   * plane goes on with its next attempt at once. Returns the unsubscribe.
   */
  readonly onSignal?: (listener: (why: string) => void) => () => void;
  /** Progress lines for people; the CLI prints them. */
  readonly log?: (line: string) => void;
  readonly runId?: string;
  /** The run's report directory, where engines keep raw evidence (k6's NDJSON). */
  readonly runDir?: string;
  /** Why this engine was chosen (`--load auto` says), for the record. */
  readonly engineNote?: string;
  /**
   * Asked with the live plan before anything changes; resolve false to stop (RunDeclinedError),
   * throw InvalidInputError when confirmation is required but cannot be asked (no TTY, no --yes).
   */
  readonly confirm?: (changes: readonly PlannedChange[], environment: Environment) => Promise<boolean>;
}

export interface DrillRun {
  readonly record: RunRecord;
  readonly samples: SampleStore;
  readonly rollbackFailures: readonly RollbackFailure[];
}

/** A lock outlives everything else a run can do by this much (slow rollbacks, retries). */
const LOCK_SLACK_MS = 5 * 60_000;

/** Margin on top of the planned phases before the load engine stops by itself regardless. */
const LOAD_SLACK_MS = 10_000;

/**
 * Runs one drill: baseline → fault → recovery → failback → settle, with load and DNS probes
 * running throughout and every observation landing on one Timeline. Rollback runs whatever
 * happens after the first intent is journaled: success, failed verdicts, exceptions, aborts.
 *
 * Throws InvalidInputError (nothing was changed) when a target does not exist; every other
 * outcome is a RunRecord.
 */
export async function runDrill(options: RunDrillOptions): Promise<DrillRun> {
  const { drill, environment } = options;
  const log = options.log ?? (() => {});
  // One signal for "stop the drill now": the caller's (Ctrl-C, SIGTERM) or a guardrail's.
  const guardrailStop = new AbortController();
  const signal = AbortSignal.any([options.signal, guardrailStop.signal]);
  let abortedAt: number | undefined;
  signal.addEventListener(
    'abort',
    () => {
      abortedAt = Date.now();
      log(`stopping        ${describeReason(signal.reason)}`);
    },
    { once: true },
  );
  const runId = options.runId ?? newRunId(drill.name);
  // Every reference checked, and two faults on one target refused, before any call at all.
  const problems = drillReferenceProblems(drill, environment);
  if (problems.length > 0 || environment.services[drill.service] === undefined) throw new InvalidInputError(options.file, problems);
  const observed = observedServices(drill);

  const calls: ControlPlaneCallRecord[] = [];
  const clients = AwsClients.forEnvironment(environment, (call) => calls.push(call));
  // Whatever was waiting on the control plane when the run was told to stop stops waiting.
  signal.addEventListener('abort', () => clients.interrupt(describeReason(signal.reason)), { once: true });
  const unsubscribe = options.onSignal?.((why) => clients.interrupt(why));
  let operator: RunEvidence['operator'];
  let before: StateSnapshot | undefined;
  let after: StateSnapshot | undefined;
  const deps = { environment, clients, defaultService: drill.service };

  const timeline: Timeline = {
    startedAt: Date.now(),
    endedAt: 0,
    phases: [],
    faults: [],
    dns: [],
    health: [],
    samples: new SampleStore(),
    regionsByAddress: pinnedRegionsByAddress(environment, observedServices(drill)),
    addressMappings: [],
  };
  const onFault = (event: FaultEvent): void => {
    timeline.faults.push(event);
    log(`${event.kind.padEnd(15)} ${event.target}${event.requestIds.length > 0 ? ` (request ${event.requestIds.join(', ')})` : ''}${event.detail === undefined ? '' : `: ${event.detail}`}`);
  };

  let journal: Journal | undefined;
  let locks: TargetLocks | undefined;
  let controller: FaultController | undefined;
  let outcome: RunOutcome | undefined;
  let reason: string | undefined;
  let rollbackFailures: RollbackFailure[] = [];
  const stopObservers = new AbortController();
  let loadDone: Promise<LoadSummary | undefined> = Promise.resolve(undefined);
  let prober: { stop(): Promise<void> } | undefined;
  let identifier: { stop(): Promise<void> } | undefined;
  let poller: { stop(): Promise<void> } | undefined;
  let steadyStateVerdict: Verdict | undefined;
  let guard: { stop(): void } | undefined;
  let alarmGuard: { stop(): Promise<void> } | undefined;
  // Filled in preflight; the fallback serves a run refused before it got that far.
  let context: AssertionContext = unreadContext(drill, environment);
  let faultDeadline: NodeJS.Timeout | undefined;
  const maxFaultMs = drill.guardrails.maxFaultDuration ?? drill.phases.verifyTimeout + drill.phases.recovery + 60_000;

  try {
    // Preflight: the right account, then every target read live. A missing target is bad input,
    // and nothing was touched.
    if (environment.kind === 'aws') {
      const identity = await checkAccountGuardrails(environment, clients);
      operator = identity;
      log(`identity        ${identity.arn} (account ${identity.account})`);
    } else {
      operator = await collectOperatorIdentity(clients.sts(homeRegion(environment)));
    }
    // Every id the environment names for this drill is read before anything changes: one that
    // does not exist is the environment's bad input, named by its field.
    const environmentSource = options.environmentSource ?? `environment "${environment.name}"`;
    const missing = await findMissingEnvironmentIds(drill, environment, clients);
    if (missing.length > 0) throw new InvalidInputError(environmentSource, missing.map((id) => `${id.field}: ${id.problem}`));
    await checkRegionsIdentifiable(environment, observed, environmentSource, signal);
    let planned: PlannedChange[];
    try {
      planned = await planFaults(drill.faults, deps);
    } catch (error) {
      if (error instanceof TargetNotFoundError) throw missingTargetInput(error, { environment, environmentSource, drillFile: options.file });
      throw error;
    }
    for (const change of planned) log(`plan            ${change.target}: ${change.field} ${change.from} → ${change.to}`);
    before = snapshotOf(planned);
    context = await observedContext(drill, environment, clients, log);
    const stopOnAlarms = drill.guardrails.stopOnAlarms;
    if (stopOnAlarms !== undefined) {
      try {
        for (const reading of await checkAlarmsClear({ clients, environment, alarms: stopOnAlarms, signal })) {
          log(`stop alarm      "${reading.alarm.name}" in ${reading.alarm.region}: ${reading.state}`);
        }
      } catch (error) {
        // A misspelt alarm is bad input; one already in ALARM is a guardrail refusing the run (below).
        if (error instanceof StopAlarmNotFoundError) throw new InvalidInputError(options.file, error.problems);
        throw error;
      }
    }
    if (options.confirm !== undefined && !(await options.confirm(planned, environment))) {
      throw new RunDeclinedError('the plan was not confirmed; nothing was changed');
    }

    journal = await Journal.create(options.stateDir, {
      runId,
      drill: drill.name,
      file: options.file,
      environment,
      defaultService: drill.service,
      ...(options.sandboxProcess === undefined ? {} : { sandboxProcess: options.sandboxProcess }),
    });
    const deadMansSwitch = new DeadMansSwitch(deps, runId);
    locks = await lockTheTargets(journal, planned, {
      runId,
      drill: drill.name,
      owner: operator !== undefined && 'arn' in operator ? operator.arn : `${userInfo().username}@${hostname()}`,
      // Held until the last revert anyone could make: the run's phases, the longest the fault may
      // stay, and the dead-man's switch after it, with room for a slow rollback.
      ttlMs: drill.phases.baseline + maxFaultMs + deadMansSwitch.settings.marginMs + drill.phases.settle + LOCK_SLACK_MS,
      deps,
    });
    if (!deadMansSwitch.settings.enabled) {
      log(`WARNING         the dead-man's switch is off in environment "${environment.name}": if drdrill is killed, its faults stay in until "drdrill recover"`);
    }
    controller = new FaultController({
      deps,
      journal,
      onEvent: onFault,
      deadMansSwitch,
      // The runner's own deadline comes first; the switch only steps in once that (and rollback) had its chance.
      revertAfterMs: maxFaultMs + deadMansSwitch.settings.marginMs,
      warn: (line) => log(`WARNING         ${line}`),
    });

    const loadPlan = buildLoadPlan(drill, environment, options.runDir);
    loadDone = options.engine
      // Load keeps running through an abort, so the evidence shows the rollback taking effect.
      .run(loadPlan, (sample) => timeline.samples.push(sample), stopObservers.signal)
      .catch((error: unknown) => {
        log(`load engine stopped: ${error instanceof Error ? error.message : String(error)}`);
        return undefined;
      });
    const identifying = startIdentification(environment, observed, (mapping) => timeline.addressMappings?.push(mapping), stopObservers.signal);
    identifier = identifying;
    // Answers probed before the first resolution would read as unknown addresses.
    await identifying.ready;
    prober = startDnsProber({
      names: observed.map((name) => ({ service: name, name: environment.services[name]?.recordName ?? name })),
      resolvers: [...new Set([...(context.resolverSets?.['listed'] ?? []), ...(context.resolverSets?.['authoritative'] ?? [])])],
      ...(environment.vantagePoints === undefined ? {} : { vantagePoints: environment.vantagePoints }),
      identify: (addresses, cnames) => identifying.identifyFresh(addresses, cnames),
      intervalMs: drill.probes.dnsInterval,
      onObservation: (observation) => timeline.dns.push(observation),
      signal: stopObservers.signal,
    });
    const unreadable = new Set<string>();
    poller = startHealthCheckPoller({
      route53: clients.route53(),
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
      signal: stopObservers.signal,
    });

    const stopOnErrorRate = drill.guardrails.stopOnErrorRate;
    if (stopOnErrorRate !== undefined) {
      guard = startErrorRateGuard({
        samples: timeline.samples,
        maxErrorRate: stopOnErrorRate.maxErrorRate,
        windowMs: stopOnErrorRate.window,
        graceMs: stopOnErrorRate.grace,
        onBreach: (why) => guardrailStop.abort(new Error(why)),
      });
    }

    if (stopOnAlarms !== undefined) {
      // Watches the baseline too: an alarm that trips before injection stops the run before it.
      alarmGuard = startAlarmGuard({
        clients,
        environment,
        alarms: stopOnAlarms,
        intervalMs: drill.guardrails.alarmPollInterval,
        onBreach: (why) => guardrailStop.abort(new Error(why)),
        onError: (error) => log(`alarm guard     ${error.message}`),
        signal: stopObservers.signal,
      });
    }

    const mark = (phase: PhaseName): void => {
      timeline.phases.push({ phase, at: Date.now() });
      log(`phase           ${phase}`);
    };

    mark('baseline');
    if (await abortableSleep(drill.phases.baseline, signal)) {
      // A drill on a system that is already failing proves nothing: check before injecting.
      const spec = drill.assertions.find((a): a is SteadyStateOptions => a.assertion === 'steady-state') ?? DEFAULT_STEADY_STATE;
      const steady = checkSteadyState(timeline, spec, context, { until: Date.now() });
      log(`steady state    ${steady.status}: ${steady.observed}`);
      if (steady.status !== 'passed') {
        steadyStateVerdict = steady;
        throw new SteadyStateError(`the steady state did not hold before injection, so nothing was injected: ${steady.observed}`);
      }
      // Read once more right before injecting: the guard's last poll may be up to an interval old.
      if (stopOnAlarms !== undefined) await checkAlarmsClear({ clients, environment, alarms: stopOnAlarms, signal });
      mark('fault');
      faultDeadline = setTimeout(
        () => guardrailStop.abort(new Error(`the fault reached its maximum duration of ${maxFaultMs} ms`)),
        maxFaultMs,
      );
      const faultPhaseAt = Date.now();
      for (const [index, fault] of drill.faults.entries()) {
        // A staggered fault (a cascade's next hop) waits for its moment, load and probes running.
        if (fault.after !== undefined && !(await abortableSleep(Math.max(0, faultPhaseAt + fault.after - Date.now()), signal))) break;
        if (signal.aborted) break;
        await controller.inject(fault, faultName(fault, index));
      }
      if (!signal.aborted) {
        const verifySignal = AbortSignal.any([signal, AbortSignal.timeout(drill.phases.verifyTimeout)]);
        try {
          await controller.verifyAll(verifySignal);
        } catch (error) {
          if (!signal.aborted) throw new Error(`fault did not become observable within ${drill.phases.verifyTimeout} ms`, { cause: error });
        }
      }
      if (!signal.aborted) {
        mark('recovery');
        await abortableSleep(drill.phases.recovery, signal);
      }
    }
  } catch (error) {
    if (error instanceof InvalidInputError || error instanceof RunDeclinedError || error instanceof LockHeldError) {
      guard?.stop();
      stopObservers.abort();
      clients.interrupt('the drill was refused');
      unsubscribe?.();
      await Promise.all([loadDone, prober?.stop(), identifier?.stop(), poller?.stop(), alarmGuard?.stop()]);
      clients.destroy();
      throw error;
    }
    outcome = 'aborted';
    reason = error instanceof SteadyStateError || error instanceof AlarmInAlarmError ? error.message : `drill failed: ${error instanceof Error ? error.message : String(error)}`;
    log(reason);
  } finally {
    clearTimeout(faultDeadline);
    // The one thing that must always happen once anything may have been changed.
    if (controller !== undefined && journal !== undefined) {
      if (controller.activeCount > 0) {
        timeline.phases.push({ phase: 'failback', at: Date.now() });
        log('phase           failback');
      }
      rollbackFailures = await controller.rollbackAll();
      // Read every target again, live: the evidence that rollback restored what was there.
      try {
        after = snapshotOf(await planFaults(drill.faults, deps));
      } catch (error) {
        log(`could not read targets back after rollback: ${describeReason(error)}`);
      }
      if (rollbackFailures.length === 0) {
        await releaseLocks(locks, journal, log);
        await journal.close(outcome ?? 'rolled-back');
      } else {
        // A target still faulted stays locked: no other drill should start on it. recover releases it.
        await journal.abandon();
      }
    }
  }

  if (signal.aborted && outcome === undefined) {
    outcome = 'aborted';
    reason = `aborted: ${describeReason(signal.reason)}`;
  }
  if (rollbackFailures.length === 0 && outcome === undefined) {
    timeline.phases.push({ phase: 'settle', at: Date.now() });
    log('phase           settle');
    await abortableSleep(drill.phases.settle, signal);
    if (signal.aborted) {
      outcome = 'aborted';
      reason = `aborted: ${describeReason(signal.reason)}`;
    }
  }

  guard?.stop();
  stopObservers.abort();
  // An observer's call blocked on a silent control plane would hold the end of the run until its deadline.
  clients.interrupt('the drill is over');
  unsubscribe?.();
  const [loadSummary] = await Promise.all([loadDone, prober?.stop(), identifier?.stop(), poller?.stop(), alarmGuard?.stop()]);
  clients.destroy();
  timeline.endedAt = Date.now();
  for (const note of loadSummary?.notes ?? []) log(`load            ${note}`);

  const gitRevision = collectGitRevision();
  const verdicts = [
    // The steady-state check that stopped the drill is part of the verdict, unless the drill names
    // its own (evaluated again below, over the same window).
    ...(steadyStateVerdict !== undefined && !drill.assertions.some((a) => a.assertion === 'steady-state') ? [steadyStateVerdict] : []),
    ...(await evaluateAssertions(timeline, drill.assertions, context)),
  ];
  if (rollbackFailures.length > 0) {
    outcome = 'rollback-failed';
    reason = rollbackFailures.map(describeRollbackFailure).join('\n');
  }
  outcome ??= verdicts.every((verdict) => verdict.status === 'passed') ? 'passed' : 'failed';

  const record: RunRecord = {
    schemaVersion: 1,
    runId,
    tool: { name: 'drdrill', version: TOOL_VERSION },
    drill: { name: drill.name, description: drill.description, file: options.file, definition: drill },
    environment: {
      name: environment.name,
      kind: environment.kind,
      accountId: environment.accountId,
      regions: environment.regions,
      services: Object.fromEntries(observed.map((name) => [name, { routing: environment.services[name]?.routing ?? 'failover', regions: environment.services[name]?.regions ?? [] }])),
    },
    engine: options.engine.name,
    load: {
      ...(options.engineNote === undefined ? {} : { note: options.engineNote }),
      ...(loadSummary === undefined ? {} : { summary: loadSummary }),
    },
    startedAt: timeline.startedAt,
    endedAt: timeline.endedAt,
    outcome,
    exitCode: EXIT_CODES[outcome],
    ...(reason === undefined ? {} : { reason }),
    ...(abortedAt === undefined ? {} : { abortedAt }),
    phases: timeline.phases,
    faults: timeline.faults,
    dns: timeline.dns,
    health: timeline.health,
    regionsByAddress: timeline.regionsByAddress,
    ...(timeline.addressMappings === undefined || timeline.addressMappings.length === 0 ? {} : { addressMappings: timeline.addressMappings }),
    series: buildRunSeries(timeline.samples, timeline.startedAt, timeline.endedAt, 1000),
    totals: runTotals(timeline.samples),
    // Each figure is stored once, in `figures`: the verdicts keep their words, not a second copy.
    verdicts: verdicts.map(({ figures: _lifted, ...verdict }) => verdict),
    figures: measureHeadlineFigures(timeline, verdicts, context),
    hostname: hostname(),
    evidence: {
      ...(gitRevision === undefined ? {} : { gitRevision }),
      ...(operator === undefined ? {} : { operator }),
      calls,
      snapshots: { ...(before === undefined ? {} : { before }), ...(after === undefined ? {} : { after }) },
    },
  };
  return { record, samples: timeline.samples, rollbackFailures };
}

/** The load a drill offers in an environment: rate, duration and bounds from its phases, each service's URL. */
export function buildLoadPlan(drill: Drill, environment: Environment, runDir: string | undefined): LoadPlan {
  const urlOf = (serviceName: string): ServiceLoadTarget => {
    const service = environment.services[serviceName];
    if (service === undefined) {
      throw new InvalidInputError('drill', [
        `load.services: "${serviceName}" is not defined in environment "${environment.name}" (it defines: ${Object.keys(environment.services).join(', ')})`,
      ]);
    }
    return serviceLoadTarget(service, drill.load.path);
  };
  const main = urlOf(drill.service);
  const ramp = drill.load.ramp?.map((stage) => ({ target: stage.target, durationMs: stage.duration }));
  const peakRate = Math.max(drill.load.rate, ...(ramp ?? []).map((stage) => stage.target));
  const phasesMs = drill.phases.baseline + drill.phases.verifyTimeout + drill.phases.recovery + drill.phases.settle;
  const durationMs = phasesMs + LOAD_SLACK_MS;
  const extraServices = (drill.load.services ?? []).filter((name) => name !== drill.service);
  const clients = clientCohortsOf(drill, environment);
  return {
    url: main.url,
    rate: drill.load.rate,
    durationMs,
    // A second bound besides time; with several targets it caps each one.
    maxRequests: Math.ceil((peakRate * durationMs) / 1000) + 1,
    timeoutMs: drill.load.timeout,
    ...(environment.loadResolver === undefined ? {} : { resolver: environment.loadResolver }),
    regionHeader: main.regionHeader,
    target: drill.service,
    ...(main.request === undefined ? {} : { request: main.request }),
    keepAlive: drill.load.keepAlive,
    dnsTtl: drill.load.dnsTtl,
    ...(ramp === undefined ? {} : { ramp }),
    ...(runDir === undefined ? {} : { runDir }),
    ...(drill.load.thresholds === undefined ? {} : { thresholds: drill.load.thresholds }),
    ...(drill.load.k6 === undefined || drill.load.k6.instances === 1 ? {} : { k6Instances: drill.load.k6.instances }),
    ...(clients === undefined ? {} : { clients }),
    ...(extraServices.length === 0
      ? {}
      : {
          targets: [drill.service, ...extraServices].map((name) => ({
            name,
            ...urlOf(name),
            ...(ramp === undefined ? {} : { ramp }),
          })),
        }),
  };
}

/** The value each planned change would change from, as read live: the state before (or after) the drill. */
function snapshotOf(changes: readonly PlannedChange[]): StateSnapshot {
  return { at: Date.now(), items: changes.map((change) => ({ target: change.target, field: change.field, value: change.from })) };
}


/**
 * Takes the targets' locks, journaling their names first (so recover can release them whatever
 * happens next). A refusal closes the journal, since the run never started: nothing to recover.
 */
async function lockTheTargets(
  journal: Journal,
  planned: readonly PlannedChange[],
  options: {
    readonly runId: string;
    readonly drill: string;
    readonly owner: string;
    readonly ttlMs: number;
    readonly deps: Pick<InjectorDeps, 'environment' | 'clients'>;
  },
): Promise<TargetLocks> {
  // One region for every run's locks, or runs would not see each other's.
  const { environment, clients } = options.deps;
  const region = homeRegion(environment);
  const targets = planned.map((change) => change.target);
  await journal.locked(region, [...lockTargets(targets).keys()]);
  try {
    return await acquireTargetLocks({
      ssm: clients.ssm(region),
      region,
      targets,
      holder: { runId: options.runId, drill: options.drill, owner: options.owner },
      ttlMs: options.ttlMs,
      deps: options.deps,
    });
  } catch (error) {
    // acquireTargetLocks released whatever it had taken before failing.
    await journal.unlocked();
    await journal.close(error instanceof LockHeldError ? 'refused: target locked' : 'refused: could not lock the targets');
    throw error;
  }
}

async function releaseLocks(locks: TargetLocks | undefined, journal: Journal, log: (line: string) => void): Promise<void> {
  if (locks === undefined) return;
  try {
    await locks.release();
    await journal.unlocked();
  } catch (error) {
    // The journal keeps the names: recover releases them, and they expire in any case.
    log(`WARNING         could not release the target locks (${locks.names.join(', ')}): ${describeReason(error)}; "drdrill recover" releases them`);
  }
}

function describeRollbackFailure(failure: RollbackFailure): string {
  const lines = [`${failure.target}: ${failure.error}`, '  undo by hand:', ...failure.manualUndo.map((line) => `    ${line}`)];
  if (failure.armed.length > 0) {
    const deadline = new Date(Math.max(...failure.armed.map((revert) => revert.deadline))).toISOString();
    lines.push(
      `  the dead-man's switch still reverts it at ${deadline} unless stopped (${failure.armed.map((r) => `${r.executionId} in ${r.region}`).join(', ')})`,
    );
  }
  return lines.join('\n');
}

function describeReason(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  return String(reason);
}
