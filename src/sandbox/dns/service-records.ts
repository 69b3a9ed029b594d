import { apiGatewayZoneId } from '../topology/resolve-topology.ts';
import type { ResolvedDeployment, ResolvedService, ResolvedTopology } from '../topology/resolve-topology.ts';
import { normalizeDnsName } from './hosted-zone.ts';
import type { ZoneRecord } from './hosted-zone.ts';

/** `<service>-chain-<n>.<zone>`: the failover pair the (n-1)-th pair's SECONDARY aliases to. */
export function chainRecordName(service: ResolvedService, zone: string, n: number): string {
  return `${service.name}-chain-${n}.${normalizeDnsName(zone)}`;
}

/**
 * The record sets a service's routing shape needs, each region's record tied to its record
 * health check:
 * - failover: a PRIMARY/SECONDARY pair at the service's name; with more than two regions each
 *   SECONDARY is an alias (EvaluateTargetHealth) to the next pair (`<service>-chain-2.<zone>`, …),
 *   whose PRIMARY is the next region, and the last pair's SECONDARY is the last region;
 * - latency: one record set per region, tagged with the region;
 * - weighted: one record set per region with the deployment's weight.
 */
export function serviceRecords(topology: ResolvedTopology, service: ResolvedService): readonly ZoneRecord[] {
  const name = normalizeDnsName(service.recordName);
  const regional = (d: ResolvedDeployment, recordName: string, setIdentifier: string): ZoneRecord => regionalRecord(topology, service, d, recordName, setIdentifier);
  switch (service.routing) {
    case 'latency':
      return service.deployments.map((d) => ({ ...regional(d, name, `${service.name}-${d.region}`), region: d.region }));
    case 'weighted':
      return service.deployments.map((d) => ({ ...regional(d, name, `${service.name}-${d.region}`), weight: d.weight }));
    case 'failover':
      return failoverChain(topology, service, name, regional);
  }
}

function failoverChain(
  topology: ResolvedTopology,
  service: ResolvedService,
  name: string,
  regional: (d: ResolvedDeployment, recordName: string, setIdentifier: string) => ZoneRecord,
): readonly ZoneRecord[] {
  const records: ZoneRecord[] = [];
  const deployments = service.deployments;
  // Pair k (1-based) answers region k first; its SECONDARY is region k+1 for the last pair, else
  // an alias to pair k+1. The first pair keeps the names it has always had.
  for (let k = 1; k < deployments.length; k += 1) {
    const primary = deployments[k - 1];
    const next = deployments[k];
    if (primary === undefined || next === undefined) continue;
    const pairName = k === 1 ? name : chainRecordName(service, topology.hostedZone.name, k);
    const id = k === 1 ? service.name : `${service.name}-chain-${k}`;
    records.push({ ...regional(primary, pairName, `${id}-primary`), failover: 'PRIMARY' });
    if (k === deployments.length - 1) {
      records.push({ ...regional(next, pairName, `${id}-secondary`), failover: 'SECONDARY' });
    } else {
      records.push({
        name: pairName,
        // An alias takes the type of the records it points at.
        type: service.failoverRecords === 'cname' ? 'CNAME' : 'A',
        setIdentifier: `${id}-secondary`,
        failover: 'SECONDARY',
        values: [],
        aliasTarget: { hostedZoneId: topology.hostedZone.id, dnsName: chainRecordName(service, topology.hostedZone.name, k + 1), evaluateTargetHealth: true },
      });
    }
  }
  return records;
}

/** A region's record: its address, an alias to its API Gateway regional domain name, or a CNAME to it. */
function regionalRecord(topology: ResolvedTopology, service: ResolvedService, d: ResolvedDeployment, name: string, setIdentifier: string): ZoneRecord {
  const base = { name, type: 'A' as const, setIdentifier, healthCheckId: d.recordHealthCheckId };
  if (service.failoverRecords === 'cname') return { ...base, type: 'CNAME', ttl: service.ttl, values: [d.regionalDomainName] };
  if (service.failoverRecords === 'alias') {
    return { ...base, values: [], aliasTarget: { hostedZoneId: apiGatewayZoneId(d.region), dnsName: d.regionalDomainName, evaluateTargetHealth: true } };
  }
  const address = topology.regions.find((r) => r.name === d.region)?.address ?? d.address;
  return { ...base, ttl: service.ttl, values: [address] };
}
