import { z } from 'zod';
import { COHORT_BEHAVIOUR, COHORT_MODELS } from '../load/client-cohort.ts';
import { durationSchema } from './duration.ts';

const cohortSchema = z.strictObject({
  /** How these clients resolve and connect; see COHORT_BEHAVIOUR for each model and its source. */
  cohort: z.enum(COHORT_MODELS),
  /** Percent of the rate these clients send; the cohorts' shares add up to 100. */
  share: z.number().positive('expected a share of the rate above 0 percent').max(100, 'expected a share of at most 100 percent'),
  /** Name its samples and figures carry (`rto[name]`); default the model. */
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,30}$/, 'expected lowercase letters, digits and dashes, e.g. "jvm-legacy"')
    .optional(),
  /**
   * How long `jvm`, `k6` and `browser` keep a DNS answer. Default: the real client's (30 s, 5 min,
   * 60 s) times the environment's time scale, like Route 53's timings on the sandbox.
   */
  dnsCache: durationSchema.optional(),
});

/**
 * `load.clients`: several client populations at once, each with its DNS and connection behaviour
 * and its share of the rate, e.g. `[{ cohort: 'fresh', share: 50 }, { cohort: 'jvm', share: 50, dnsCache: '4s' }]`.
 */
export const loadClientsSchema = z
  .array(cohortSchema)
  .min(1, 'expected at least one cohort')
  .superRefine((cohorts, ctx) => {
    const total = cohorts.reduce((sum, cohort) => sum + cohort.share, 0);
    if (Math.abs(total - 100) > 1e-6) {
      ctx.addIssue({ code: 'custom', message: `expected shares adding up to 100 (percent of the rate), got ${Number(total.toFixed(6))}` });
    }
    const seen = new Set<string>();
    cohorts.forEach((cohort, index) => {
      const name = cohort.name ?? cohort.cohort;
      if (seen.has(name)) ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `expected a name no other cohort uses ("${name}" is taken; give one a name)` });
      seen.add(name);
      if (cohort.dnsCache !== undefined && COHORT_BEHAVIOUR[cohort.cohort].defaultDnsCacheMs === undefined) {
        ctx.addIssue({ code: 'custom', path: [index, 'dnsCache'], message: `only jvm, k6 and browser have a fixed DNS cache; ${cohort.cohort} has none` });
      }
    });
  });

export type LoadClientsInput = z.input<typeof loadClientsSchema>;
export type LoadClients = z.output<typeof loadClientsSchema>;

/** The name a cohort's samples carry. */
export function cohortName(cohort: LoadClients[number]): string {
  return cohort.name ?? cohort.cohort;
}
