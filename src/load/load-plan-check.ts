import { parseDnsServer } from '../net/dns-server-address.ts';
import type { LoadPlan } from './load-engine.ts';

/** A LoadPlan field out of range; the message names the field, the value and what was expected. */
export class LoadPlanError extends Error {
  override readonly name = 'LoadPlanError';
  readonly field: string;

  constructor(field: string, value: unknown, expected: string) {
    super(`load plan ${field} is ${JSON.stringify(value) ?? String(value)}; expected ${expected}`);
    this.field = field;
  }
}

/**
 * Checks a plan before any request goes out, and returns its URL parsed.
 *
 * @throws LoadPlanError naming the first bad field.
 */
export function checkLoadPlan(plan: LoadPlan): URL {
  let url: URL;
  try {
    url = new URL(plan.url);
  } catch {
    throw new LoadPlanError('url', plan.url, 'an absolute http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new LoadPlanError('url', plan.url, 'an http:// or https:// URL');
  }
  if (!Number.isFinite(plan.rate) || plan.rate <= 0) throw new LoadPlanError('rate', plan.rate, 'requests per second > 0');
  if (!Number.isFinite(plan.durationMs) || plan.durationMs < 0) {
    throw new LoadPlanError('durationMs', plan.durationMs, 'a finite number of ms >= 0');
  }
  if (!Number.isInteger(plan.maxRequests) || plan.maxRequests < 0) {
    throw new LoadPlanError('maxRequests', plan.maxRequests, 'an integer >= 0');
  }
  if (!Number.isFinite(plan.timeoutMs) || plan.timeoutMs <= 0) {
    throw new LoadPlanError('timeoutMs', plan.timeoutMs, 'a finite number of ms > 0');
  }
  if (plan.resolver !== undefined) {
    try {
      parseDnsServer(plan.resolver);
    } catch (error) {
      throw new LoadPlanError('resolver', plan.resolver, `a DNS server as host:port (${(error as Error).message})`);
    }
  }
  if (typeof plan.regionHeader !== 'string' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(plan.regionHeader)) {
    throw new LoadPlanError('regionHeader', plan.regionHeader, 'an HTTP header name such as x-region');
  }
  return url;
}
