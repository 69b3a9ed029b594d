import type { Environment } from '../drill/environment.ts';
import { InvalidInputError } from '../drill/invalid-input-error.ts';
import { queryA } from '../net/dns-query.ts';
import type { RegionIdentity } from '../observers/address-map.ts';
import { identifiabilityProblems } from '../observers/region-identifiability.ts';
import { startRegionIdentifier, type RegionIdentifier } from '../observers/region-identifier.ts';
import { vantagePointProblems } from '../observers/vantage-point-problems.ts';
import type { AddressMapping } from './timeline.ts';

/** How each region of the observed services is recognised: their static addresses and regional endpoint names, together. */
export function regionIdentities(environment: Environment, services: readonly string[]): Record<string, RegionIdentity> {
  const identities: Record<string, { addresses: Set<string>; regionalEndpoints: Set<string> }> = {};
  for (const name of services) {
    const service = environment.services[name];
    if (service === undefined) continue;
    for (const region of service.regions) {
      const identity = (identities[region] ??= { addresses: new Set(), regionalEndpoints: new Set() });
      for (const address of service.addresses?.[region] ?? []) identity.addresses.add(address);
      for (const endpoint of service.regionalEndpoints?.[region] ?? []) identity.regionalEndpoints.add(endpoint);
    }
  }
  return Object.fromEntries(
    Object.entries(identities).map(([region, identity]) => [region, { addresses: [...identity.addresses], regionalEndpoints: [...identity.regionalEndpoints] }]),
  );
}

/**
 * Before anything changes: every vantage point can send from where it says, and every region of
 * every observed service can be told apart in DNS answers (static addresses, a CNAME chain that
 * names it, or a regional endpoint name that resolves). Either failing is the environment's bad
 * input (exit 2), each problem naming the field to fill in.
 */
export async function checkRegionsIdentifiable(environment: Environment, services: readonly string[], source: string, signal: AbortSignal): Promise<void> {
  const problems = await vantagePointProblems(environment.vantagePoints ?? []);
  const resolver = identificationResolver(environment);
  for (const name of services) {
    const service = environment.services[name];
    if (service === undefined) continue;
    // What the record answers right now: a CNAME chain through a regional name identifies its region with no configuration.
    const seen = await queryA(resolver, service.recordName, { timeoutMs: 2000, signal }).catch(() => undefined);
    problems.push(
      ...(await identifiabilityProblems({
        path: `services.${name}`,
        regions: regionIdentities(environment, [name]),
        expected: service.regions,
        resolver,
        observedCnames: seen === undefined ? [] : [seen.cnames],
        signal,
      })),
    );
  }
  if (problems.length > 0) throw new InvalidInputError(source, problems);
}

/** Starts keeping the address → region map current for the observed services, each change on the timeline. */
export function startIdentification(
  environment: Environment,
  services: readonly string[],
  onMapping: (mapping: AddressMapping) => void,
  signal: AbortSignal,
): RegionIdentifier {
  return startRegionIdentifier({
    regions: regionIdentities(environment, services),
    resolver: identificationResolver(environment),
    // Real regional endpoints change addresses over minutes; the sandbox moves one in a test.
    intervalMs: environment.kind === 'sandbox' ? 500 : 5000,
    onMapping,
    signal,
  });
}

/** The resolver regional endpoint names are resolved through: the one the load uses, else the first listed. */
function identificationResolver(environment: Environment): string {
  return environment.loadResolver ?? environment.dnsResolvers[0] ?? '127.0.0.1:53';
}

/** The region of every address the environment pins (`addresses`) for the observed services. */
export function pinnedRegionsByAddress(environment: Environment, services: readonly string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(regionIdentities(environment, services)).flatMap(([region, identity]) => (identity.addresses ?? []).map((address) => [address, region])));
}
