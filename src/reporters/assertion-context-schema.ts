import { z } from 'zod';
import type { AssertionContext } from '../assertions/assertion-context.ts';
import { ROUTING_SHAPES } from '../drill/environment.ts';
import { COHORT_MODELS } from '../load/client-cohort.ts';

const healthCheckRules = z.object({ requestIntervalMs: z.number(), failureThreshold: z.number() });

/**
 * Runtime shape of the assertion context as run.json keeps it. JSON has no Infinity: a
 * `jvm-forever` cohort's endless cache is written as null and read back as Infinity.
 */
export const assertionContextSchema: z.ZodType<AssertionContext, unknown> = z.object({
  primaryRegion: z.string(),
  secondaryRegion: z.string(),
  regions: z.array(z.string()).optional(),
  probeIntervalMs: z.number(),
  healthPollIntervalMs: z.number().optional(),
  healthCheckIds: z.object({ primary: z.string().optional(), secondary: z.string().optional() }).optional(),
  healthCheck: healthCheckRules.optional(),
  recordTtlSeconds: z.number().optional(),
  propagationMs: z.number().optional(),
  resolverSets: z.record(z.string(), z.array(z.string())).optional(),
  cohorts: z
    .array(
      z.object({
        name: z.string(),
        model: z.enum(COHORT_MODELS),
        share: z.number(),
        dnsCacheMs: z
          .number()
          .nullable()
          .optional()
          .transform((ms) => (ms === null ? Number.POSITIVE_INFINITY : ms)),
      }),
    )
    .optional(),
  defaultService: z.string().optional(),
  services: z
    .record(
      z.string(),
      z.object({
        regions: z.array(z.string()),
        routing: z.enum(ROUTING_SHAPES).optional(),
        recordName: z.string(),
        healthCheckIds: z.record(z.string(), z.string()),
        healthCheck: healthCheckRules.optional(),
        recordTtlSeconds: z.number().optional(),
      }),
    )
    .optional(),
});
