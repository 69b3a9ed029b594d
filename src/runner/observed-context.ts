import { GetHealthCheckCommand } from '@aws-sdk/client-route-53';
import type { AssertionContext, ServiceContext } from '../assertions/assertion-context.ts';
import type { AwsClients } from '../aws/aws-clients.ts';
import type { Drill } from '../drill/drill-schema.ts';
import type { Environment, ServiceEnvironment } from '../drill/environment.ts';
import { cohortName } from '../drill/load-clients.ts';
import { observedServices } from '../drill/observed-services.ts';
import { defaultDnsCacheMs, type ClientCohort } from '../load/client-cohort.ts';
import { authoritativeResolvers } from '../observers/authoritative-resolvers.ts';
import { describeError } from '../util/describe-error.ts';

/** Route 53 allows about 5 API requests a second per account: poll gently on AWS. */
export const DEFAULT_AWS_HEALTH_POLL_MS = 2000;

/**
 * What assertions need besides the timeline, read once before the drill: for every service the
 * drill observes, its region chain and its health checks' rules (for the expected failover
 * window); how often things are sampled (the resolution of every time figure); and which
 * resolvers are which (listed, and the zone's own name servers).
 */
export async function observedContext(drill: Drill, environment: Environment, clients: AwsClients, log: (line: string) => void): Promise<AssertionContext> {
  const services: Record<string, ServiceContext> = {};
  for (const name of observedServices(drill)) {
    const service = environment.services[name];
    if (service !== undefined) services[name] = await serviceContext(service, environment, clients, log);
  }
  const own = services[drill.service];
  if (own === undefined) throw new Error(`service ${drill.service} vanished from the environment`);
  const service = environment.services[drill.service];
  let authoritative: string[] = [];
  try {
    if (service !== undefined) authoritative = await authoritativeResolvers({ route53: clients.route53(), hostedZoneId: service.hostedZoneId });
  } catch (error) {
    log(`context         not probing the zone's name servers: ${describeError(error)}`);
  }
  const rules = Object.values(services).flatMap((s) => (s.healthCheck === undefined ? [] : [s.healthCheck.requestIntervalMs]));
  const healthPollIntervalMs =
    drill.probes.healthInterval ??
    (environment.kind === 'sandbox' && rules.length > 0 ? Math.max(50, Math.min(...rules) / 4) : DEFAULT_AWS_HEALTH_POLL_MS);
  const cohorts = clientCohortsOf(drill, environment);
  const [primary, secondary] = chainEnds(own.regions);
  return {
    primaryRegion: primary,
    secondaryRegion: secondary,
    regions: own.regions,
    probeIntervalMs: drill.probes.dnsInterval,
    ...(cohorts === undefined ? {} : { cohorts }),
    healthPollIntervalMs,
    healthCheckIds: { primary: own.healthCheckIds[primary], secondary: own.healthCheckIds[secondary] },
    ...(own.healthCheck === undefined ? {} : { healthCheck: own.healthCheck }),
    resolverSets: { listed: environment.dnsResolvers, authoritative },
    defaultService: drill.service,
    services,
  };
}

/** The context a run refused before preflight finished falls back on: the chain, nothing read. */
export function unreadContext(drill: Drill, environment: Environment): AssertionContext {
  const regions = environment.services[drill.service]?.regions ?? environment.regions;
  const [primary, secondary] = chainEnds(regions);
  return { primaryRegion: primary, secondaryRegion: secondary, regions, probeIntervalMs: drill.probes.dnsInterval, defaultService: drill.service };
}

async function serviceContext(service: ServiceEnvironment, environment: Environment, clients: AwsClients, log: (line: string) => void): Promise<ServiceContext> {
  const [primary] = chainEnds(service.regions);
  const primaryCheck = service.healthChecks[primary];
  let healthCheck: ServiceContext['healthCheck'];
  if (primaryCheck !== undefined) {
    try {
      const output = await clients.route53().send(new GetHealthCheckCommand({ HealthCheckId: primaryCheck }));
      const config = output.HealthCheck?.HealthCheckConfig;
      if (config?.RequestInterval !== undefined && config.FailureThreshold !== undefined) {
        healthCheck = { requestIntervalMs: config.RequestInterval * 1000 * (environment.timeScale ?? 1), failureThreshold: config.FailureThreshold };
      }
    } catch (error) {
      log(`context         cannot read health check ${primaryCheck}: ${describeError(error)}`);
    }
  }
  return {
    regions: service.regions,
    routing: service.routing,
    recordName: service.recordName,
    healthCheckIds: service.healthChecks,
    ...(healthCheck === undefined ? {} : { healthCheck }),
  };
}

function chainEnds(regions: readonly string[]): [string, string] {
  const [primary, secondary] = regions;
  if (primary === undefined || secondary === undefined) throw new Error(`a service needs two regions, it has: ${regions.join(', ')}`);
  return [primary, secondary];
}

/**
 * The drill's `load.clients` as the engine and the assertions use them: named, with each cache
 * length explicit (the drill's, else the cited default scaled by the environment's time scale).
 */
export function clientCohortsOf(drill: Drill, environment: Environment): ClientCohort[] | undefined {
  return drill.load.clients?.map((cohort) => {
    const dnsCacheMs = cohort.cohort === 'jvm-forever' ? Number.POSITIVE_INFINITY : (cohort.dnsCache ?? defaultDnsCacheMs(cohort.cohort, environment.timeScale ?? 1));
    return { name: cohortName(cohort), model: cohort.cohort, share: cohort.share, ...(dnsCacheMs === undefined ? {} : { dnsCacheMs }) };
  });
}
