import type { Environment } from '../drill/environment.ts';
import type { SandboxDescription } from './sandbox-handle.ts';
import type { SandboxService } from './topology.ts';

/**
 * The environment of a running sandbox, derived from its topology and the ports it got, so a
 * drill resolves `service: 'api', region: 'primary'` the same way it would against AWS.
 */
export function sandboxEnvironment(description: SandboxDescription): Environment {
  const { topology } = description;
  const first = topology.services[0];
  if (first === undefined) throw new Error('the sandbox topology defines no service');
  const dnsServer = `${description.dns.host}:${description.dns.port}`;
  const services: Environment['services'] = {};
  for (const service of topology.services) {
    services[service.name] = {
      url: `http://${service.recordName}:${description.httpPort}/`,
      regionHeader: 'x-drdrill-region',
      hostedZoneId: topology.hostedZone.id,
      recordName: service.recordName,
      functions: {
        primary: deployment(service, service.primaryRegion).functionName,
        secondary: deployment(service, service.secondaryRegion).functionName,
      },
      healthChecks: {
        primary: deployment(service, service.primaryRegion).healthCheckId,
        secondary: deployment(service, service.secondaryRegion).healthCheckId,
      },
      addresses: {
        primary: [regionAddress(description, service.primaryRegion)],
        secondary: [regionAddress(description, service.secondaryRegion)],
      },
    };
  }
  return {
    name: 'sandbox',
    kind: 'sandbox',
    accountId: topology.accountId,
    endpoint: description.controlPlaneUrl,
    regions: { primary: first.primaryRegion, secondary: first.secondaryRegion },
    dnsResolvers: [dnsServer],
    loadResolver: dnsServer,
    services,
  };
}

function deployment(service: SandboxService, region: string): SandboxService['deployments'][number] {
  const found = service.deployments.find((candidate) => candidate.region === region);
  if (found === undefined) throw new Error(`sandbox service ${service.name} has no deployment in ${region}`);
  return found;
}

function regionAddress(description: SandboxDescription, region: string): string {
  const found = description.regions.find((candidate) => candidate.name === region);
  if (found === undefined) throw new Error(`sandbox has no region ${region}`);
  return found.address;
}
