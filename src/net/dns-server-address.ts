import { isIP } from 'node:net';

/** A DNS server to send queries to, parsed from `host:port`. */
export interface DnsServerAddress {
  /** IP literal, without brackets. */
  readonly host: string;
  readonly port: number;
  readonly family: 4 | 6;
}

/** A DNS server string that is not an IP literal with an optional port. */
export class InvalidDnsServerError extends Error {
  override readonly name = 'InvalidDnsServerError';
  readonly server: string;

  constructor(server: string, reason: string) {
    super(
      `invalid DNS server ${JSON.stringify(server)}: ${reason}; expected an IP address with an optional port, ` +
        `like 127.0.0.1:5353, 10.0.0.2, [::1]:53 or ::1`,
    );
    this.server = server;
  }
}

const DEFAULT_DNS_PORT = 53;

/**
 * Parses `host:port`, `host`, `[v6]:port`, `[v6]` or a bare IPv6 literal. The host must be an IP
 * literal: naming a DNS server by hostname would need another DNS server to find it. A missing
 * port means 53.
 *
 * @throws InvalidDnsServerError when the string is not one of those forms.
 */
export function parseDnsServer(server: string): DnsServerAddress {
  if (typeof server !== 'string' || server.trim() === '') throw new InvalidDnsServerError(String(server), 'empty');
  const text = server.trim();
  let host: string;
  let portText: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close === -1) throw new InvalidDnsServerError(server, 'missing "]" after the IPv6 address');
    host = text.slice(1, close);
    const rest = text.slice(close + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) throw new InvalidDnsServerError(server, `unexpected ${JSON.stringify(rest)} after "]"`);
      portText = rest.slice(1);
    }
    if (isIP(host) !== 6) throw new InvalidDnsServerError(server, `${JSON.stringify(host)} is not an IPv6 address`);
  } else if (isIP(text) === 6) {
    // A bare IPv6 literal: its colons are not a port separator.
    host = text;
  } else {
    const colon = text.lastIndexOf(':');
    if (colon === -1) {
      host = text;
    } else {
      host = text.slice(0, colon);
      portText = text.slice(colon + 1);
    }
    if (isIP(host) !== 4) {
      throw new InvalidDnsServerError(server, `${JSON.stringify(host)} is not an IP address (IPv6 needs brackets with a port)`);
    }
  }
  let port = DEFAULT_DNS_PORT;
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText)) throw new InvalidDnsServerError(server, `port ${JSON.stringify(portText)} is not a number`);
    port = Number(portText);
    if (port < 1 || port > 65535) throw new InvalidDnsServerError(server, `port ${port} is outside 1..65535`);
  }
  return { host, port, family: isIP(host) === 6 ? 6 : 4 };
}

/** Formats an address back to `host:port` (`[v6]:port` for IPv6). */
export function formatDnsServer(address: DnsServerAddress): string {
  return address.family === 6 ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}
