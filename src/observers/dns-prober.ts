import { isIP } from 'node:net';
import type { VantagePoint } from '../drill/vantage-point.ts';
import type { DnsObservation } from '../runner/timeline.ts';
import { parseClientSubnet } from '../net/client-subnet.ts';
import { normalizeDnsName } from '../net/dns-name.ts';
import { deliver, startGridPoller } from './grid-poller.ts';
import { queryA, type QueryOptions } from '../net/dns-query.ts';
import { parseDnsServer } from '../net/dns-server-address.ts';
import type { Identification } from './address-map.ts';

/** One record the drill watches, and the service it belongs to. */
export interface ProbedName {
  readonly name: string;
  /** The drill's service name, recorded on every observation of this name. */
  readonly service?: string;
}

export interface DnsProberOptions {
  /**
   * Resolvers to ask, each `host:port` (see `parseDnsServer`); every one is probed independently.
   * With vantage points, the resolvers of every vantage point that names none of its own.
   */
  readonly resolvers: readonly string[];
  /** Name to query (A records), when the drill watches one; see `names` for several. */
  readonly name?: string;
  /** Names to query, one per service; each is probed on its own grid, like each resolver. */
  readonly names?: readonly ProbedName[];
  /**
   * Where to ask from. Every (vantage point, resolver, name) is its own grid; observations carry
   * the vantage point's name. Absent: one anonymous origin (this machine's default address).
   */
  readonly vantagePoints?: readonly VantagePoint[];
  /**
   * Reads each answer as regions when it arrives (e.g. `RegionIdentifier.identifyFresh`); the
   * result is recorded on the observation, which is delivered once it is known.
   */
  readonly identify?: (addresses: readonly string[], cnames: readonly string[]) => Identification | Promise<Identification>;
  /** Milliseconds between probes of one resolver; default 250, must be > 0. */
  readonly intervalMs?: number;
  /** Per-query timeout; default 1000 ms. A query that times out is recorded with rcode `TIMEOUT`. */
  readonly timeoutMs?: number;
  /**
   * Called once per finished query, in completion order. It must not throw: an exception from it
   * escapes as an uncaught exception (like an EventEmitter listener), it is not swallowed.
   */
  readonly onObservation: (observation: DnsObservation) => void;
  /** Aborting stops the prober like `stop()`. */
  readonly signal?: AbortSignal;
}

export interface DnsProber {
  /**
   * Stops probing. Queries still in flight are cancelled and not recorded (their answer would say
   * nothing about the drill that is ending); resolves once their sockets are closed. Idempotent.
   */
  stop(): Promise<void>;
}

/** Options of the DNS prober that are out of range. */
export class DnsProberOptionsError extends Error {
  override readonly name = 'DnsProberOptionsError';
}

const DEFAULT_INTERVAL_MS = 250;
const DEFAULT_TIMEOUT_MS = 1000;

/** One grid: a name asked of a resolver from a vantage point. */
interface ProbeTarget {
  readonly resolver: string;
  readonly probed: ProbedName;
  readonly vantage?: VantagePoint;
}

/**
 * Probes every (vantage point, resolver, name) every `intervalMs`, the first probe at once, and
 * reports each answer (or `TIMEOUT` / `ERROR`) as a DnsObservation whose `at` is when the query
 * was sent.
 *
 * Ticks are aligned to the start time (start + k·interval), not to when the previous query ended,
 * so observations stay on a regular grid. A target whose previous query is still in flight at a
 * tick skips that tick: one slow resolver never piles up queries, and never delays the others.
 *
 * @throws DnsProberOptionsError / InvalidDnsServerError / InvalidDnsNameError /
 *   InvalidClientSubnetError for bad options.
 */
export function startDnsProber(options: DnsProberOptions): DnsProber {
  const intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(intervalMs) || intervalMs <= 0) {
    throw new DnsProberOptionsError(`DNS prober intervalMs must be a positive number of ms, got ${String(options.intervalMs)}`);
  }
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new DnsProberOptionsError(`DNS prober timeoutMs must be a positive number of ms, got ${String(options.timeoutMs)}`);
  }
  const targets = probeTargets(options);
  const { onObservation, identify } = options;

  const probe = async (target: ProbeTarget, cancel: AbortSignal): Promise<void> => {
    const { resolver, probed, vantage } = target;
    const at = Date.now();
    const origin = {
      ...(probed.service === undefined ? {} : { service: probed.service }),
      ...(vantage === undefined ? {} : { vantage: vantage.name }),
    };
    let observation: DnsObservation;
    try {
      const answer = await queryA(resolver, probed.name, { timeoutMs, signal: cancel, ...queryOrigin(vantage) });
      // Identified now, with the address map as it is now: a later change cannot rewrite it.
      const identified = identify === undefined ? undefined : await untilAborted(identify(answer.addresses, answer.cnames), cancel);
      if (cancel.aborted) return;
      observation = {
        at,
        resolver,
        name: probed.name,
        addresses: answer.addresses,
        rcode: answer.rcode,
        latencyMs: answer.latencyMs,
        ...(answer.ttl === undefined ? {} : { ttl: answer.ttl }),
        ...(answer.cnames.length === 0 ? {} : { cnames: answer.cnames }),
        ...identified,
        ...origin,
      };
    } catch {
      if (cancel.aborted) return;
      // queryA rejects only on abort or bad input (validated above); record anything else as ERROR
      // rather than kill the prober mid-drill.
      observation = { at, resolver, name: probed.name, addresses: [], rcode: 'ERROR', latencyMs: Date.now() - at, ...origin };
    }
    if (cancel.aborted) return;
    deliver(onObservation, observation);
  };
  const poller = startGridPoller({
    keys: targets,
    intervalMs,
    poll: probe,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  return { stop: poller.stop };
}

/**
 * Every grid the options describe, validated up front so a typo fails the drill at start
 * instead of as ERROR rows. Duplicates collapse: one grid per distinct (vantage, resolver, name).
 */
function probeTargets(options: DnsProberOptions): ProbeTarget[] {
  if (options.name !== undefined && options.names !== undefined) throw new DnsProberOptionsError('DNS prober takes name or names, not both');
  const names: readonly ProbedName[] = options.names ?? (options.name === undefined ? [] : [{ name: options.name }]);
  if (names.length === 0) throw new DnsProberOptionsError('DNS prober needs a name (or names) to query, got none');
  for (const probed of names) normalizeDnsName(probed.name);
  const origins: readonly (VantagePoint | undefined)[] = options.vantagePoints ?? [undefined];
  const vantageNames = new Set<string>();
  const targets: ProbeTarget[] = [];
  const seen = new Set<string>();
  for (const vantage of origins) {
    if (vantage !== undefined) {
      if (vantageNames.has(vantage.name)) throw new DnsProberOptionsError(`DNS prober vantage point names must be unique, got ${JSON.stringify(vantage.name)} twice`);
      vantageNames.add(vantage.name);
      if (vantage.clientSubnet !== undefined) parseClientSubnet(vantage.clientSubnet);
    }
    const resolvers = vantage?.resolvers ?? options.resolvers;
    if (resolvers.length === 0) {
      const where = vantage === undefined ? '' : ` (vantage point ${JSON.stringify(vantage.name)} names none of its own)`;
      throw new DnsProberOptionsError(`DNS prober resolvers must list at least one resolver (host:port), got []${where}`);
    }
    for (const resolver of resolvers) {
      const { family } = parseDnsServer(resolver);
      if (vantage?.sourceAddress !== undefined && isIP(vantage.sourceAddress) !== family) {
        throw new DnsProberOptionsError(
          `DNS prober vantage point ${JSON.stringify(vantage.name)}: sourceAddress ${vantage.sourceAddress} cannot reach the IPv${family} resolver ${resolver}; expected an IPv${family} source address`,
        );
      }
      for (const probed of names) {
        const key = JSON.stringify([vantage?.name, resolver, probed.name]);
        if (seen.has(key)) continue;
        seen.add(key);
        targets.push({ resolver, probed, ...(vantage === undefined ? {} : { vantage }) });
      }
    }
  }
  return targets;
}

function queryOrigin(vantage: VantagePoint | undefined): Pick<QueryOptions, 'sourceAddress' | 'clientSubnet'> {
  return {
    ...(vantage?.sourceAddress === undefined ? {} : { sourceAddress: vantage.sourceAddress }),
    ...(vantage?.clientSubnet === undefined ? {} : { clientSubnet: vantage.clientSubnet }),
  };
}

/** `value`, or undefined as soon as `signal` aborts: a stopping prober does not wait for it. */
function untilAborted<T>(value: T | Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (!(value instanceof Promise)) return Promise.resolve(value);
  return new Promise<T | undefined>((resolve, reject) => {
    const onAbort = (): void => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    value.then(
      (result) => {
        signal.removeEventListener('abort', onAbort);
        resolve(result);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
