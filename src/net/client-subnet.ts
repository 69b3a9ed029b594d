import ipaddr from 'ipaddr.js';

/** An EDNS Client Subnet (RFC 7871) as it goes on the wire: the address already cut to its prefix. */
export interface ClientSubnet {
  /** Address family number from RFC 7871 (IANA address family): 1 IPv4, 2 IPv6. */
  readonly family: 1 | 2;
  /** The network address, every bit past `sourcePrefixLength` zero. */
  readonly address: string;
  readonly sourcePrefixLength: number;
}

/** A client subnet string that is not `address/prefix` with a network address. */
export class InvalidClientSubnetError extends Error {
  override readonly name = 'InvalidClientSubnetError';
  readonly subnet: string;

  constructor(subnet: string, reason: string) {
    super(`invalid client subnet ${JSON.stringify(subnet)}: ${reason}; expected a network in CIDR form such as 203.0.113.0/24 or 2001:db8::/56`);
    this.subnet = subnet;
  }
}

/**
 * Parses `203.0.113.0/24` or `2001:db8::/56`. Host bits must be zero: RFC 7871 §6 requires the
 * address to be truncated to the prefix, so a written `203.0.113.7/24` is an error that names the
 * network meant rather than a silent fix.
 *
 * @throws InvalidClientSubnetError for anything else.
 */
export function parseClientSubnet(subnet: string): ClientSubnet {
  if (typeof subnet !== 'string') throw new InvalidClientSubnetError(String(subnet), 'not a string');
  let parsed: [ipaddr.IPv4 | ipaddr.IPv6, number];
  try {
    parsed = ipaddr.parseCIDR(subnet);
  } catch {
    throw new InvalidClientSubnetError(subnet, 'not an IP address with a /prefix in range (0..32 for IPv4, 0..128 for IPv6)');
  }
  const [address, sourcePrefixLength] = parsed;
  const network =
    address.kind() === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(subnet) : ipaddr.IPv6.networkAddressFromCIDR(subnet);
  if (network.toString() !== address.toString()) {
    throw new InvalidClientSubnetError(subnet, `host bits are set past /${sourcePrefixLength} (the network is ${network.toString()}/${sourcePrefixLength})`);
  }
  return { family: address.kind() === 'ipv4' ? 1 : 2, address: network.toString(), sourcePrefixLength };
}
