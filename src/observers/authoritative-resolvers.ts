import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { GetHostedZoneCommand, type Route53Client } from '@aws-sdk/client-route-53';

export interface AuthoritativeResolversOptions {
  readonly route53: Route53Client;
  /** With or without the `/hostedzone/` prefix. */
  readonly hostedZoneId: string;
  /**
   * Port to query; default: the one the sandbox names in the delegation set's CallerReference,
   * else 53 (real Route 53 name servers).
   */
  readonly port?: number;
  /** Turns a name server's host name into an IPv4 address; default `dns.promises.lookup`. */
  readonly lookup?: (hostname: string) => Promise<string>;
  readonly signal?: AbortSignal;
}

/** The hosted zone has no name servers to ask (a private zone has no delegation set). */
export class NoDelegationSetError extends Error {
  override readonly name = 'NoDelegationSetError';
}

/**
 * The sandbox's delegation set names its DNS by address only; the port is in the CallerReference:
 * `drdrill-sandbox: authoritative DNS at 127.0.0.1 port 5353 (UDP and TCP)`.
 */
const SANDBOX_REFERENCE = /authoritative DNS at (\S+) port (\d{1,5})\b/;

/**
 * The zone's authoritative Route 53 name servers as `host:port` resolver strings for the DNS
 * prober, read from GetHostedZone's DelegationSet. Asking them directly shows when Route 53
 * itself changed its answer, with no resolver cache in between: the gap to what recursive
 * resolvers answer is the TTL effect.
 *
 * Name servers given by host name (`ns-123.awsdns-45.com`) are resolved to IPv4 addresses once,
 * here, because the prober takes IP literals. Duplicates are dropped; order is the zone's.
 *
 * @throws NoDelegationSetError when the zone lists no name servers; SDK errors (NoSuchHostedZone,
 *   AccessDenied) and lookup errors propagate.
 */
export async function authoritativeResolvers(options: AuthoritativeResolversOptions): Promise<string[]> {
  const id = options.hostedZoneId.replace(/^\/?hostedzone\//, '');
  const response = await options.route53.send(
    new GetHostedZoneCommand({ Id: id }),
    options.signal === undefined ? {} : { abortSignal: options.signal },
  );
  const set = response.DelegationSet;
  const names = (set?.NameServers ?? []).map((name) => name.trim().replace(/\.$/, '')).filter((name) => name !== '');
  if (names.length === 0) {
    throw new NoDelegationSetError(
      `hosted zone ${id} has no delegation set name servers (is it a private zone?), so there is no authoritative server to probe`,
    );
  }
  const port = options.port ?? sandboxPort(set?.CallerReference) ?? 53;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new RangeError(`authoritativeResolvers port: ${port} is not a port number (1–65535)`);
  }
  const lookup = options.lookup ?? defaultLookup;
  const resolvers: string[] = [];
  for (const name of names) {
    const address = isIP(name) === 0 ? await lookup(name) : name;
    const resolver = isIP(address) === 6 ? `[${address}]:${port}` : `${address}:${port}`;
    if (!resolvers.includes(resolver)) resolvers.push(resolver);
  }
  return resolvers;
}

function sandboxPort(callerReference: string | undefined): number | undefined {
  const match = callerReference === undefined ? null : SANDBOX_REFERENCE.exec(callerReference);
  return match?.[2] === undefined ? undefined : Number(match[2]);
}

async function defaultLookup(hostname: string): Promise<string> {
  const { address } = await dnsLookup(hostname, { family: 4 });
  return address;
}
