import { normalizeDnsName } from '../net/dns-name.ts';
import type { AddressMapping } from '../runner/timeline.ts';
import { regionOfEndpointName } from './regional-endpoint-name.ts';

/** How one region of a service can be recognised in a DNS answer. */
export interface RegionIdentity {
  /** Static addresses of the region (the environment's `addresses` override); they win over resolved ones. */
  readonly addresses?: readonly string[];
  /**
   * Host names that belong to this region only: the API Gateway regional domain
   * (`d-abc123.execute-api.us-east-1.amazonaws.com`), an ALB's DNS name, a sandbox region's name.
   * Recognised by exact name in CNAME chains, and resolved during the drill to map addresses.
   */
  readonly regionalEndpoints?: readonly string[];
}

/** What an answer was identified as. */
export interface Identification {
  /** Distinct regions, in the order the answer named them. */
  readonly regions: string[];
  /** Addresses that mapped to no region (empty when the CNAME chain settled it). */
  readonly unidentified: string[];
}

/** Two regions claim the same regional endpoint name or static address. */
export class RegionIdentityConflictError extends Error {
  override readonly name = 'RegionIdentityConflictError';
}

/** The address → region map: static addresses, plus the latest resolution of each regional endpoint name. */
export class AddressMap {
  /** Every regional endpoint name (normalised) → its region. */
  readonly #regionOfName: Map<string, string>;
  readonly #staticRegions: Map<string, string>;
  /** Latest addresses of each name, and when the resolution that gave them was sent. */
  readonly #resolved = new Map<string, { readonly at: number; readonly addresses: readonly string[] }>();

  constructor(regions: Readonly<Record<string, RegionIdentity>>) {
    this.#regionOfName = endpointNames(regions);
    this.#staticRegions = staticAddressMap(regions);
  }

  names(): string[] {
    return [...this.#regionOfName.keys()];
  }

  /**
   * Records a resolution sent at `at`; returns the mapping event when it changed the name's
   * addresses. A resolution older than the one applied (a refresh racing a scheduled poll) is ignored.
   */
  apply(name: string, at: number, addresses: readonly string[]): AddressMapping | undefined {
    const previous = this.#resolved.get(name);
    if (previous !== undefined && previous.at > at) return undefined;
    this.#resolved.set(name, { at, addresses });
    if (previous !== undefined && sameList(previous.addresses, addresses)) return undefined;
    return { at, region: this.#regionOfName.get(name) ?? '', name, addresses };
  }

  identify(addresses: readonly string[], cnames: readonly string[]): Identification {
    const byName = distinct(cnames.map((cname) => this.#regionOfName.get(cname) ?? regionOfEndpointName(cname)).filter((region): region is string => region !== undefined));
    if (byName.length > 0) return { regions: byName, unidentified: [] };
    const regions: string[] = [];
    const unidentified: string[] = [];
    for (const address of addresses) {
      const claimed = this.#regionsOf(address);
      if (claimed.length === 0) unidentified.push(address);
      for (const region of claimed) if (!regions.includes(region)) regions.push(region);
    }
    return { regions, unidentified };
  }

  #regionsOf(address: string): string[] {
    const fixed = this.#staticRegions.get(address);
    if (fixed !== undefined) return [fixed];
    const claimed: string[] = [];
    for (const [name, { addresses }] of this.#resolved) {
      const region = this.#regionOfName.get(name);
      if (region !== undefined && addresses.includes(address) && !claimed.includes(region)) claimed.push(region);
    }
    return claimed;
  }
}

/** Every regional endpoint name (normalised) → its region; a name listed for two regions is an error. */
function endpointNames(regions: Readonly<Record<string, RegionIdentity>>): Map<string, string> {
  const names = new Map<string, string>();
  for (const [region, identity] of Object.entries(regions)) {
    for (const written of identity.regionalEndpoints ?? []) {
      const name = normalizeDnsName(written);
      const other = names.get(name);
      if (other !== undefined && other !== region) {
        throw new RegionIdentityConflictError(`regional endpoint ${name} is listed for both ${other} and ${region}; a regional endpoint belongs to one region`);
      }
      names.set(name, region);
    }
  }
  return names;
}

function staticAddressMap(regions: Readonly<Record<string, RegionIdentity>>): Map<string, string> {
  const map = new Map<string, string>();
  for (const [region, identity] of Object.entries(regions)) {
    for (const address of identity.addresses ?? []) {
      const other = map.get(address);
      if (other !== undefined && other !== region) {
        throw new RegionIdentityConflictError(`address ${address} is listed for both ${other} and ${region}; an answer with it could not be read as one region`);
      }
      map.set(address, region);
    }
  }
  return map;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

function distinct(values: readonly string[]): string[] {
  return [...new Set(values)];
}
