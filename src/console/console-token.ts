import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 256 bits from the system's CSPRNG: the console's only lock, so well past the 128 bits a guess would need. */
const TOKEN_BYTES = 32;

/** A fresh random token for one console, URL-safe. */
export function newConsoleToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/**
 * Whether `given` is the token, in time that does not depend on where they differ. Both sides are
 * hashed first so that neither the comparison nor its length check tells a prober anything.
 */
export function tokenMatches(token: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(token), digest(given));
}
