import { z } from 'zod';
import { parseClientSubnet } from '../net/client-subnet.ts';
import { parseDnsServer } from '../net/dns-server-address.ts';

/** A zod check that reports the parser's own message (which says what was expected) at the field. */
function parsedBy(parse: (value: string) => unknown) {
  return z.string().superRefine((value, context) => {
    try {
      parse(value);
    } catch (error) {
      context.addIssue({ code: 'custom', message: (error as Error).message });
    }
  });
}

/**
 * One place DNS is asked from, so an answer is observed as the clients there see it: on the
 * sandbox a local source address per simulated client region (127.0.0.11 …), on AWS an EDNS
 * Client Subnet per location sent to the zone's authoritative name servers.
 */
export const vantagePointSchema = z.strictObject({
  /** Names the vantage point in verdicts and as a resolver set (`clients in eu-west-1`). */
  name: z.string().regex(/^[A-Za-z0-9][\w.:-]*$/, 'expected a name of letters, digits, ".", "_", ":" or "-", such as "eu-west-1"'),
  /** Local address queries are sent from (like `dig -b`); it must be an address of this machine. */
  sourceAddress: z.union([z.ipv4(), z.ipv6()], { error: 'expected an IP address of this machine, such as "127.0.0.11"' }).optional(),
  /** EDNS Client Subnet sent with every query, as a network: `203.0.113.0/24`, `2001:db8::/56`. */
  clientSubnet: parsedBy(parseClientSubnet).optional(),
  /** Resolvers (`host:port`) asked from here; absent means the environment's `dnsResolvers`. */
  resolvers: z.array(parsedBy(parseDnsServer)).min(1, 'expected at least one resolver, or leave resolvers out').optional(),
});

/** The environment's `vantagePoints`: names unique, so each is one resolver set. */
export const vantagePointsSchema = z
  .array(vantagePointSchema)
  .min(1, 'expected at least one vantage point, or leave vantagePoints out')
  .superRefine((points, context) => {
    const seen = new Map<string, number>();
    points.forEach((point, index) => {
      const first = seen.get(point.name);
      if (first === undefined) seen.set(point.name, index);
      else context.addIssue({ code: 'custom', path: [index, 'name'], message: `duplicate vantage point name ${JSON.stringify(point.name)} (also vantagePoints[${first}])` });
    });
  })
  .optional();

export type VantagePoint = z.output<typeof vantagePointSchema>;

/** Where a vantage point's queries go when it names no resolvers of its own. */
export interface DefaultResolvers {
  /** The environment's `dnsResolvers`. */
  readonly listed: readonly string[];
  /** The zone's authoritative name servers (see `authoritativeResolvers`), when known. */
  readonly authoritative?: readonly string[];
}

/**
 * The resolvers a vantage point asks: its own; else, for a client subnet, the zone's
 * authoritative servers, because Route 53 answers latency and geolocation records for the ECS it
 * receives while public recursive resolvers may drop or replace a client's ECS with their own;
 * else the environment's listed resolvers.
 */
export function vantageResolvers(vantage: VantagePoint, defaults: DefaultResolvers): readonly string[] {
  if (vantage.resolvers !== undefined) return vantage.resolvers;
  if (vantage.clientSubnet !== undefined && defaults.authoritative !== undefined && defaults.authoritative.length > 0) return defaults.authoritative;
  return defaults.listed;
}
