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
  const first = topology.services[0];
  if (first === undefined) throw new Error('the sandbox topology defines no service');
  const dnsServer = `${description.dns.host}:${description.dns.port}`;
  const services: Environment['services'] = {};
  const experimentTemplates: NonNullable<Environment['experimentTemplates']> = {};
  for (const service of topology.services) {
    const found = resources.services.find((s) => s.name === service.name);
    if (found === undefined) throw new Error(`sandbox resources do not list service ${service.name}`);
    const primary = deployment(found.deployments, service.name, service.primaryRegion);
    const secondary = deployment(found.deployments, service.name, service.secondaryRegion);
    const both = <T>(pick: (d: DeploymentResources) => T | undefined): { primary: T; secondary: T } | undefined => {
      const p = pick(primary);
      const s = pick(secondary);
      return p === undefined || s === undefined ? undefined : { primary: p, secondary: s };
    };
    const securityGroups = both((d) => d.securityGroupId);
    const routingControls = both((d) => d.routingControlArn);
    const edgeUrl = edgeUrlFor(description, service.recordName);
    services[service.name] = {
      url: `http://${service.recordName}:${description.httpPort}/`,
      regionHeader: 'x-drdrill-region',
      hostedZoneId: topology.hostedZone.id,
      recordName: service.recordName,
      functions: { primary: primary.functionName, secondary: secondary.functionName },
      healthChecks: { primary: primary.healthCheckId, secondary: secondary.healthCheckId },
      addresses: {
        primary: [regionAddress(description, service.primaryRegion)],
        secondary: [regionAddress(description, service.secondaryRegion)],
      },
      customDomains: { primary: primary.customDomain, secondary: secondary.customDomain },
      failureFlags: { primary: primary.failureFlagParameter, secondary: secondary.failureFlagParameter },
      fisTemplates: { primary: primary.fisTemplateId, secondary: secondary.fisTemplateId },
      ...(securityGroups === undefined ? {} : { securityGroups }),
      ...(routingControls === undefined ? {} : { routingControls }),
      ...(edgeUrl === undefined ? {} : { edgeUrl }),
    };
    for (const d of [primary, secondary]) {
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
    regions: { primary: first.primaryRegion, secondary: first.secondaryRegion },
    dnsResolvers: [dnsServer],
    loadResolver: dnsServer,
    arc: { region: resources.arcRegion, clusterEndpoints: [description.arcClusterEndpoint] },
    // The sandbox runs Route 53 time fast; its switch margin is the AWS minute, scaled the same way.
    deadMansSwitch: { margin: 60_000 * topology.timeScale },
    experimentTemplates,
    // Every sandbox run is signed, so every demo shows what an auditor gets.
    evidence: { signingKey: SANDBOX_EVIDENCE_KEY_ALIAS },
    services,
  };
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
