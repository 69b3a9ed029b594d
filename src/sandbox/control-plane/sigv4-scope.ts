/** The part of a SigV4 signature that names who the request is for. */
export interface SigV4Scope {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
}

// Credential=AKID/20261120/us-east-1/lambda/aws4_request; the access key id never contains '/'.
const CREDENTIAL = /Credential=([^/,\s]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request/i;

/**
 * Reads the credential scope from an `Authorization` header. The signature itself is not
 * verified: the sandbox only needs to know which service and region the caller meant, exactly
 * as an AWS front end routes by scope before it authenticates.
 *
 * @returns the scope, or undefined when the header is missing or not SigV4.
 */
export function parseSigV4Scope(authorization: string | undefined): SigV4Scope | undefined {
  if (authorization === undefined || !authorization.startsWith('AWS4-HMAC-SHA256')) return undefined;
  const match = CREDENTIAL.exec(authorization);
  if (match === null) return undefined;
  const [, accessKeyId, date, region, service] = match;
  if (accessKeyId === undefined || date === undefined || region === undefined || service === undefined) {
    return undefined;
  }
  return { accessKeyId, date, region, service: service.toLowerCase() };
}
