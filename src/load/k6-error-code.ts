/**
 * k6's error codes for failed requests (the `error_code` tag; see k6's "Error codes" reference),
 * mapped to the Node-style codes the built-in engine writes, so both engines' samples read alike.
 */
const BY_CODE: ReadonlyMap<number, string> = new Map([
  [1050, 'ETIMEDOUT'], // request timeout
  [1100, 'EDNS_ERROR'], // generic DNS error
  [1101, 'ENOTFOUND'], // no IP for the name
  [1110, 'EBLOCKED'], // blacklisted IP
  [1111, 'EBLOCKED'], // blocked hostname
  [1201, 'EPIPE'],
  [1210, 'ECONNECT'], // generic dial error
  [1211, 'ETIMEDOUT'], // dial timeout
  [1212, 'ECONNREFUSED'],
  [1220, 'ECONNRESET'],
]);

/**
 * Node-style transport error for a k6 `error_code` tag: `ETIMEDOUT`, `ECONNREFUSED`, `ENOTFOUND`,
 * `ECONNRESET`, `ETLS` (1300–1399), or `K6_<code>` for codes without a close Node equivalent.
 */
export function errorForK6Code(code: number): string {
  const known = BY_CODE.get(code);
  if (known !== undefined) return known;
  if (code >= 1300 && code < 1400) return 'ETLS';
  return `K6_${code}`;
}
