import { isIPv4 } from 'node:net';
import { AppendOnlyLog } from './event-log.ts';
import type { CallLog } from './event-log.ts';
import { createControlPlaneServer } from './control-plane-server.ts';
import { respondToQuery } from './dns-responder.ts';
import { listenDns } from './dns-server.ts';
import type { DnsServer } from './dns-server.ts';
import { startHealthChecker } from './health-checker.ts';
import { createLambdaApi } from './lambda-api.ts';
import { closeHttp, listenTcp } from './listen.ts';
import { listenRegionalEndpoints } from './regional-endpoint.ts';
import type { RegionalEndpoints } from './regional-endpoint.ts';
import { createRoute53Api } from './route53-api.ts';
import type { Sandbox, SandboxDescription } from './sandbox-handle.ts';
import { SandboxState } from './sandbox-state.ts';
import { DEFAULT_TOPOLOGY } from './topology.ts';
import type { SandboxTopology } from './topology.ts';

/** Where and what the sandbox runs. Every port defaults to 0 (ephemeral). */
export interface SandboxOptions {
  readonly topology?: SandboxTopology;
  /** Control plane and DNS host; default 127.0.0.1. */
  readonly host?: string;
  readonly controlPlanePort?: number;
  readonly dnsPort?: number;
  /** Shared by every regional endpoint; 0 picks one free on every region address. */
  readonly httpPort?: number;
}

/** The topology or options describe a sandbox that cannot run (nothing was started). */
export class InvalidSandboxOptionsError extends Error {
  override readonly name = 'InvalidSandboxOptionsError';
}

/**
 * Starts the embedded two-region sandbox: DNS (UDP+TCP), one HTTP endpoint per region, the
 * AWS-compatible control plane and the health checker, all on loopback.
 *
 * @returns a handle whose `close()` stops everything and leaves no open handles.
 * @throws InvalidSandboxOptionsError for a topology the sandbox cannot simulate,
 *   SandboxListenError when a port cannot be bound.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const topology = options.topology ?? DEFAULT_TOPOLOGY;
  const host = options.host ?? '127.0.0.1';
  validateOptions(topology, options);

  const closers: (() => Promise<void>)[] = [];
  const closeAll = async (): Promise<void> => {
    // Reverse order: the checker stops probing before the endpoints it probes go away.
    for (const close of closers.splice(0).reverse()) await close();
  };
  try {
    const dns: DnsServer = await listenDns(host, options.dnsPort ?? 0);
    closers.push(() => dns.close());
    const regional: RegionalEndpoints = await listenRegionalEndpoints(topology.regions, options.httpPort ?? 0);
    closers.push(() => regional.close());

    const state = new SandboxState(topology, host, regional.port);
    dns.serve((message, transport) => respondToQuery(state, message, transport));
    regional.serve(state);

    const calls: CallLog = new AppendOnlyLog();
    let description: SandboxDescription | undefined;
    const controlPlane = createControlPlaneServer({
      services: [createRoute53Api(state, { dnsHost: host, dnsPort: dns.port }), createLambdaApi(state)],
      calls,
      events: () => state.events(),
      describe: () => {
        if (description === undefined) throw new Error('sandbox is still starting');
        return description;
      },
    });
    const controlPlanePort = await listenTcp(controlPlane, host, options.controlPlanePort ?? 0);
    closers.push(() => closeHttp(controlPlane));

    const checker = startHealthChecker(state);
    closers.push(() => checker.stop());

    const urlHost = host.includes(':') ? `[${host}]` : host;
    description = {
      controlPlaneUrl: `http://${urlHost}:${controlPlanePort}`,
      dns: { host, port: dns.port },
      httpPort: regional.port,
      regions: topology.regions.map((r) => ({ name: r.name, address: r.address, url: `http://${r.address}:${regional.port}` })),
      topology,
    };
    const frozen = description;
    let closing: Promise<void> | undefined;
    return {
      description: frozen,
      events: () => state.events(),
      calls: () => calls.list(),
      close: () => (closing ??= closeAll()),
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

function validateOptions(topology: SandboxTopology, options: SandboxOptions): void {
  for (const [field, port] of [
    ['controlPlanePort', options.controlPlanePort],
    ['dnsPort', options.dnsPort],
    ['httpPort', options.httpPort],
  ] as const) {
    if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
      throw new InvalidSandboxOptionsError(`${field}: ${port} is not a port number (0–65535, 0 = ephemeral)`);
    }
  }
  if (!(topology.timeScale > 0)) {
    throw new InvalidSandboxOptionsError(`topology.timeScale: ${topology.timeScale} must be greater than 0`);
  }
  const regionNames = new Set<string>();
  topology.regions.forEach((region, i) => {
    // The sandbox probes and serves these addresses; it must never reach beyond loopback.
    if (!isIPv4(region.address) || !region.address.startsWith('127.')) {
      throw new InvalidSandboxOptionsError(`topology.regions[${i}].address: "${region.address}" is not an IPv4 address in 127.0.0.0/8`);
    }
    if (regionNames.has(region.name)) {
      throw new InvalidSandboxOptionsError(`topology.regions[${i}].name: "${region.name}" appears twice`);
    }
    regionNames.add(region.name);
  });
  const healthCheckIds = new Set<string>();
  topology.services.forEach((service, s) => {
    for (const [field, region] of [['primaryRegion', service.primaryRegion], ['secondaryRegion', service.secondaryRegion]] as const) {
      if (!regionNames.has(region)) {
        throw new InvalidSandboxOptionsError(`topology.services[${s}].${field}: "${region}" is not one of ${[...regionNames].join(', ')}`);
      }
    }
    service.deployments.forEach((d, i) => {
      const where = `topology.services[${s}].deployments[${i}]`;
      if (!regionNames.has(d.region)) {
        throw new InvalidSandboxOptionsError(`${where}.region: "${d.region}" is not one of ${[...regionNames].join(', ')}`);
      }
      if (!Number.isInteger(d.failureThreshold) || d.failureThreshold < 1 || d.failureThreshold > 10) {
        throw new InvalidSandboxOptionsError(`${where}.failureThreshold: ${d.failureThreshold} is not an integer from 1 to 10`);
      }
      if (d.requestInterval !== 10 && d.requestInterval !== 30) {
        throw new InvalidSandboxOptionsError(`${where}.requestInterval: ${String(d.requestInterval)} is not 10 or 30`);
      }
      if (healthCheckIds.has(d.healthCheckId)) {
        throw new InvalidSandboxOptionsError(`${where}.healthCheckId: "${d.healthCheckId}" is used twice`);
      }
      healthCheckIds.add(d.healthCheckId);
    });
  });
}
