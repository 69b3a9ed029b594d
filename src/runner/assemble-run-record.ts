import { hostname } from 'node:os';
import { evaluateAssertions } from '../assertions/assertion-spec.ts';
import { markNotEvaluated } from '../assertions/not-evaluated.ts';
import type { Verdict } from '../assertions/verdict.ts';
import { collectGitRevision } from '../evidence/git-revision.ts';
import type { LoadSummary } from '../load/load-engine.ts';
import { judgedFields } from './judged-fields.ts';
import type { PreflightFindings } from './preflight.ts';
import { describeRollbackFailures, type RollbackResult } from './roll-back-run.ts';
import type { RunEnding } from './run-ending.ts';
import { EXIT_CODES, type RunOutcome, type RunRecord } from './run-record.ts';
import type { RunScope } from './run-scope.ts';
import { TOOL_VERSION } from './tool-version.ts';

/** Everything the run learned besides its Timeline, for its record. */
export interface RunResults {
  readonly findings: PreflightFindings;
  readonly ending: RunEnding | undefined;
  readonly rollback: RollbackResult;
  readonly loadSummary: LoadSummary | undefined;
  /** The verdicts of the drill's until steps, listed before its assertions'. */
  readonly stepVerdicts?: readonly Verdict[];
  /** The load engine's name, and why it was chosen (`--load auto` says). */
  readonly engine: { readonly name: string; readonly note?: string };
}

/**
 * Judges the finished Timeline and assembles run.json: the verdicts, the outcome they and the
 * rollback give, and (judgedFields) every headline figure computed once, for every output to read.
 */
export async function assembleRunRecord(scope: RunScope, results: RunResults): Promise<RunRecord> {
  const { drill, environment, timeline } = scope;
  const { findings, ending, rollback, loadSummary } = results;
  const judged = [...(results.stepVerdicts ?? []), ...(await judge(scope, findings, ending))];
  // An aborted run's verdicts say what it could judge; the rest are not evaluated, not failed.
  const stoppedAt = scope.stop.abortedAt ?? ending?.at;
  const verdicts = ending === undefined || stoppedAt === undefined ? judged : markNotEvaluated(judged, { at: stoppedAt, startedAt: timeline.startedAt });
  const { outcome, reason } = outcomeOf(verdicts, ending, rollback);
  const gitRevision = collectGitRevision();
  // Kept in run.json for every stopped run (a drill that threw too), so a re-judging can tell what was cut off.
  const abortedAt = stoppedAt;
  const services = environment.services;
  return {
    schemaVersion: 1,
    runId: scope.runId,
    tool: { name: 'drdrill', version: TOOL_VERSION },
    drill: { name: drill.name, description: drill.description, file: scope.file, definition: drill },
    environment: {
      name: environment.name,
      kind: environment.kind,
      accountId: environment.accountId,
      regions: environment.regions,
      services: Object.fromEntries(scope.observed.map((name) => [name, { routing: services[name]?.routing ?? 'failover', regions: services[name]?.regions ?? [] }])),
    },
    engine: results.engine.name,
    load: {
      ...(results.engine.note === undefined ? {} : { note: results.engine.note }),
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
    ...(timeline.steps.length === 0 ? {} : { steps: timeline.steps }),
    ...(timeline.approvals.length === 0 ? {} : { approvals: timeline.approvals }),
    ...(timeline.notes.length === 0 ? {} : { notes: timeline.notes }),
    dns: timeline.dns,
    health: timeline.health,
    regionsByAddress: timeline.regionsByAddress,
    ...(timeline.addressMappings === undefined || timeline.addressMappings.length === 0 ? {} : { addressMappings: timeline.addressMappings }),
    ...judgedFields(timeline, verdicts, findings.context),
    context: findings.context,
    hostname: hostname(),
    evidence: {
      ...(gitRevision === undefined ? {} : { gitRevision }),
      ...(findings.operator === undefined ? {} : { operator: findings.operator }),
      calls: scope.calls,
      snapshots: {
        ...(findings.before === undefined ? {} : { before: findings.before }),
        ...(rollback.after === undefined ? {} : { after: rollback.after }),
      },
    },
  };
}

async function judge(scope: RunScope, findings: PreflightFindings, ending: RunEnding | undefined): Promise<Verdict[]> {
  const assertions = scope.drill.assertions;
  const stoppedBySteadyState = ending?.steadyState;
  return [
    // The steady-state check that stopped the drill is part of the verdict, unless the drill names
    // its own (evaluated again below, over the same window).
    ...(stoppedBySteadyState !== undefined && !assertions.some((a) => a.assertion === 'steady-state') ? [stoppedBySteadyState] : []),
    ...(await evaluateAssertions(scope.timeline, assertions, findings.context)),
  ];
}

/** A failed rollback outweighs everything; then an abort; then the verdicts decide. */
function outcomeOf(verdicts: readonly Verdict[], ending: RunEnding | undefined, rollback: RollbackResult): { outcome: RunOutcome; reason?: string } {
  if (rollback.failures.length > 0) return { outcome: 'rollback-failed', reason: describeRollbackFailures(rollback.failures) };
  if (ending !== undefined) return { outcome: ending.outcome, reason: ending.reason };
  return { outcome: verdicts.every((verdict) => verdict.status === 'passed') ? 'passed' : 'failed' };
}
