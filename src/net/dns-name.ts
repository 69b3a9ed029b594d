/** A DNS name that cannot be put in a query. */
export class InvalidDnsNameError extends Error {
  override readonly name = 'InvalidDnsNameError';
  readonly dnsName: string;

  constructor(dnsName: string, reason: string) {
    super(`invalid DNS name ${JSON.stringify(dnsName)}: ${reason}; expected a name like api.example.com`);
    this.dnsName = dnsName;
  }
}

const MAX_NAME_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;

/**
 * Lower-cases a DNS name and drops one trailing dot, so names compare equal however they were
 * written (DNS names are case-insensitive).
 *
 * @throws InvalidDnsNameError for empty names, empty labels, labels over 63 bytes, names over 253
 *   bytes, or characters that cannot appear in a hostname label (whitespace, control characters).
 */
export function normalizeDnsName(name: string): string {
  if (typeof name !== 'string') throw new InvalidDnsNameError(String(name), 'not a string');
  const trimmed = name.endsWith('.') ? name.slice(0, -1) : name;
  if (trimmed === '') throw new InvalidDnsNameError(name, 'empty');
  if (trimmed.length > MAX_NAME_LENGTH) throw new InvalidDnsNameError(name, `longer than ${MAX_NAME_LENGTH} characters`);
  for (const label of trimmed.split('.')) {
    if (label === '') throw new InvalidDnsNameError(name, 'empty label (two dots in a row or a leading dot)');
    if (label.length > MAX_LABEL_LENGTH) {
      throw new InvalidDnsNameError(name, `label ${JSON.stringify(label)} is longer than ${MAX_LABEL_LENGTH} characters`);
    }
    // Printable ASCII except space; underscores and the like are legal in DNS even if not in hostnames.
    if (!/^[\x21-\x7e]+$/.test(label)) {
      throw new InvalidDnsNameError(name, `label ${JSON.stringify(label)} has whitespace, control or non-ASCII characters`);
    }
  }
  return trimmed.toLowerCase();
}
