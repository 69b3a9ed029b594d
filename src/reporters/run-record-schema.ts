import { z } from 'zod';
import type { RunRecord } from '../runner/run-record.ts';
import { assertionContextSchema } from './assertion-context-schema.ts';
import { PHASES } from '../runner/timeline.ts';
import { VERDICT_STATUSES } from '../assertions/verdict.ts';

const epochMs = z.number().finite();
const window = z.object({ from: epochMs, to: epochMs });

const verdict = z.object({
  assertion: z.string(),
  name: z.string(),
  status: z.enum(VERDICT_STATUSES),
  observed: z.string(),
  expected: z.string(),
  service: z.string().optional(),
  region: z.string().optional(),
  window: window.optional(),
  resolutionMs: z.number().optional(),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
});

const figure = z.object({
  name: z.string().min(1),
  label: z.string(),
  value: z.number().nullable(),
  unit: z.enum(['ms', 'percent', 'count']),
  definition: z.string(),
  window: window.optional(),
  resolutionMs: z.number().optional(),
  cohort: z.string().optional(),
  service: z.string().optional(),
  expected: z.object({ fromMs: z.number(), toMs: z.number().nullable(), text: z.string() }).optional(),
  source: z.string().optional(),
  limit: z.object({ min: z.number().optional(), max: z.number().optional() }).optional(),
  inapplicable: z.string().optional(),
});

const seriesPoint = z.object({
  t: epochMs,
  requests: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  p95: z.number().nullable(),
  byRegion: z.record(z.string(), z.number()),
});

const requestTotals = z.object({ requests: z.number().int().nonnegative(), errors: z.number().int().nonnegative() });

const snapshot = z.object({
  at: epochMs,
  items: z.array(z.object({ target: z.string(), field: z.string(), value: z.string() })),
});

const evidence = z.object({
  gitRevision: z.string().optional(),
  operator: z
    .union([z.object({ arn: z.string(), account: z.string(), userId: z.string() }), z.object({ error: z.string() })])
    .optional(),
  calls: z
    .array(
      z.object({
        service: z.string(),
        operation: z.string(),
        region: z.string(),
        requestId: z.string().optional(),
        startedAt: epochMs,
        endedAt: epochMs,
        httpStatus: z.number().int().optional(),
        attempts: z.number().int().optional(),
        errorCode: z.string().optional(),
      }),
    )
    .optional(),
  snapshots: z.object({ before: snapshot.optional(), after: snapshot.optional() }).optional(),
  signature: z
    .discriminatedUnion('status', [
      z.object({ status: z.literal('signed'), signer: z.enum(['aws-kms', 'local-pem']), keyId: z.string().min(1), algorithm: z.literal('ECDSA_SHA_256') }),
      z.object({ status: z.literal('unsigned'), reason: z.string() }),
    ])
    .optional(),
});

/**
 * Runtime shape of run.json, so `drdrill report <run-dir>` can name the bad field of a
 * hand-edited or truncated record instead of crashing inside a renderer. Typed against
 * `RunRecord`, so the two cannot drift apart without a compile error.
 */
export const runRecordSchema: z.ZodType<RunRecord> = z.object({
  schemaVersion: z.literal(1),
  runId: z.string().min(1),
  tool: z.object({ name: z.literal('drdrill'), version: z.string() }),
  drill: z.object({
    name: z.string().min(1),
    description: z.string(),
    file: z.string(),
    definition: z.unknown(),
  }),
  environment: z.object({
    name: z.string(),
    kind: z.enum(['sandbox', 'aws']),
    accountId: z.string(),
    // Runs recorded before environments had more than two regions kept them as { primary, secondary }.
    regions: z.union([z.array(z.string()), z.object({ primary: z.string(), secondary: z.string() }).transform((r) => [r.primary, r.secondary])]),
    services: z.record(z.string(), z.object({ routing: z.string(), regions: z.array(z.string()) })).optional(),
  }),
  engine: z.string(),
  load: z
    .object({
      note: z.string().optional(),
      summary: z
        .object({
          engine: z.string(),
          sent: z.number(),
          completed: z.number(),
          maxSchedulingLagMs: z.number(),
          schedulingLagP99Ms: z.number().optional(),
          dropped: z.number().optional(),
          outcome: z.enum(['completed', 'thresholds-crossed', 'aborted']).optional(),
          evidence: z.array(z.string()).optional(),
          notes: z.array(z.string()).optional(),
        })
        .optional(),
      ingested: z.array(z.object({ file: z.string(), sha256: z.string(), samples: z.number(), at: epochMs, kept: z.string() })).optional(),
    })
    .optional(),
  startedAt: epochMs,
  endedAt: epochMs,
  outcome: z.enum(['passed', 'failed', 'aborted', 'rollback-failed']),
  exitCode: z.number().int(),
  reason: z.string().optional(),
  abortedAt: z.number().optional(),
  phases: z.array(z.object({ phase: z.enum(PHASES), at: epochMs })),
  faults: z.array(
    z.object({
      kind: z.enum(['inject', 'verified', 'rollback', 'rollback-failed']),
      at: epochMs,
      startedAt: epochMs.optional(),
      fault: z.string().optional(),
      injector: z.string(),
      target: z.string(),
      requestIds: z.array(z.string()),
      detail: z.string().optional(),
    }),
  ),
  steps: z
    .array(
      z.object({
        kind: z.enum(['started', 'ended']),
        at: epochMs,
        step: z.string(),
        type: z.string(),
        status: z.enum(['passed', 'failed', 'aborted']).optional(),
        observed: z.string().optional(),
      }),
    )
    .optional(),
  approvals: z
    .array(
      z.object({
        at: epochMs,
        askedAt: epochMs,
        step: z.string(),
        question: z.string(),
        approved: z.boolean(),
        operator: z.string(),
        via: z.enum(['terminal', 'flag', 'console']),
        comment: z.string().optional(),
      }),
    )
    .optional(),
  notes: z.array(z.object({ at: epochMs, operator: z.string(), text: z.string(), step: z.string().optional() })).optional(),
  dns: z.array(
    z.object({
      at: epochMs,
      resolver: z.string(),
      name: z.string(),
      addresses: z.array(z.string()),
      ttl: z.number().optional(),
      rcode: z.string(),
      latencyMs: z.number(),
      cnames: z.array(z.string()).optional(),
      regions: z.array(z.string()).optional(),
      unidentified: z.array(z.string()).optional(),
      vantage: z.string().optional(),
      service: z.string().optional(),
    }),
  ),
  addressMappings: z
    .array(z.object({ at: epochMs, region: z.string(), name: z.string(), addresses: z.array(z.string()) }))
    .optional(),
  health: z.array(
    z.object({
      at: epochMs,
      healthCheckId: z.string(),
      healthy: z.boolean(),
      detail: z.string().optional(),
      checkerRegion: z.string().optional(),
      checkedAt: z.number().optional(),
      healthyCheckers: z.number().optional(),
      reportingCheckers: z.number().optional(),
    }),
  ),
  regionsByAddress: z.record(z.string(), z.string()),
  series: z.object({
    bucketMs: z.number().positive(),
    points: z.array(seriesPoint),
    byService: z.record(z.string(), z.array(seriesPoint)).optional(),
  }),
  totals: requestTotals.extend({ byService: z.record(z.string(), requestTotals).optional() }),
  verdicts: z.array(verdict),
  figures: z.array(figure).optional(),
  context: assertionContextSchema.optional(),
  hostname: z.string().optional(),
  evidence: evidence.optional(),
});
