/**
 * Kinds of client, told apart by how they resolve DNS and reuse connections: what decides when
 * each one stops talking to a dead region after Route 53 has moved.
 */
export const COHORT_MODELS = ['fresh', 'ttl', 'jvm', 'jvm-forever', 'k6', 'browser', 'sticky'] as const;
export type CohortModel = (typeof COHORT_MODELS)[number];

/** One population of clients in a load plan. */
export interface ClientCohort {
  /** Written into each of its samples; the drill's `name`, else the model. */
  readonly name: string;
  readonly model: CohortModel;
  /** Percent of each target's rate this cohort sends. */
  readonly share: number;
  /**
   * How long a positive DNS answer is reused whatever its TTL (ms), for the models with a fixed
   * cache (`jvm`, `k6`, `browser`); `Infinity` for `jvm-forever`; absent for the others.
   */
  readonly dnsCacheMs?: number;
}

/** How a cohort resolves and connects, as the built-in engine emulates it. */
export interface CohortBehaviour {
  /** `ignore`: ask for every new connection; `honour`: keep an answer for its TTL; `fixed`: keep it `dnsCacheMs`. */
  readonly dns: 'ignore' | 'honour' | 'fixed';
  /** Reuse connections (keep-alive), at most `maxSockets` at a time; a new connection only when one breaks. */
  readonly keepAlive: boolean;
  readonly maxSockets?: number;
}

/**
 * Each model's behaviour, with where it comes from. Defaults are the real clients' (seconds of
 * real time); the runner scales them by the environment's time scale like Route 53's timings,
 * and a drill can set its own `dnsCache`.
 */
export const COHORT_BEHAVIOUR: Readonly<Record<CohortModel, CohortBehaviour & { readonly defaultDnsCacheMs?: number; readonly source: string }>> = {
  // Node's own http client: no DNS cache, and drdrill's default of a new connection per request.
  fresh: { dns: 'ignore', keepAlive: false, source: 'a client without a DNS cache that opens a connection per request (Node.js http without keep-alive)' },
  // A stub resolver that caches (systemd-resolved, nscd, Go's net with a caching resolver) keeps an answer for its TTL.
  ttl: { dns: 'honour', keepAlive: false, source: 'a caching stub resolver honouring the record TTL (RFC 1035 §3.2.1)' },
  // java.security: "When a security manager is not set, the default behavior in this implementation is
  // to cache for 30 seconds" (networkaddress.cache.ttl, OpenJDK conf/security/java.security).
  jvm: { dns: 'fixed', keepAlive: false, defaultDnsCacheMs: 30_000, source: 'the JDK InetAddress cache: networkaddress.cache.ttl defaults to 30 s without a security manager (OpenJDK java.security)' },
  // networkaddress.cache.ttl=-1 ("cache forever"), also the default under a security manager.
  'jvm-forever': { dns: 'fixed', keepAlive: false, source: 'the JDK InetAddress cache with networkaddress.cache.ttl=-1: positive answers are cached forever (OpenJDK java.security)' },
  // k6 options reference, `dns`: default "ttl=5m,select=random,policy=preferIPv4"; k6 resolves on new connections only.
  k6: { dns: 'fixed', keepAlive: false, defaultDnsCacheMs: 300_000, source: 'k6: the dns option defaults to ttl=5m (grafana.com/docs/k6, options reference, DNS)' },
  // Chromium net/dns/host_resolver_manager.cc: "Default TTL for successful resolutions with
  // HostResolverSystemTask" kCacheEntryTTLSeconds = 60; 6 sockets per host group (client_socket_pool_manager.cc).
  browser: {
    dns: 'fixed',
    keepAlive: true,
    maxSockets: 6,
    defaultDnsCacheMs: 60_000,
    source: 'Chromium: a 60 s host cache for system resolutions (kCacheEntryTTLSeconds) and a keep-alive pool of 6 connections per host',
  },
  // gRPC channels, JDBC pools, long-lived HTTP/1.1 or HTTP/2 clients: one connection until it breaks.
  sticky: { dns: 'ignore', keepAlive: true, maxSockets: 1, source: 'a client holding one keep-alive connection and reconnecting (and resolving) only when it breaks' },
};

/**
 * The DNS cache a cohort model uses when the drill sets none: the cited default scaled by the
 * environment's time scale (the sandbox runs Route 53's clock fast, and a 30 s JVM cache in a
 * 20 s drill would show nothing), `Infinity` for `jvm-forever`, undefined for models without one.
 */
export function defaultDnsCacheMs(model: CohortModel, timeScale: number): number | undefined {
  if (model === 'jvm-forever') return Number.POSITIVE_INFINITY;
  const base = COHORT_BEHAVIOUR[model].defaultDnsCacheMs;
  return base === undefined ? undefined : base * timeScale;
}
