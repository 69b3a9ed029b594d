import { z } from 'zod';
import { scopeOptions } from '../../assertions/assertion-scope.ts';
import { errorRateIn } from '../../assertions/error-budget.ts';
import { formatRate, plural } from '../../assertions/verdict-format.ts';
import { boundedDuration } from '../../drill/bounded-duration.ts';
import { formatDuration } from '../../drill/duration.ts';
import { scopeLive } from './live-scope.ts';
import { firstRecentIndex } from './recent-samples.ts';
import type { UntilCondition } from './until-condition.ts';

/** `errorRate`: at most `atMost` % of the requests of the last `window` failed. */
export const errorRateConditionSchema = z.strictObject({
  atMost: z.number().min(0, 'expected a percentage from 0 to 100').max(100, 'expected a percentage from 0 to 100'),
  service: scopeOptions.service,
  window: boundedDuration({ min: 100, why: 'an error rate needs requests to be computed on' }).default(2000),
});

export type ErrorRateCondition = z.output<typeof errorRateConditionSchema>;

export const errorRateCondition: UntilCondition<ErrorRateCondition> = {
  key: 'errorRate',
  schema: errorRateConditionSchema,
  describe: (options) => `error rate ≤ ${formatRate(options.atMost)}${options.service === undefined ? '' : ` for ${options.service}`} over ${formatDuration(options.window)}`,
  references: (options) => ({ region: undefined, service: options.service }),
  read(timeline, options, context, window) {
    const scoped = scopeLive(timeline, options, context);
    if ('problem' in scoped) return { met: false, observed: scoped.problem };
    const from = Math.max(window.since, window.now - options.window);
    const samples = scoped.timeline.samples;
    // error-budget's count: a failure belongs to the window it failed in.
    const reading = errorRateIn(samples, { from, to: window.now }, firstRecentIndex(samples, from));
    if (reading.rate === undefined) return { met: false, observed: `no requests in the last ${formatDuration(window.now - from)}` };
    const full = window.now - from >= options.window;
    return {
      met: full && reading.rate <= options.atMost + 1e-9,
      observed: `${formatRate(reading.rate)} errors (${reading.errors} of ${plural(reading.requests, 'request')})`,
    };
  },
};
