import { parseDnsServer } from '../net/dns-server-address.ts';
import { COHORT_BEHAVIOUR, COHORT_MODELS } from './client-cohort.ts';
import type { LoadPlan, RampStage } from './load-engine.ts';
import { isHeaderName, loadRequestProblems, type LoadRequest } from './load-request.ts';

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
  const url = checkUrl('url', plan.url);
  // A ramp may start from nothing (k6's startRate defaults to 0); a constant rate may not.
  if (!Number.isFinite(plan.rate) || plan.rate < 0 || (plan.rate === 0 && plan.ramp === undefined)) {
    throw new LoadPlanError('rate', plan.rate, plan.ramp === undefined ? 'requests per second > 0' : 'requests per second >= 0');
  }
  if (plan.ramp !== undefined) checkRamp('ramp', plan.ramp);
  if (plan.targets !== undefined) {
    if (!Array.isArray(plan.targets) || plan.targets.length === 0) {
      throw new LoadPlanError('targets', plan.targets, 'a non-empty list of { name, url } or no targets field');
    }
    const names = new Set<string>();
    plan.targets.forEach((target, i) => {
      if (typeof target.name !== 'string' || target.name === '') throw new LoadPlanError(`targets[${i}].name`, target.name, 'a non-empty name');
      if (names.has(target.name)) throw new LoadPlanError(`targets[${i}].name`, target.name, 'a name not used by another target');
      names.add(target.name);
      checkUrl(`targets[${i}].url`, target.url);
      if (target.rate !== undefined && (!Number.isFinite(target.rate) || target.rate <= 0)) {
        throw new LoadPlanError(`targets[${i}].rate`, target.rate, 'requests per second > 0');
      }
      if (target.ramp !== undefined) checkRamp(`targets[${i}].ramp`, target.ramp);
      if (target.regionHeader !== undefined) checkHeader(`targets[${i}].regionHeader`, target.regionHeader);
      if (target.request !== undefined) checkRequest(`targets[${i}].request`, target.request);
    });
  }
  if (plan.dnsTtl !== undefined && plan.dnsTtl !== 'honour' && plan.dnsTtl !== 'ignore') {
    throw new LoadPlanError('dnsTtl', plan.dnsTtl, '"honour" or "ignore"');
  }
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
  checkHeader('regionHeader', plan.regionHeader);
  if (plan.request !== undefined) checkRequest('request', plan.request);
  if (plan.clients !== undefined) checkClients(plan);
  return url;
}

function checkClients(plan: LoadPlan): void {
  const clients = plan.clients ?? [];
  if (clients.length === 0) throw new LoadPlanError('clients', clients, 'a non-empty list of cohorts or no clients field');
  const names = new Set<string>();
  let total = 0;
  clients.forEach((cohort, i) => {
    if (typeof cohort.name !== 'string' || cohort.name === '' || names.has(cohort.name)) {
      throw new LoadPlanError(`clients[${i}].name`, cohort.name, 'a non-empty name no other cohort uses');
    }
    names.add(cohort.name);
    if (!(COHORT_MODELS as readonly string[]).includes(cohort.model)) throw new LoadPlanError(`clients[${i}].model`, cohort.model, `one of ${COHORT_MODELS.join(', ')}`);
    if (!Number.isFinite(cohort.share) || cohort.share <= 0 || cohort.share > 100) {
      throw new LoadPlanError(`clients[${i}].share`, cohort.share, 'a percentage of the rate above 0 and at most 100');
    }
    total += cohort.share;
    const dns = COHORT_BEHAVIOUR[cohort.model].dns;
    if (dns === 'fixed' && !(cohort.dnsCacheMs === Number.POSITIVE_INFINITY || (Number.isFinite(cohort.dnsCacheMs) && (cohort.dnsCacheMs ?? 0) > 0))) {
      throw new LoadPlanError(`clients[${i}].dnsCacheMs`, cohort.dnsCacheMs, 'a cache length in ms above 0 (Infinity for forever)');
    }
    // A cache needs answers with TTLs from a resolver drdrill asks itself, not the system's lookup.
    if (dns !== 'ignore' && plan.resolver === undefined) {
      throw new LoadPlanError(`clients[${i}].model`, cohort.model, 'a model without a DNS cache (fresh, sticky), or a plan with a resolver (environment loadResolver)');
    }
  });
  if (Math.abs(total - 100) > 1e-6) throw new LoadPlanError('clients', clients.map((cohort) => cohort.share), 'shares adding up to 100 (percent of the rate)');
}

/** One target of a plan with every fallback applied: what an engine loads. */
export interface ResolvedTarget {
  readonly name: string;
  readonly url: URL;
  readonly rate: number;
  readonly ramp?: readonly RampStage[];
  readonly regionHeader: string;
  /** What each request sends besides the URL; `{}` is a plain GET. */
  readonly request: LoadRequest;
}

/**
 * The targets of a checked plan: `plan.targets` with the plan's rate, ramp and region header
 * filled in, or the plan's own url and target when it has no list.
 */
export function loadTargetsOf(plan: LoadPlan): ResolvedTarget[] {
  const list = plan.targets ?? [{ name: plan.target, url: plan.url, ...(plan.request === undefined ? {} : { request: plan.request }) }];
  return list.map((target) => {
    const ramp = target.ramp ?? (target.rate === undefined ? plan.ramp : undefined);
    return {
      name: target.name,
      url: new URL(target.url),
      rate: target.rate ?? plan.rate,
      ...(ramp === undefined ? {} : { ramp }),
      regionHeader: target.regionHeader ?? plan.regionHeader,
      request: target.request ?? {},
    };
  });
}

function checkUrl(field: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new LoadPlanError(field, value, 'an absolute http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new LoadPlanError(field, value, 'an http:// or https:// URL');
  return url;
}

function checkRequest(field: string, request: LoadRequest): void {
  const [problem] = loadRequestProblems(request);
  if (problem !== undefined) throw new LoadPlanError([field, ...problem.path].join('.'), problem.value, problem.expected);
}

function checkRamp(field: string, ramp: readonly RampStage[]): void {
  if (!Array.isArray(ramp) || ramp.length === 0) throw new LoadPlanError(field, ramp, 'a non-empty list of { target, durationMs } stages');
  ramp.forEach((stage, i) => {
    if (!Number.isFinite(stage.target) || stage.target < 0) {
      throw new LoadPlanError(`${field}[${i}].target`, stage.target, 'requests per second >= 0');
    }
    if (!Number.isFinite(stage.durationMs) || stage.durationMs <= 0) {
      throw new LoadPlanError(`${field}[${i}].durationMs`, stage.durationMs, 'a finite number of ms > 0');
    }
  });
}

function checkHeader(field: string, value: unknown): void {
  if (typeof value !== 'string' || !isHeaderName(value)) {
    throw new LoadPlanError(field, value, 'an HTTP header name such as x-region');
  }
}
