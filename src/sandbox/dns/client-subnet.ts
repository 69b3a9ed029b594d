import { isIPv4 } from 'node:net';
import type { Packet, PacketOpt } from 'dns-packet';

/** An EDNS Client Subnet option (RFC 7871 §6) as a query carries it. */
export interface ClientSubnet {
  /** 1: IPv4, 2: IPv6 (IANA address family numbers). */
  readonly family: number;
  readonly sourcePrefixLength: number;
  /** The address, with the bits past the source prefix zeroed. */
  readonly address: string;
}

// RFC 7871 §6: the option's code in the OPT record.
const CLIENT_SUBNET_CODE = 8;
const IPV4_FAMILY = 1;

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
  if (family === undefined || sourcePrefixLength === undefined) return undefined;
  return { family, sourcePrefixLength, address: ip };
}

/** True when `address` is inside the subnet (IPv4 only: every sandbox client is on 127.0.0.0/8). */
export function subnetContains(subnet: ClientSubnet, address: string): boolean {
  if (subnet.family !== IPV4_FAMILY || !isIPv4(address) || !isIPv4(subnet.address)) return false;
  const bits = Math.min(32, Math.max(0, subnet.sourcePrefixLength));
  if (bits === 0) return true;
  const mask = bits === 32 ? 0xffffffff : (~(0xffffffff >>> bits)) >>> 0;
  return ((ipv4Number(address) & mask) >>> 0) === ((ipv4Number(subnet.address) & mask) >>> 0);
}

function ipv4Number(address: string): number {
  return address.split('.').reduce((n, octet) => ((n << 8) | Number(octet)) >>> 0, 0);
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
