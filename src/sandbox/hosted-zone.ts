import type { SandboxTopology } from './topology.ts';

/** A record type the sandbox zone holds. */
export type ZoneRecordType = 'A' | 'NS' | 'SOA';

/** One Route 53 resource record set, as the sandbox keeps it (names lower-case, no trailing dot). */
export interface ZoneRecord {
  readonly name: string;
  readonly type: ZoneRecordType;
  readonly ttl: number;
  readonly setIdentifier?: string;
  readonly failover?: 'PRIMARY' | 'SECONDARY';
  /** Values in Route 53 text form (an address, a host name, an SOA line). */
  readonly values: readonly string[];
  readonly healthCheckId?: string;
}

/** The sandbox's one hosted zone. */
export interface HostedZone {
  readonly id: string;
  /** Lower-case, no trailing dot. */
  readonly name: string;
  readonly callerReference: string;
  readonly comment: string;
  readonly nameServerHost: string;
  readonly records: readonly ZoneRecord[];
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
 * Builds the zone the topology describes: the apex NS and SOA Route 53 creates with every
 * zone, an address record for the name server (so the NS answer leads somewhere), and for each
 * service a PRIMARY/SECONDARY failover pair, each tied to its deployment's health check.
 */
export function buildHostedZone(topology: SandboxTopology, dnsHost: string): HostedZone {
  const apex = normalizeDnsName(topology.hostedZone.name);
  const nameServer = `ns.${apex}`;
  const addressOf = new Map(topology.regions.map((r) => [r.name, r.address]));
  const records: ZoneRecord[] = [
    { name: apex, type: 'NS', ttl: NS_TTL, values: [`${nameServer}.`] },
    {
      name: apex,
      type: 'SOA',
      ttl: SOA_TTL,
      values: [`${nameServer}. hostmaster.${apex}. 1 7200 900 1209600 86400`],
    },
    { name: nameServer, type: 'A', ttl: NS_TTL, values: [dnsHost] },
  ];
  for (const service of topology.services) {
    const pair = [
      { region: service.primaryRegion, role: 'PRIMARY', suffix: 'primary' },
      { region: service.secondaryRegion, role: 'SECONDARY', suffix: 'secondary' },
    ] as const;
    for (const { region, role, suffix } of pair) {
      const address = addressOf.get(region);
      const deployment = service.deployments.find((d) => d.region === region);
      if (address === undefined) {
        throw new Error(`topology.services[${service.name}]: region "${region}" is not in topology.regions`);
      }
      records.push({
        name: normalizeDnsName(service.recordName),
        type: 'A',
        ttl: service.ttl,
        setIdentifier: `${service.name}-${suffix}`,
        failover: role,
        values: [address],
        ...(deployment === undefined ? {} : { healthCheckId: deployment.healthCheckId }),
      });
    }
  }
  records.sort(compareRecords);
  return {
    id: topology.hostedZone.id,
    name: apex,
    callerReference: `drdrill-sandbox-${topology.hostedZone.id}`,
    comment: 'drdrill embedded sandbox',
    nameServerHost: nameServer,
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
