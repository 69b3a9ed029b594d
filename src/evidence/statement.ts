import type { VerdictStatus } from '../assertions/verdict.ts';
import type { RunRecord, OperatorIdentity } from '../runner/run-record.ts';

/** The in-toto Statement layer, version 1. */
export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';

/** What a drdrill predicate is: the record of one drill run (this URI names its schema, version 1). */
export const DRILL_RUN_PREDICATE_TYPE = 'https://drdrill.dev/attestation/drill-run/v1';

/** The file beside the manifest holding the DSSE envelope (in-toto's JSON Lines bundle, one envelope). */
export const ATTESTATION_FILE = 'attestation.intoto.jsonl';

/** One file of the bundle, an in-toto ResourceDescriptor with the fields drdrill sets. */
export interface Subject {
  /** Path inside the run directory, `/`-separated. */
  readonly name: string;
  readonly digest: { readonly sha256: string };
}

/** One assertion's outcome, as the predicate summarises it (run.json, a subject, holds the rest). */
export interface VerdictSummaryItem {
  readonly assertion: string;
  readonly name: string;
  readonly status: VerdictStatus;
}

/**
 * What a drill run attests, beyond the digests: which drill ran where, by whom, from which code,
 * and how it ended. Figures are not repeated here: they live in run.json, which is a subject.
 */
export interface DrillRunPredicate {
  readonly runId: string;
  readonly drill: { readonly name: string; readonly file: string };
  readonly environment: RunRecord['environment'];
  readonly operator: OperatorIdentity | { readonly error: string } | null;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly verdict: {
    readonly outcome: RunRecord['outcome'];
    readonly exitCode: number;
    readonly passed: number;
    readonly failed: number;
    readonly errored: number;
    /** Verdicts an aborted run could not judge. */
    readonly notEvaluated: number;
    readonly assertions: readonly VerdictSummaryItem[];
  };
  readonly tool: RunRecord['tool'];
  /** `git rev-parse HEAD` of the tree the drill ran from (`+dirty` with local changes); null when unknown. */
  readonly gitRevision: string | null;
  /**
   * Manual approvals and operator notes taken during the run. This version of drdrill records
   * neither, so both are empty; when steps record them, they are copied here from the timeline.
   */
  readonly approvals: readonly never[];
  readonly notes: readonly never[];
}

export interface DrillRunStatement {
  readonly _type: typeof STATEMENT_TYPE;
  readonly subject: readonly Subject[];
  readonly predicateType: typeof DRILL_RUN_PREDICATE_TYPE;
  readonly predicate: DrillRunPredicate;
}

/** Thrown when a signed payload is not a drdrill run Statement (it verified, but says something else). */
export class StatementFormatError extends Error {
  override readonly name = 'StatementFormatError';
}

/** The Statement for a run whose files have the digests in `subjects`. */
export function drillRunStatement(record: RunRecord, subjects: readonly Subject[]): DrillRunStatement {
  const count = (status: VerdictSummaryItem['status']): number => record.verdicts.filter((v) => v.status === status).length;
  return {
    _type: STATEMENT_TYPE,
    subject: [...subjects].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    predicateType: DRILL_RUN_PREDICATE_TYPE,
    predicate: {
      runId: record.runId,
      drill: { name: record.drill.name, file: record.drill.file },
      environment: record.environment,
      operator: record.evidence?.operator ?? null,
      startedAt: new Date(record.startedAt).toISOString(),
      endedAt: new Date(record.endedAt).toISOString(),
      verdict: {
        outcome: record.outcome,
        exitCode: record.exitCode,
        passed: count('passed'),
        failed: count('failed'),
        errored: count('errored'),
        notEvaluated: count('not-evaluated'),
        assertions: record.verdicts.map((v) => ({ assertion: v.assertion, name: v.name, status: v.status })),
      },
      tool: record.tool,
      gitRevision: record.evidence?.gitRevision ?? null,
      approvals: [],
      notes: [],
    },
  };
}

/**
 * The subjects of a verified payload. Only what verification relies on is checked (type,
 * predicate type, each subject's name and sha256); consumers ignore unknown fields, as the
 * in-toto parsing rules require.
 *
 * @throws StatementFormatError naming the first field that does not fit.
 */
export function statementSubjects(body: Buffer, source: string): Subject[] {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new StatementFormatError(`${source}: the signed payload is not JSON: ${(error as Error).message}`);
  }
  const statement = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  if (statement._type !== STATEMENT_TYPE) throw new StatementFormatError(`${source}: _type is ${JSON.stringify(statement._type)}; expected "${STATEMENT_TYPE}"`);
  if (statement.predicateType !== DRILL_RUN_PREDICATE_TYPE) {
    throw new StatementFormatError(`${source}: predicateType is ${JSON.stringify(statement.predicateType)}; expected "${DRILL_RUN_PREDICATE_TYPE}"`);
  }
  if (!Array.isArray(statement.subject)) throw new StatementFormatError(`${source}: subject: expected a list`);
  return statement.subject.map((entry: unknown, index): Subject => {
    const { name, digest } = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    const sha256 = typeof digest === 'object' && digest !== null ? (digest as Record<string, unknown>).sha256 : undefined;
    if (typeof name !== 'string' || typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) {
      throw new StatementFormatError(`${source}: subject[${index}]: expected a name and a 64-hex-digit digest.sha256`);
    }
    return { name, digest: { sha256 } };
  });
}
