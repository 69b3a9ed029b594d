/** A value read from the account, with the call it came from (written beside it as a comment). */
export interface Sourced<T> {
  readonly value: T;
  readonly from: string;
}

export type Role = 'primary' | 'secondary';

/** Per region role, what discovery found; a role missing from the record is a TODO instead. */
export type PerRole<T> = Partial<Record<Role, Sourced<T>>>;

/** One service: the record clients resolve and what stands behind each of its record sets. */
export interface DiscoveredService {
  readonly name: string;
  readonly recordName: Sourced<string>;
  readonly hostedZoneId: Sourced<string>;
  readonly url?: Sourced<string>;
  readonly functions: PerRole<string>;
  readonly healthChecks: PerRole<string>;
  readonly addresses: PerRole<readonly string[]>;
  readonly customDomains: PerRole<string>;
  readonly failureFlags: PerRole<string>;
  readonly routingControls: PerRole<string>;
}

/** What `drdrill discover` writes: an environment whose every id names its source, and the TODOs. */
export interface DiscoveredEnvironment {
  readonly name: string;
  readonly kind: 'sandbox' | 'aws';
  readonly accountId?: Sourced<string>;
  readonly profile?: string;
  readonly regions: PerRole<string>;
  /** Connection facts that are no resource id (the sandbox's endpoint, DNS server, time scale). */
  readonly connection: readonly Sourced<[field: string, value: unknown]>[];
  readonly dnsResolvers?: Sourced<readonly string[]>;
  readonly service: DiscoveredService;
  /** What could not be found, one line each, e.g. `functions.secondary: …`. */
  readonly todos: readonly string[];
  /** Every read call made, in order (`Route 53 ListResourceRecordSets`, …): discovery makes no other. */
  readonly calls: readonly string[];
}
