import type { LookupAddress, LookupOptions } from 'node:dns';
import { queryA, type DnsAnswer } from './dns-query.ts';

/** Node's `lookup` hook signature (net.connect / http.request option). */
export type LookupHook = (
  hostname: string,
  options: LookupOptions,
  callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
) => void;

/** A failed resolution, shaped like Node's own DNS errors (`code`, `hostname`). */
export class DnsLookupError extends Error {
  override readonly name = 'DnsLookupError';
  readonly code: string;
  readonly hostname: string;
  readonly rcode: string;

  constructor(hostname: string, resolver: string, answer: Pick<DnsAnswer, 'rcode' | 'error'>) {
    const detail = answer.error === undefined ? answer.rcode : `${answer.rcode} (${answer.error})`;
    super(`resolving ${hostname} through ${resolver}: ${detail}`);
    this.code = dnsErrorCode(answer.rcode);
    this.hostname = hostname;
    this.rcode = answer.rcode;
  }
}

/**
 * Transport error code for an answer without addresses, in the spirit of Node's codes:
 * `ENOTFOUND` when the name has no A record (NXDOMAIN, or NOERROR with no data), otherwise
 * `EDNS_<RCODE>`: `EDNS_TIMEOUT`, `EDNS_ERROR` (socket failure), `EDNS_SERVFAIL`, `EDNS_REFUSED`, …
 * (where getaddrinfo would say EAI_AGAIN / EAI_FAIL, this keeps what the resolver said).
 */
export function dnsErrorCode(rcode: string): string {
  return rcode === 'NXDOMAIN' || rcode === 'NOERROR' ? 'ENOTFOUND' : `EDNS_${rcode}`;
}

/**
 * A `lookup` hook that resolves every call with a fresh A query to `resolver` (no cache: each new
 * connection sees the current answer, which is the point during a failover) and yields the first
 * address of the sorted answer.
 */
export function createDnsLookup(resolver: string, timeoutMs: number): LookupHook {
  return (hostname, options, callback) => {
    let pending: Promise<DnsAnswer>;
    try {
      pending = queryA(resolver, hostname, { timeoutMs });
    } catch (error) {
      // net calls lookup synchronously inside connect(); errors must still arrive asynchronously.
      const failure = error instanceof Error ? error : new Error(String(error));
      process.nextTick(() => callback(Object.assign(failure, { code: 'EDNS_BADNAME' }), options.all === true ? [] : ''));
      return;
    }
    pending.then(
      (answer) => {
        const first = answer.addresses[0];
        if (answer.rcode !== 'NOERROR' || first === undefined) {
          callback(new DnsLookupError(hostname, resolver, answer), options.all === true ? [] : '');
        } else if (options.all === true) {
          callback(null, [{ address: first, family: 4 }]);
        } else {
          callback(null, first, 4);
        }
      },
      (error: unknown) => {
        const failure = error instanceof Error ? error : new Error(String(error));
        callback(Object.assign(failure, { code: 'EDNS_ERROR' }), options.all === true ? [] : '');
      },
    );
  };
}
