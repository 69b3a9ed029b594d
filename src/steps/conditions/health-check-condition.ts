import { z } from 'zod';
import { scopeOptions } from '../../assertions/assertion-scope.ts';
import { regionRefSchema } from '../../drill/region-ref.ts';
import type { HealthObservation } from '../../runner/timeline.ts';
import { scopeLive } from './live-scope.ts';
import type { UntilCondition } from './until-condition.ts';

/** `healthCheck`: the Route 53 health check of `region` reports `healthy` (as a whole, not one checker). */
export const healthCheckConditionSchema = z.strictObject({
  region: regionRefSchema,
  service: scopeOptions.service,
  healthy: z.boolean({ error: 'expected true (healthy) or false (unhealthy)' }),
});

export type HealthCheckCondition = z.output<typeof healthCheckConditionSchema>;

export const healthCheckCondition: UntilCondition<HealthCheckCondition> = {
  key: 'healthCheck',
  schema: healthCheckConditionSchema,
  describe: (options) => `the health check of ${String(options.region)}${options.service === undefined ? '' : ` (${options.service})`} to be ${options.healthy ? 'healthy' : 'unhealthy'}`,
  references: (options) => ({ region: options.region, service: options.service }),
  read(timeline, options, context, window) {
    const scoped = scopeLive(timeline, options, context);
    if ('problem' in scoped) return { met: false, observed: scoped.problem };
    const region = scoped.context.primaryRegion;
    const service = scoped.service === undefined ? undefined : scoped.context.services?.[scoped.service];
    const healthCheckId = service?.healthCheckIds[region] ?? (region === context.primaryRegion ? context.healthCheckIds?.primary : undefined);
    if (healthCheckId === undefined) return { met: false, observed: `${region} has no health check the drill polls` };
    // The status as a whole (not one checker's), as time-to-detect reads it: the latest reading now.
    const latest = scoped.timeline.health
      .filter((o) => o.healthCheckId === healthCheckId && o.checkerRegion === undefined && o.at <= window.now)
      .reduce<HealthObservation | undefined>((last, o) => (last === undefined || o.at >= last.at ? o : last), undefined);
    if (latest === undefined) return { met: false, observed: `no reading of ${healthCheckId} yet` };
    const checkers = latest.healthyCheckers === undefined ? '' : ` (${latest.healthyCheckers} of ${latest.reportingCheckers ?? '?'} checkers healthy)`;
    return { met: latest.healthy === options.healthy, observed: `${healthCheckId} ${latest.healthy ? 'healthy' : 'unhealthy'}${checkers}` };
  },
};
