import { normalizeDnsName } from '../net/dns-name.ts';
import { queryA, type DnsAnswer } from '../net/dns-query.ts';
import { parseDnsServer } from '../net/dns-server-address.ts';
import type { AddressMapping } from '../runner/timeline.ts';
import { deliver, startGridPoller } from './grid-poller.ts';
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

export interface RegionIdentifierOptions {
  /** Per AWS region name, how to recognise it. */
  readonly regions: Readonly<Record<string, RegionIdentity>>;
  /** Resolver (`host:port`) the regional endpoint names are resolved through. */
  readonly resolver: string;
  /** Milliseconds between two resolutions of one name; default 5000. */
  readonly intervalMs?: number;
  /** Per-resolution timeout; default 1000 ms. A timeout or error keeps the previous addresses. */
  readonly timeoutMs?: number;
  /**
   * Called once per name at the first resolution and again whenever its addresses change, in that
   * order: the runner puts these on the Timeline. It must not throw (see `deliver`).
   */
  readonly onMapping?: (mapping: AddressMapping) => void;
  readonly signal?: AbortSignal;
}

export interface RegionIdentifier {
  /** Settles once every regional endpoint name was resolved once (or failed to). */
  readonly ready: Promise<void>;
  /**
   * Reads an answer as regions. A CNAME chain decides first: a configured regional endpoint name,
   * else an AWS regional name pattern (`….execute-api.<region>.amazonaws.com`, `….<region>.elb.amazonaws.com`).
   * Without one, each address is looked up in the static addresses, then in the resolved map.
   */
  identify(addresses: readonly string[], cnames?: readonly string[]): Identification;
  /**
   * Like `identify`, but an answer with an address the map does not know first re-resolves every
   * regional endpoint name (shared by concurrent callers, at most once per quarter interval), so
   * an address that moved between two scheduled resolutions is read as its region, not as unknown.
   */
  identifyFresh(addresses: readonly string[], cnames?: readonly string[]): Promise<Identification>;
  /** Stops resolving; resolves once queries in flight are closed. Idempotent. */
  stop(): Promise<void>;
}

/** Options of the region identifier that are out of range or name nothing. */
export class RegionIdentifierOptionsError extends Error {
  override readonly name = 'RegionIdentifierOptionsError';
}

const DEFAULT_INTERVAL_MS = 5000;
const DEFAULT_TIMEOUT_MS = 1000;
/** rcodes after which the name's previous addresses are kept: nothing was learned. */
const NO_ANSWER = new Set(['TIMEOUT', 'ERROR', 'SERVFAIL', 'REFUSED']);

/**
 * Starts an identifier: resolves every region's regional endpoint names at once and then on a
 * fixed grid, keeping an address → region map that is exactly the union of the latest
 * resolutions, so an address a region gave up stops counting for it at the next resolution.
 *
 * @throws RegionIdentifierOptionsError, InvalidDnsServerError, InvalidDnsNameError for bad options.
 */
export function startRegionIdentifier(options: RegionIdentifierOptions): RegionIdentifier {
  const intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  for (const [key, value] of [['intervalMs', intervalMs], ['timeoutMs', timeoutMs]] as const) {
    if (!Number.isFinite(value) || value <= 0) {
      throw new RegionIdentifierOptionsError(`region identifier ${key} must be a positive number of ms, got ${String(options[key])}`);
    }
  }
  parseDnsServer(options.resolver);
  const map = new AddressMap(options.regions);

  const resolve = async (name: string, cancel: AbortSignal): Promise<void> => {
    const at = Date.now();
    let answer: DnsAnswer;
    try {
      answer = await queryA(options.resolver, name, { timeoutMs, signal: cancel });
    } catch {
      return;
    }
    if (cancel.aborted || NO_ANSWER.has(answer.rcode)) return;
    const mapping = map.apply(name, at, answer.addresses);
    if (mapping !== undefined && options.onMapping !== undefined) deliver(options.onMapping, mapping);
  };
  const poller = startGridPoller({
    keys: map.names(),
    intervalMs,
    poll: resolve,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  const refresher = new Refresher(async (signal) => {
    await Promise.all(map.names().map((name) => resolve(name, signal)));
  }, intervalMs / 4);

  const identify = (addresses: readonly string[], cnames: readonly string[] = []): Identification => map.identify(addresses, cnames);
  return {
    ready: poller.firstRound,
    identify,
    async identifyFresh(addresses, cnames = []) {
      const first = identify(addresses, cnames);
      if (first.unidentified.length === 0 || map.names().length === 0) return first;
      await refresher.refresh();
      return identify(addresses, cnames);
    },
    stop: async () => {
      await Promise.all([poller.stop(), refresher.stop()]);
    },
  };
}

/** The address → region map: static addresses, plus the latest resolution of each regional endpoint name. */
class AddressMap {
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

/** Runs `work` on demand: one run shared by concurrent callers, runs at least `minGapMs` apart. */
class Refresher {
  readonly #work: (signal: AbortSignal) => Promise<void>;
  readonly #minGapMs: number;
  readonly #cancel = new AbortController();
  #running: Promise<void> | undefined;
  #lastStart = -Infinity;

  constructor(work: (signal: AbortSignal) => Promise<void>, minGapMs: number) {
    this.#work = work;
    this.#minGapMs = minGapMs;
  }

  refresh(): Promise<void> {
    if (this.#running !== undefined) return this.#running;
    if (this.#cancel.signal.aborted || performance.now() - this.#lastStart < this.#minGapMs) return Promise.resolve();
    this.#lastStart = performance.now();
    this.#running = this.#work(this.#cancel.signal).finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async stop(): Promise<void> {
    this.#cancel.abort();
    await this.#running;
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
        throw new RegionIdentifierOptionsError(`regional endpoint ${name} is listed for both ${other} and ${region}; a regional endpoint belongs to one region`);
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
        throw new RegionIdentifierOptionsError(`address ${address} is listed for both ${other} and ${region}; an answer with it could not be read as one region`);
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
