import { queryA, type DnsAnswer } from '../net/dns-query.ts';
import { parseDnsServer } from '../net/dns-server-address.ts';
import type { AddressMapping } from '../runner/timeline.ts';
import { CoalescedTask } from '../util/coalesced-task.ts';
import { AddressMap, type Identification, type RegionIdentity } from './address-map.ts';
import { deliver, startGridPoller } from './grid-poller.ts';

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
  const refresher = new CoalescedTask(async (signal) => {
    await Promise.all(map.names().map((name) => resolve(name, signal)));
  }, intervalMs / 4);

  // A stopped identifier must not start refreshes either.
  options.signal?.addEventListener('abort', () => void refresher.stop(), { once: true });
  const identify = (addresses: readonly string[], cnames: readonly string[] = []): Identification => map.identify(addresses, cnames);
  return {
    ready: poller.firstRound,
    identify,
    async identifyFresh(addresses, cnames = []) {
      const first = identify(addresses, cnames);
      if (first.unidentified.length === 0 || map.names().length === 0) return first;
      await refresher.run();
      return identify(addresses, cnames);
    },
    stop: async () => {
      await Promise.all([poller.stop(), refresher.stop()]);
    },
  };
}
