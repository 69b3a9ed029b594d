import type { ResolvedTopology } from '../topology/resolve-topology.ts';
import { serviceRecords } from './service-records.ts';

/** A record type the sandbox zone holds and serves. */
export type ZoneRecordType = 'A' | 'AAAA' | 'CNAME' | 'TXT' | 'MX' | 'NS' | 'SOA';

/** Record types ChangeResourceRecordSets accepts in the sandbox. */
export const ZONE_RECORD_TYPES: readonly ZoneRecordType[] = ['A', 'AAAA', 'CNAME', 'TXT', 'MX', 'NS', 'SOA'];

/** Route 53's alias target. */
export interface AliasTarget {
  readonly hostedZoneId: string;
  /** Lower-case, no trailing dot. */
  readonly dnsName: string;
  readonly evaluateTargetHealth: boolean;
}

/** One Route 53 resource record set, as the sandbox keeps it (names lower-case, no trailing dot). */
export interface ZoneRecord {
  readonly name: string;
  readonly type: ZoneRecordType;
  /** Absent for alias records, which take their target's TTL. */
  readonly ttl?: number;
  readonly setIdentifier?: string;
  readonly failover?: 'PRIMARY' | 'SECONDARY';
  /** Latency routing region. */
  readonly region?: string;
  readonly weight?: number;
  /** Values in Route 53 text form (an address, a host name, an SOA line); empty for alias records. */
  readonly values: readonly string[];
  readonly aliasTarget?: AliasTarget;
  readonly healthCheckId?: string;
}

/** The sandbox's one hosted zone (records change through the state). */
export interface HostedZone {
  readonly id: string;
  /** Lower-case, no trailing dot. */
  readonly name: string;
  readonly callerReference: string;
  readonly comment: string;
  readonly nameServerHost: string;
  /** The VPCs a private zone is associated with; absent for a public zone. */
  readonly vpcs?: readonly { readonly vpcId: string; readonly region: string }[];
}

// Route 53's defaults for the records it creates with every zone.
const NS_TTL = 172800;
const SOA_TTL = 900;

/** Lower-cases a DNS name and drops the trailing dot so names compare as Route 53 compares them. */
export function normalizeDnsName(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/**
 * Builds the zone the topology describes: the apex NS and SOA Route 53 creates with every zone,
 * an address record for the name server (so the NS answer leads somewhere), each service's
 * records in its routing shape (failover chain, latency or weighted; plain A records or aliases
 * to the API Gateway regional domain names) and the topology's extra records.
 */
export function buildHostedZone(topology: ResolvedTopology, dnsHost: string): { readonly zone: HostedZone; readonly records: ZoneRecord[] } {
  const apex = normalizeDnsName(topology.hostedZone.name);
  const nameServer = `ns.${apex}`;
  const records: ZoneRecord[] = [
    { name: apex, type: 'NS', ttl: NS_TTL, values: [`${nameServer}.`] },
    { name: apex, type: 'SOA', ttl: SOA_TTL, values: [`${nameServer}. hostmaster.${apex}. 1 7200 900 1209600 86400`] },
    { name: nameServer, type: 'A', ttl: NS_TTL, values: [dnsHost] },
  ];
  for (const service of topology.services) records.push(...serviceRecords(topology, service));
  for (const record of topology.records) {
    records.push({
      name: normalizeDnsName(record.name),
      type: record.type,
      ...(record.ttl === undefined ? {} : { ttl: record.ttl }),
      values: record.values ?? [],
      ...(record.setIdentifier === undefined ? {} : { setIdentifier: record.setIdentifier }),
      ...(record.failover === undefined ? {} : { failover: record.failover }),
      ...(record.region === undefined ? {} : { region: record.region }),
      ...(record.weight === undefined ? {} : { weight: record.weight }),
      ...(record.healthCheckId === undefined ? {} : { healthCheckId: record.healthCheckId }),
      ...(record.aliasTarget === undefined
        ? {}
        : { aliasTarget: { ...record.aliasTarget, dnsName: normalizeDnsName(record.aliasTarget.dnsName) } }),
    });
  }
  records.sort(compareRecords);
  return {
    zone: {
      id: topology.hostedZone.id,
      name: apex,
      callerReference: `drdrill-sandbox-${topology.hostedZone.id}`,
      comment: 'drdrill embedded sandbox',
      nameServerHost: nameServer,
      ...(topology.hostedZone.vpcs === undefined ? {} : { vpcs: topology.hostedZone.vpcs }),
    },
    records,
  };
}

/** The key Route 53 lists record sets by: name with labels reversed, then type, then identifier. */
export interface RecordKey {
  readonly name: string;
  readonly type?: string;
  readonly setIdentifier?: string;
}

function reversedLabels(name: string): string {
  return normalizeDnsName(name).split('.').reverse().join('.');
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Orders record sets the way ListResourceRecordSets returns them. */
export function compareRecords(a: RecordKey, b: RecordKey): number {
  return (
    compareText(reversedLabels(a.name), reversedLabels(b.name)) ||
    compareText(a.type ?? '', b.type ?? '') ||
    compareText(a.setIdentifier ?? '', b.setIdentifier ?? '')
  );
}

/** True when two record sets are the same set (name, type, identifier). */
export function sameRecordSet(a: RecordKey, b: RecordKey): boolean {
  return compareRecords(a, b) === 0 && normalizeDnsName(a.name) === normalizeDnsName(b.name);
}
