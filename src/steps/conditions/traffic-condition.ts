import { z } from 'zod';
import { scopeOptions } from '../../assertions/assertion-scope.ts';
import { measureShare } from '../../assertions/region-share.ts';
import { formatRate, plural } from '../../assertions/verdict-format.ts';
import { boundedDuration } from '../../drill/bounded-duration.ts';
import { formatDuration } from '../../drill/duration.ts';
import { regionRefSchema } from '../../drill/region-ref.ts';
import { scopeLive } from './live-scope.ts';
import { firstRecentIndex } from './recent-samples.ts';
import type { UntilCondition } from './until-condition.ts';

/** `traffic`: at least `atLeast` % of the requests of the last `window` were answered by `region` without error. */
export const trafficConditionSchema = z.strictObject({
  region: regionRefSchema,
  service: scopeOptions.service,
  atLeast: z.number().min(0, 'expected a percentage from 0 to 100').max(100, 'expected a percentage from 0 to 100'),
  /** The stretch the share is read over, ending now. */
  window: boundedDuration({ min: 100, why: 'a share needs requests to be computed on' }).default(2000),
});

export type TrafficCondition = z.output<typeof trafficConditionSchema>;

export const trafficCondition: UntilCondition<TrafficCondition> = {
  key: 'traffic',
  schema: trafficConditionSchema,
  describe: (options) =>
    `≥ ${formatRate(options.atLeast)} of ${options.service === undefined ? '' : `${options.service} `}traffic on ${String(options.region)} over ${formatDuration(options.window)}`,
  references: (options) => ({ region: options.region, service: options.service }),
  read(timeline, options, context, window) {
    const scoped = scopeLive(timeline, options, context);
    if ('problem' in scoped) return { met: false, observed: scoped.problem };
    const region = scoped.context.primaryRegion;
    // Only requests the until saw start, over the last `window`: region-share's count over that stretch.
    const from = Math.max(window.since, window.now - options.window);
    const samples = scoped.timeline.samples;
    const share = measureShare(samples, { from, to: window.now }, region, firstRecentIndex(samples, from));
    if (share.requests === 0) return { met: false, observed: `no requests in the last ${formatDuration(window.now - from)}` };
    const percent = (share.served / share.requests) * 100;
    // A window shorter than asked (the until just started) is not evidence yet.
    const full = window.now - from >= options.window;
    return {
      met: full && percent + 1e-9 >= options.atLeast,
      observed: `${formatRate(percent)} on ${region} (${share.served} of ${plural(share.requests, 'request')}${share.errors === 0 ? '' : `, ${plural(share.errors, 'error')}`})`,
    };
  },
};
