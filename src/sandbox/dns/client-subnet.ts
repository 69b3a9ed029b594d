import ipaddr from 'ipaddr.js';
import type { Packet, PacketOpt } from 'dns-packet';
import type { ClientSubnet } from '../../net/client-subnet.ts';

export type { ClientSubnet };

// RFC 7871 §6: the option's code in the OPT record.
const CLIENT_SUBNET_CODE = 8;

/** The query's OPT record (EDNS, RFC 6891 §6.1.1), if it has one. */
export function optRecordOf(query: Packet): Extract<NonNullable<Packet['additionals']>[number], { type: 'OPT' }> | undefined {
  for (const record of query.additionals ?? []) if (record.type === 'OPT') return record;
  return undefined;
}

/** The query's CLIENT_SUBNET option, if its OPT record carries a well-formed one. */
export function clientSubnetOf(query: Packet): ClientSubnet | undefined {
  const option = optRecordOf(query)?.options?.find((o) => o.code === CLIENT_SUBNET_CODE);
  if (option === undefined || !('ip' in option) || option.ip === undefined) return undefined;
  const { family, sourcePrefixLength, ip } = option;
  if ((family !== 1 && family !== 2) || sourcePrefixLength === undefined) return undefined;
  return { family, sourcePrefixLength, address: ip };
}

/** True when `address` is inside the subnet (same address family, first `sourcePrefixLength` bits equal). */
export function subnetContains(subnet: ClientSubnet, address: string): boolean {
  if (!ipaddr.isValid(address) || !ipaddr.isValid(subnet.address)) return false;
  const ip = ipaddr.parse(address);
  const network = ipaddr.parse(subnet.address);
  if (ip.kind() === 'ipv4' && network.kind() === 'ipv4') return (ip as ipaddr.IPv4).match(network as ipaddr.IPv4, subnet.sourcePrefixLength);
  if (ip.kind() === 'ipv6' && network.kind() === 'ipv6') return (ip as ipaddr.IPv6).match(network as ipaddr.IPv6, subnet.sourcePrefixLength);
  return false;
}

/**
 * The option a response carries back (RFC 7871 §7.2.1): family, source prefix and address as
 * the query gave them, and the scope prefix the answer is valid for: the source prefix when the
 * answer depended on the client's location, 0 when every client gets the same.
 */
export function clientSubnetReply(subnet: ClientSubnet, dependsOnClient: boolean): PacketOpt {
  return {
    code: CLIENT_SUBNET_CODE,
    family: subnet.family,
    sourcePrefixLength: subnet.sourcePrefixLength,
    scopePrefixLength: dependsOnClient ? subnet.sourcePrefixLength : 0,
    ip: subnet.address,
  };
}
