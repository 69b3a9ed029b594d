import { z } from 'zod';
import { scopeOptions } from '../../assertions/assertion-scope.ts';
import { quorumConvergence } from '../../assertions/quorum-convergence.ts';
import { describeQuorum, quorumSchema, resolverSelectionSchema, selectResolvers } from '../../assertions/resolver-quorum.ts';
import { plural } from '../../assertions/verdict-format.ts';
import { regionRefSchema } from '../../drill/region-ref.ts';
import { scopeLive } from './live-scope.ts';
import type { UntilCondition } from './until-condition.ts';

/** `dns`: a quorum of resolvers answers the service's record with `region`, and keeps doing so. */
export const dnsConditionSchema = z.strictObject({
  region: regionRefSchema,
  service: scopeOptions.service,
  /** Resolvers, resolver sets or vantage points to read; default every one probed. */
  resolvers: resolverSelectionSchema,
  /** How many of them must answer the region; default all. */
  quorum: quorumSchema,
});

export type DnsCondition = z.output<typeof dnsConditionSchema>;

export const dnsCondition: UntilCondition<DnsCondition> = {
  key: 'dns',
  schema: dnsConditionSchema,
  describe: (options) =>
    `DNS on ${String(options.region)}${options.service === undefined ? '' : ` for ${options.service}`}${options.resolvers === undefined ? '' : ` from ${options.resolvers.join(', ')}`}`,
  references: (options) => ({ region: options.region, service: options.service }),
  read(timeline, options, context, window) {
    const scoped = scopeLive(timeline, options, context);
    if ('problem' in scoped) return { met: false, observed: scoped.problem };
    const region = scoped.context.primaryRegion;
    const selected = selectResolvers(scoped.timeline.dns, options.resolvers, scoped.context);
    if (!selected.ok) return { met: false, observed: selected.problem };
    const quorum = options.quorum ?? 'all';
    // Answers since the until started, each resolver's run on the region sustained to now: what dns-convergence reads.
    const reading = quorumConvergence(selected.dns, timeline.regionsByAddress, region, { from: window.since, until: window.now + 1 }, quorum, selected.named);
    if (reading.total === 0) return { met: false, observed: 'no resolver has answered yet' };
    const onRegion = reading.results.filter((result) => result.at !== null).length;
    const others = reading.results.filter((result) => result.at === null).map((result) => `${result.resolver} ${result.answers === 0 ? 'silent' : `on ${result.lastAnswer ?? '?'}`}`);
    const needed = quorum === 'all' ? '' : ` (${describeQuorum(quorum, reading.total)} needed)`;
    return {
      met: reading.quorumAt !== null,
      observed: `${onRegion} of ${plural(reading.total, 'resolver')} on ${region}${needed}${others.length === 0 ? '' : `; ${others.join(', ')}`}`,
    };
  },
};
