import { z } from 'zod';
import { regionRefSchema, resolveRegionRef, regionRefProblem, type RegionRef } from '../drill/region-ref.ts';
import { SampleStore } from '../load/sample-store.ts';
import type { FaultEvent, Timeline } from '../runner/timeline.ts';
import { chainOf, type AssertionContext, type ServiceContext } from './assertion-context.ts';
import type { Figure } from './figure.ts';

/**
 * `service` and `region` of every built-in assertion: judge one service of a drill that observes
 * several, and one region of its chain. What `region` means is the assertion's own: where traffic
 * should be (steady-state, region-share), where it shifts to (rto, dns-convergence `to`), where it
 * comes back to (failback), whose requests are counted (error-budget).
 */
export const scopeOptions = {
  service: z.string().min(1, 'expected the name of a service the drill loads').optional(),
  region: regionRefSchema.optional(),
};

/** `fault` of rto and dns-convergence: time from this fault's injection, not the first one's. */
export const faultOption = z.string().min(1, 'expected the name of one of the drill\'s faults').optional();

/** What an assertion is evaluated against once its scope is applied. */
export interface Scoped {
  readonly timeline: Timeline;
  readonly context: AssertionContext;
  /** The service judged, and the AWS region the assertion's `region` (or its default) names. */
  readonly service: string | undefined;
}

/** Which slot of the context an assertion's `region` fills: the region it expects, or the one traffic moves to. */
export type RegionSlot = 'home' | 'destination' | 'counted';

interface ScopeSpec {
  readonly service?: string | undefined;
  readonly region?: RegionRef | undefined;
  readonly fault?: string | undefined;
}

const cache = new WeakMap<Timeline, Map<string, Timeline>>();

/**
 * The timeline and context one assertion judges: only its service's samples, DNS answers and
 * health readings, its service's region chain, `region` placed in the slot the assertion reads,
 * and with `fault`, that fault's window (from its injection to the next fault's, or its rollback).
 * A sentence instead when the scope names nothing that exists.
 */
export function scopeAssertion(timeline: Timeline, spec: ScopeSpec, context: AssertionContext, slot: RegionSlot): Scoped | { readonly problem: string } {
  const serviceName = spec.service ?? context.defaultService;
  const service = serviceName === undefined ? undefined : context.services?.[serviceName];
  if (spec.service !== undefined && service === undefined) {
    return { problem: `service "${spec.service}" is not loaded by the drill (it loads: ${Object.keys(context.services ?? {}).join(', ') || 'none known'})` };
  }
  let scopedContext = service === undefined ? context : contextOfService(context, service);
  // With one service observed its timeline is the whole timeline; with several, an assertion that
  // names none judges the drill's own service, never a mix of them.
  const several = Object.keys(context.services ?? {}).length > 1;
  let scopedTimeline = serviceName === undefined || service === undefined || (spec.service === undefined && !several) ? timeline : timelineOfService(timeline, serviceName, service);
  if (spec.region !== undefined) {
    const regions = chainOf(scopedContext);
    const region = resolveRegionRef(spec.region, regions);
    if (region === undefined) return { problem: regionRefProblem(spec.region, regions, `service "${serviceName ?? ''}"`) ?? 'unknown region' };
    scopedContext = placeRegion(scopedContext, regions, region, slot, service);
    if (slot === 'counted') scopedTimeline = timelineOfRegion(scopedTimeline, region);
  }
  if (spec.fault !== undefined) {
    const faults = faultWindow(scopedTimeline.faults, spec.fault);
    if (faults === undefined) {
      const names = [...new Set(timeline.faults.map((event) => event.fault).filter((name) => name !== undefined))];
      return { problem: `fault "${spec.fault}" never went in (faults that did: ${names.join(', ') || 'none'})` };
    }
    scopedTimeline = { ...scopedTimeline, faults };
  }
  return { timeline: scopedTimeline, context: scopedContext, service: serviceName };
}

/** A figure measured on one service of several: `rto` becomes `service1:rto`. */
export function ofService(figure: Figure, service: string | undefined): Figure {
  return service === undefined ? figure : { ...figure, name: `${service}:${figure.name}`, label: `${service}: ${figure.label}`, service };
}

/** A figure timed from one named fault (a cascade's hop): `rto` becomes `rto@fail-eu-west-1`. */
export function ofFault(figure: Figure, fault: string | undefined): Figure {
  return fault === undefined ? figure : { ...figure, name: `${figure.name}@${fault}`, label: `${figure.label} (from fault ${fault})` };
}

/** A figure measured on some resolvers or vantage points only: `dns.convergence` becomes `dns.convergence{clients-eu-west-1}`. */
export function ofResolvers(figure: Figure, resolvers: readonly string[] | undefined): Figure {
  if (resolvers === undefined) return figure;
  const which = resolvers.join(',');
  return { ...figure, name: `${figure.name}{${which}}`, label: `${figure.label} (${which})` };
}

function contextOfService(context: AssertionContext, service: ServiceContext): AssertionContext {
  const [primary = context.primaryRegion, secondary = context.secondaryRegion] = service.regions;
  const { healthCheck: _default, recordTtlSeconds: _ttl, ...rest } = context;
  return {
    ...rest,
    primaryRegion: primary,
    secondaryRegion: secondary,
    regions: service.regions,
    healthCheckIds: { primary: service.healthCheckIds[primary], secondary: service.healthCheckIds[secondary] },
    ...(service.healthCheck === undefined ? {} : { healthCheck: service.healthCheck }),
    ...(service.recordTtlSeconds === undefined ? {} : { recordTtlSeconds: service.recordTtlSeconds }),
  };
}

/**
 * Puts `region` where the assertion reads it. A destination is one hop of the chain: the region
 * before it is the one that failed, and its health check is the one whose detection starts the clock.
 */
function placeRegion(context: AssertionContext, regions: readonly string[], region: string, slot: RegionSlot, service: ServiceContext | undefined): AssertionContext {
  if (slot === 'home') return { ...context, primaryRegion: region };
  if (slot === 'counted') return context;
  const index = regions.indexOf(region);
  const from = index > 0 ? regions[index - 1] : undefined;
  if (from === undefined) return { ...context, secondaryRegion: region };
  const ids = service?.healthCheckIds;
  return {
    ...context,
    primaryRegion: from,
    secondaryRegion: region,
    ...(ids === undefined ? {} : { healthCheckIds: { primary: ids[from], secondary: ids[region] } }),
  };
}

function timelineOfService(timeline: Timeline, name: string, service: ServiceContext): Timeline {
  return memo(timeline, `service:${name}`, () => {
    const samples = new SampleStore();
    for (let i = 0; i < timeline.samples.length; i++) if (timeline.samples.targetAt(i) === name) samples.push(timeline.samples.get(i));
    const checks = new Set(Object.values(service.healthCheckIds));
    return {
      ...timeline,
      samples,
      dns: timeline.dns.filter((observation) => (observation.service ?? observation.name) === name || observation.name === service.recordName),
      health: timeline.health.filter((observation) => checks.has(observation.healthCheckId)),
    };
  });
}

/** Only the requests `region` answered, or that went to one of its addresses when none answered. */
function timelineOfRegion(timeline: Timeline, region: string): Timeline {
  return memo(timeline, `region:${region}`, () => {
    const samples = new SampleStore();
    for (let i = 0; i < timeline.samples.length; i++) {
      const sample = timeline.samples.get(i);
      const answeredBy = sample.region ?? (sample.address === undefined ? undefined : timeline.regionsByAddress[sample.address]);
      if (answeredBy === region) samples.push(sample);
    }
    return { ...timeline, samples };
  });
}

/**
 * One fault's events, its window ending where the next fault went in (a cascade's next hop
 * starts there) or at its own rollback: assertions time "from the injection until the rollback",
 * so the end is given to them as the rollback they look for.
 */
function faultWindow(events: readonly FaultEvent[], name: string): FaultEvent[] | undefined {
  const inject = events.find((event) => event.kind === 'inject' && event.fault === name);
  if (inject === undefined) return undefined;
  const own = events.filter((event) => event.fault === name && event.kind !== 'rollback' && event.kind !== 'rollback-failed');
  const next = events.find((event) => event.kind === 'inject' && event.fault !== name && event.at > inject.at);
  const rollback = events.find((event) => event.fault === name && event.kind === 'rollback');
  // The window's end takes the next fault's times, never this injection's own `startedAt`.
  const end =
    next === undefined
      ? rollback
      : { ...inject, kind: 'rollback' as const, at: next.at, startedAt: next.startedAt ?? next.at, requestIds: [], detail: `window ends: fault "${next.fault ?? next.injector}" went in` };
  return end === undefined ? own : [...own, end];
}

function memo(timeline: Timeline, key: string, build: () => Timeline): Timeline {
  const byKey = cache.get(timeline) ?? new Map<string, Timeline>();
  cache.set(timeline, byKey);
  let scoped = byKey.get(key);
  if (scoped === undefined) {
    scoped = build();
    byKey.set(key, scoped);
  }
  return scoped;
}
