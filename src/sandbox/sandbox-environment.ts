import type { Environment } from '../drill/environment.ts';
import { SANDBOX_EVIDENCE_KEY_ALIAS } from './control-plane/kms/kms-key-store.ts';
import type { SandboxDescription } from './sandbox-handle.ts';
import type { DeploymentResources } from './topology/sandbox-resources.ts';

/**
 * The environment of a running sandbox, derived from its resources and the ports it got, so a
 * drill resolves `service: 'api', region: 'primary'` the same way it would against AWS, and every
 * injector finds its sandbox resource (custom domains, security groups, failure flags, FIS
 * templates, routing controls, the edge).
 */
export function sandboxEnvironment(description: SandboxDescription): Environment {
  const { topology, resources } = description;
  if (topology.services.length === 0) throw new Error('the sandbox topology defines no service');
  const dnsServer = `${description.dns.host}:${description.dns.port}`;
  const vantagePoints = vantagePointsOf(topology);
  const services: Environment['services'] = {};
  const experimentTemplates: NonNullable<Environment['experimentTemplates']> = {};
  for (const service of topology.services) {
    const found = resources.services.find((s) => s.name === service.name);
    if (found === undefined) throw new Error(`sandbox resources do not list service ${service.name}`);
    const regions = serviceRegions(service);
    const deployments = regions.map((region) => deployment(found.deployments, service.name, region));
    const perRegion = <T>(pick: (d: DeploymentResources) => T | undefined): Record<string, T> | undefined => {
      const values: Record<string, T> = {};
      for (const d of deployments) {
        const value = pick(d);
        if (value !== undefined) values[d.region] = value;
      }
      return Object.keys(values).length === 0 ? undefined : values;
    };
    const optional = (field: string, values: Record<string, unknown> | undefined): Record<string, unknown> => (values === undefined ? {} : { [field]: values });
    const edgeUrl = edgeUrlFor(description, service.recordName);
    services[service.name] = {
      url: sharedApiUrl(description, service.name) ?? `http://${service.recordName}:${description.httpPort}/`,
      regionHeader: 'x-drdrill-region',
      hostedZoneId: topology.hostedZone.id,
      recordName: service.recordName,
      routing: service.routing,
      regions,
      functions: perRegion((d) => d.functionName) ?? {},
      healthChecks: perRegion((d) => d.healthCheckId) ?? {},
      addresses: perRegion((d) => [regionAddress(description, d.region)]) ?? {},
      regionalEndpoints: perRegion((d) => [d.regionalDomainName]) ?? {},
      ...optional('customDomains', perRegion((d) => d.customDomain)),
      ...optional('failureFlags', perRegion((d) => d.failureFlagParameter)),
      ...optional('fisTemplates', perRegion((d) => d.fisTemplateId)),
      ...optional('securityGroups', perRegion((d) => d.securityGroupId)),
      ...optional('routingControls', perRegion((d) => d.routingControlArn)),
      ...(edgeUrl === undefined ? {} : { edgeUrl }),
    };
    for (const d of deployments) {
      experimentTemplates[`${service.name}-${d.role}-500`] = { region: d.region, id: d.fisTemplateId };
      experimentTemplates[`${service.name}-${d.role}-errors`] = { region: d.region, id: d.fisErrorTemplateId };
    }
  }
  return {
    name: 'sandbox',
    kind: 'sandbox',
    accountId: topology.accountId,
    timeScale: topology.timeScale,
    endpoint: description.controlPlaneUrl,
    regions: environmentRegions(topology),
    ...(vantagePoints === undefined ? {} : { vantagePoints }),
    dnsResolvers: [dnsServer],
    loadResolver: dnsServer,
    arc: { region: resources.arcRegion, clusterEndpoints: [...description.arcClusterEndpoints] },
    // The sandbox runs Route 53 time fast; its switch margin is the AWS minute, scaled the same way.
    deadMansSwitch: { margin: 60_000 * topology.timeScale },
    experimentTemplates,
    // Every sandbox run is signed, so every demo shows what an auditor gets.
    evidence: { signingKey: SANDBOX_EVIDENCE_KEY_ALIAS },
    services,
  };
}

/**
 * Clients reach a service a shared API forwards to through the shared API (`/service1` on the
 * public name), as they would in the account; its own record is still what DNS probes watch.
 */
function sharedApiUrl(description: SandboxDescription, service: string): string | undefined {
  for (const shared of description.topology.services) {
    const rule = shared.forwards?.find((f) => f.service === service);
    if (rule !== undefined) return `http://${shared.recordName}:${description.httpPort}${rule.pathPrefix}/`;
  }
  return undefined;
}

function edgeUrlFor(description: SandboxDescription, recordName: string): string | undefined {
  const edge = description.topology.edge;
  const url = description.edge?.url;
  if (edge === undefined || url === undefined) return undefined;
  const path = edge.pathOrigins?.find((o) => o.origin === recordName)?.pathPrefix;
  if (path !== undefined) return `${url}${path}/`;
  return edge.defaultOrigin === recordName ? `${url}/` : undefined;
}

function deployment(deployments: readonly DeploymentResources[], service: string, region: string): DeploymentResources {
  const found = deployments.find((candidate) => candidate.region === region);
  if (found === undefined) throw new Error(`sandbox service ${service} has no deployment in ${region}`);
  return found;
}

function regionAddress(description: SandboxDescription, region: string): string {
  const found = description.regions.find((candidate) => candidate.name === region);
  if (found === undefined) throw new Error(`sandbox has no region ${region}`);
  return found.address;
}

/** A service's regions in chain order, as the sandbox resolved them. */
function serviceRegions(service: SandboxDescription['topology']['services'][number]): string[] {
  return [...service.regions];
}

/** The topology's resolver clients that are vantage points, as the environment lists them. */
function vantagePointsOf(topology: SandboxDescription['topology']): Environment['vantagePoints'] {
  const points = (topology.resolverClients ?? []).flatMap((client) => (client.vantagePoint === undefined ? [] : [{ name: client.vantagePoint, sourceAddress: client.address }]));
  return points.length === 0 ? undefined : points;
}

/** Every region some service runs in, in the order of the topology's region list. */
function environmentRegions(topology: SandboxDescription['topology']): string[] {
  const used = new Set(topology.services.flatMap(serviceRegions));
  return topology.regions.map((region) => region.name).filter((name) => used.has(name));
}
