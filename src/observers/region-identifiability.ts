import { queryA, type DnsAnswer } from '../net/dns-query.ts';
import type { RegionIdentity } from './address-map.ts';
import { regionOfEndpointName } from './regional-endpoint-name.ts';

export interface IdentifiabilityOptions {
  /** Field path of the service in the environment, e.g. `services.api`: problems name fields under it. */
  readonly path: string;
  /** Per AWS region name, how it is to be recognised (as given to `startRegionIdentifier`). */
  readonly regions: Readonly<Record<string, RegionIdentity>>;
  /** Regions the drill can expect answers from; default every key of `regions`. */
  readonly expected?: readonly string[];
  /** Resolver the regional endpoint names are resolved through (the one the identifier will use). */
  readonly resolver: string;
  /**
   * CNAME chains the watched record answered with just now (e.g. one query per vantage point):
   * a region they name by an AWS pattern is identifiable without any configuration.
   */
  readonly observedCnames?: readonly (readonly string[])[];
  /** Per-query timeout; default 2000 ms. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/**
 * The preflight check behind "regions are told apart by what DNS answers": for each expected
 * region, can an answer pointing at it be read as it? Yes with static addresses, with a CNAME
 * chain seen naming it, or with a regional endpoint name that resolves to addresses now.
 *
 * @returns one problem per region that cannot be identified, each naming the field to fill in,
 *   so the runner can exit 2 before anything changes; empty when every region is identifiable.
 */
export async function identifiabilityProblems(options: IdentifiabilityOptions): Promise<string[]> {
  const expected = options.expected ?? Object.keys(options.regions);
  const seenByPattern = new Set(
    (options.observedCnames ?? []).flat().flatMap((name) => {
      const region = regionOfEndpointName(name);
      return region === undefined ? [] : [region];
    }),
  );
  const checks = expected.map(async (region) => {
    const identity = options.regions[region] ?? {};
    const field = `${options.path}.regionalEndpoints.${region}`;
    const misplaced = (identity.regionalEndpoints ?? []).flatMap((name, index) => {
      const named = regionOfEndpointName(name);
      return named === undefined || named === region ? [] : [`${field}[${index}]: ${JSON.stringify(name)} is a regional endpoint of ${named}, not of ${region}`];
    });
    if (misplaced.length > 0) return misplaced;
    if ((identity.addresses ?? []).length > 0 || seenByPattern.has(region)) return [];
    const endpoints = identity.regionalEndpoints ?? [];
    if (endpoints.length === 0) {
      return [
        `${field}: region ${region} cannot be identified in DNS answers: it has no static addresses and no regional endpoint name; ` +
          `add the host name only ${region} serves, e.g. its API Gateway regional domain (d-abc123.execute-api.${region}.amazonaws.com) or its load balancer's DNS name`,
      ];
    }
    const answers = await Promise.all(
      endpoints.map((name) => queryA(options.resolver, name, { timeoutMs: options.timeoutMs ?? 2000, ...(options.signal === undefined ? {} : { signal: options.signal }) })),
    );
    if (answers.some((answer) => answer.addresses.length > 0)) return [];
    return [
      `${field}: region ${region} cannot be identified in DNS answers: ${describeFailures(endpoints, answers)} through ${options.resolver}; ` +
        `add a regional endpoint name that resolves, or static addresses at ${options.path}.addresses.${region}`,
    ];
  });
  return (await Promise.all(checks)).flat();
}

function describeFailures(names: readonly string[], answers: readonly DnsAnswer[]): string {
  const parts = names.map((name, index) => {
    const answer = answers[index];
    const why = answer === undefined ? '?' : answer.rcode === 'NOERROR' ? 'no A records' : answer.error === undefined ? answer.rcode : `${answer.rcode} ${answer.error}`;
    return `${name} (${why})`;
  });
  return `${parts.length === 1 ? '' : 'none of '}${parts.join(', ')} ${parts.length === 1 ? 'did not resolve' : 'resolved'}`;
}
