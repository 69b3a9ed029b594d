import { performance } from 'node:perf_hooks';
import { DnsLookupError, type LookupHook } from '../net/dns-lookup.ts';
import { queryA, type DnsAnswer } from '../net/dns-query.ts';

/** How a load engine resolves through a chosen DNS server. */
export interface ResolverLookupOptions {
  /** DNS server as `host:port`. */
  readonly resolver: string;
  /** Budget for one query (ms). */
  readonly timeoutMs: number;
  /**
   * `ignore`: a fresh query for every new connection (what a failover drill wants to see).
   * `honour`: reuse an answer until its TTL runs out, and share one query among the connections
   * that wait for it, like a caching stub resolver.
   * `{ fixedMs }`: reuse a positive answer for that long whatever its TTL (`Infinity`: forever),
   * like the JDK's InetAddress cache or k6's `dns.ttl`.
   */
  readonly ttl: 'honour' | 'ignore' | { readonly fixedMs: number };
}

interface CachedAnswer {
  readonly answer: DnsAnswer;
  /** performance.now() after which the answer is stale. */
  readonly expires: number;
}

/**
 * A `lookup` hook for `http.request` that resolves A records through `options.resolver` and yields
 * the first address of the sorted answer. Failed lookups carry Node-style codes (`ENOTFOUND`,
 * `EDNS_TIMEOUT`, `EDNS_SERVFAIL`, …) so they become sample errors as they are.
 */
export function createResolverLookup(options: ResolverLookupOptions): LookupHook {
  const { resolver, timeoutMs } = options;
  const cache = new Map<string, CachedAnswer>();
  const pending = new Map<string, Promise<DnsAnswer>>();

  const query = (hostname: string): Promise<DnsAnswer> => {
    if (options.ttl === 'ignore') return queryA(resolver, hostname, { timeoutMs });
    const now = performance.now();
    const cached = cache.get(hostname);
    if (cached !== undefined && cached.expires > now) return Promise.resolve(cached.answer);
    const inFlight = pending.get(hostname);
    if (inFlight !== undefined) return inFlight;
    const started = queryA(resolver, hostname, { timeoutMs }).then((answer) => {
      pending.delete(hostname);
      // Failures are not cached: a stub resolver retries on the next connection.
      const keepMs = typeof options.ttl === 'object' ? options.ttl.fixedMs : answer.ttl === undefined ? 0 : answer.ttl * 1000;
      if (answer.rcode === 'NOERROR' && answer.addresses.length > 0 && keepMs > 0) {
        cache.set(hostname, { answer, expires: performance.now() + keepMs });
      }
      return answer;
    });
    pending.set(hostname, started);
    return started;
  };

  return (hostname, lookupOptions, callback) => {
    const empty = lookupOptions.all === true ? [] : '';
    let answered: Promise<DnsAnswer>;
    try {
      answered = query(hostname);
    } catch (error) {
      // net calls lookup synchronously inside connect(); errors must still arrive asynchronously.
      const failure = error instanceof Error ? error : new Error(String(error));
      process.nextTick(() => callback(Object.assign(failure, { code: 'EDNS_BADNAME' }), empty));
      return;
    }
    answered.then(
      (answer) => {
        const first = answer.addresses[0];
        if (answer.rcode !== 'NOERROR' || first === undefined) callback(new DnsLookupError(hostname, resolver, answer), empty);
        else if (lookupOptions.all === true) callback(null, [{ address: first, family: 4 }]);
        else callback(null, first, 4);
      },
      (error: unknown) => {
        const failure = error instanceof Error ? error : new Error(String(error));
        callback(Object.assign(failure, { code: 'EDNS_ERROR' }), empty);
      },
    );
  };
}
