import type { Drill } from '../drill/drill-schema.ts';
import type { Environment } from '../drill/environment.ts';
import { InvalidInputError } from '../drill/invalid-input-error.ts';
import type { LoadPlan } from '../load/load-engine.ts';
import { serviceLoadTarget, type ServiceLoadTarget } from '../load/service-load-target.ts';
import { drillSteps, stepBudgets } from '../steps/drill-steps.ts';
import { EXTENSION_ALLOWANCE_MS } from './live-steps.ts';
import { clientCohortsOf } from './observed-context.ts';

/** Margin on top of the planned steps before the load engine stops by itself regardless. */
const LOAD_SLACK_MS = 10_000;

/**
 * How long the load may run: every step's budget, what the steps may be extended by while they
 * run, and a margin. The run stops it sooner; this is the bound if it does not.
 */
export function loadDurationMs(drill: Drill): number {
  return stepBudgets(drillSteps(drill)).totalMs + EXTENSION_ALLOWANCE_MS + LOAD_SLACK_MS;
}

/** The load a drill offers in an environment: rate, duration and bounds from its phases, each service's URL. */
export function buildLoadPlan(drill: Drill, environment: Environment, runDir: string | undefined): LoadPlan {
  const urlOf = (serviceName: string): ServiceLoadTarget => {
    const service = environment.services[serviceName];
    if (service === undefined) {
      throw new InvalidInputError('drill', [
        `load.services: "${serviceName}" is not defined in environment "${environment.name}" (it defines: ${Object.keys(environment.services).join(', ')})`,
      ]);
    }
    return serviceLoadTarget(service, drill.load.path, drill.load.via);
  };
  const main = urlOf(drill.service);
  const ramp = drill.load.ramp?.map((stage) => ({ target: stage.target, durationMs: stage.duration }));
  const peakRate = Math.max(drill.load.rate, ...(ramp ?? []).map((stage) => stage.target));
  const durationMs = loadDurationMs(drill);
  const extraServices = (drill.load.services ?? []).filter((name) => name !== drill.service);
  const clients = clientCohortsOf(drill, environment);
  return {
    url: main.url,
    rate: drill.load.rate,
    durationMs,
    // A second bound besides time; with several targets it caps each one.
    maxRequests: Math.ceil((peakRate * durationMs) / 1000) + 1,
    timeoutMs: drill.load.timeout,
    ...(environment.loadResolver === undefined ? {} : { resolver: environment.loadResolver }),
    regionHeader: main.regionHeader,
    target: drill.service,
    ...(main.request === undefined ? {} : { request: main.request }),
    keepAlive: drill.load.keepAlive,
    dnsTtl: drill.load.dnsTtl,
    ...(ramp === undefined ? {} : { ramp }),
    ...(runDir === undefined ? {} : { runDir }),
    ...(drill.load.thresholds === undefined ? {} : { thresholds: drill.load.thresholds }),
    ...(drill.load.k6 === undefined || drill.load.k6.instances === 1 ? {} : { k6Instances: drill.load.k6.instances }),
    ...(clients === undefined ? {} : { clients }),
    ...(extraServices.length === 0
      ? {}
      : {
          targets: [drill.service, ...extraServices].map((name) => ({
            name,
            ...urlOf(name),
            ...(ramp === undefined ? {} : { ramp }),
          })),
        }),
  };
}
