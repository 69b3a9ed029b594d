import { AwsClients } from '../aws/aws-clients.ts';
import type { Drill } from '../drill/drill-schema.ts';
import type { Environment } from '../drill/environment.ts';
import { InvalidInputError } from '../drill/invalid-input-error.ts';
import { observedServices } from '../drill/observed-services.ts';
import type { InjectorDeps } from '../injectors/injector.ts';
import { SampleStore } from '../load/sample-store.ts';
import { describeReason } from '../util/describe-reason.ts';
import { drillReferenceProblems } from './drill-references.ts';
import { pinnedRegionsByAddress } from './region-identification.ts';
import type { ControlPlaneCallRecord } from './run-record.ts';
import { newRunId } from './run-id.ts';
import { RunStop } from './run-stop.ts';
import type { Approver } from './live-run.ts';
import { unanswerableApprovals } from './unanswerable-approvals.ts';
import { PHASES, type FaultEvent, type PhaseName, type Timeline } from './timeline.ts';

/** What every part of one run shares: the drill, its clients, its stop signal and the Timeline everything lands on. */
export interface RunScope {
  readonly drill: Drill;
  readonly environment: Environment;
  /** The drill file, for bad-input messages and the record. */
  readonly file: string;
  readonly runId: string;
  readonly log: (line: string) => void;
  readonly stop: RunStop;
  readonly clients: AwsClients;
  /** Every control-plane call of the run, in order: the evidence trail. */
  readonly calls: readonly ControlPlaneCallRecord[];
  readonly deps: InjectorDeps;
  /** The services the drill loads, probes and judges. */
  readonly observed: readonly string[];
  readonly timeline: Timeline;
  /** Marks the start of a phase on the Timeline and says so; a phase already reached (or passed) is not marked again. */
  mark(phase: PhaseName): void;
  /** Records an injector's event on the Timeline and says so. */
  onFault(event: FaultEvent): void;
  /** Stops passing the caller's signals on to the clients' calls in flight. */
  unsubscribe(): void;
}

export interface RunScopeOptions {
  readonly drill: Drill;
  readonly file: string;
  readonly environment: Environment;
  readonly signal: AbortSignal;
  readonly onSignal?: (listener: (why: string) => void) => () => void;
  readonly log?: (line: string) => void;
  readonly runId?: string;
  /** Who answers approve steps; a drill with one nobody can answer is refused here. */
  readonly approver?: Approver;
}

/**
 * Opens a run: every drill reference checked (two faults on one target refused) before any call
 * at all, then the clients and the empty Timeline. Throws InvalidInputError; nothing was called.
 */
export function openRunScope(options: RunScopeOptions): RunScope {
  const { drill, environment } = options;
  const log = options.log ?? (() => {});
  const stop = new RunStop(options.signal, log);
  const runId = options.runId ?? newRunId(drill.name);
  const problems = [...drillReferenceProblems(drill, environment), ...unanswerableApprovals(drill, options.approver)];
  if (problems.length > 0 || environment.services[drill.service] === undefined) throw new InvalidInputError(options.file, problems);
  const observed = observedServices(drill);

  const calls: ControlPlaneCallRecord[] = [];
  const clients = AwsClients.forEnvironment(environment, (call) => calls.push(call));
  // Whatever was waiting on the control plane when the run was told to stop stops waiting.
  stop.signal.addEventListener('abort', () => clients.interrupt(describeReason(stop.signal.reason)), { once: true });
  const unsubscribe = options.onSignal?.((why) => clients.interrupt(why));

  const timeline: Timeline = {
    startedAt: Date.now(),
    endedAt: 0,
    phases: [],
    faults: [],
    dns: [],
    health: [],
    samples: new SampleStore(),
    regionsByAddress: pinnedRegionsByAddress(environment, observed),
    addressMappings: [],
    steps: [],
    approvals: [],
    notes: [],
  };
  return {
    drill,
    environment,
    file: options.file,
    runId,
    log,
    stop,
    clients,
    calls,
    deps: { environment, clients, defaultService: drill.service },
    observed,
    timeline,
    mark(phase) {
      // Phases only move forward: a mark for this phase or a later one ends the question.
      if (timeline.phases.some((mark) => PHASES.indexOf(mark.phase) >= PHASES.indexOf(phase))) return;
      timeline.phases.push({ phase, at: Date.now() });
      log(`phase           ${phase}`);
    },
    onFault(event) {
      timeline.faults.push(event);
      log(`${event.kind.padEnd(15)} ${event.target}${event.requestIds.length > 0 ? ` (request ${event.requestIds.join(', ')})` : ''}${event.detail === undefined ? '' : `: ${event.detail}`}`);
    },
    unsubscribe: () => unsubscribe?.(),
  };
}
