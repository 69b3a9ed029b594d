import type { DnsObservation } from '../runner/timeline.ts';
import { normalizeDnsName } from '../net/dns-name.ts';
import { deliver, startGridPoller } from './grid-poller.ts';
import { queryA } from '../net/dns-query.ts';
import { parseDnsServer } from '../net/dns-server-address.ts';

export interface DnsProberOptions {
  /** Resolvers to ask, each `host:port` (see `parseDnsServer`); every one is probed independently. */
  readonly resolvers: readonly string[];
  /** Name to query (A records). */
  readonly name: string;
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

/**
 * Probes every resolver every `intervalMs`, the first probe at once, and reports each answer (or
 * `TIMEOUT` / `ERROR`) as a DnsObservation whose `at` is when the query was sent.
 *
 * Ticks are aligned to the start time (start + k·interval), not to when the previous query ended,
 * so observations stay on a regular grid. A resolver whose previous query is still in flight at a
 * tick skips that tick: one slow resolver never piles up queries, and never delays the others.
 *
 * @throws DnsProberOptionsError / InvalidDnsServerError / InvalidDnsNameError for bad options.
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
  if (options.resolvers.length === 0) {
    throw new DnsProberOptionsError('DNS prober resolvers must list at least one resolver (host:port), got []');
  }
  // Validate everything up front, so a typo fails the drill at start instead of as ERROR rows.
  for (const resolver of options.resolvers) parseDnsServer(resolver);
  normalizeDnsName(options.name);

  const { name, onObservation } = options;
  const probe = async (resolver: string, cancel: AbortSignal): Promise<void> => {
    const at = Date.now();
    let observation: DnsObservation;
    try {
      const answer = await queryA(resolver, name, { timeoutMs, signal: cancel });
      observation = {
        at,
        resolver,
        name,
        addresses: answer.addresses,
        rcode: answer.rcode,
        latencyMs: answer.latencyMs,
        ...(answer.ttl === undefined ? {} : { ttl: answer.ttl }),
      };
    } catch {
      if (cancel.aborted) return;
      // queryA rejects only on abort or bad input (validated above); record anything else as ERROR
      // rather than kill the prober mid-drill.
      observation = { at, resolver, name, addresses: [], rcode: 'ERROR', latencyMs: Date.now() - at };
    }
    if (cancel.aborted) return;
    deliver(onObservation, observation);
  };
  const poller = startGridPoller({
    keys: [...new Set(options.resolvers)],
    intervalMs,
    poll: probe,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  return { stop: poller.stop };
}
