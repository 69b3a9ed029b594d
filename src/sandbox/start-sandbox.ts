import { ownProcessIdentity } from '../runner/process-identity.ts';
import { createApiGatewayV2Api } from './control-plane/apigateway/apigatewayv2-api.ts';
import { createArcClusterApi } from './control-plane/arc/arc-cluster-api.ts';
import { arcClusterEndpointUrl } from './control-plane/arc/arc-cluster-endpoints.ts';
import { createCloudWatchApi } from './control-plane/cloudwatch/cloudwatch-api.ts';
import { createControlPlaneServer } from './control-plane/control-plane-server.ts';
import { respondToQuery } from './dns/dns-responder.ts';
import { listenDns } from './dns/dns-server.ts';
import type { DnsServer } from './dns/dns-server.ts';
import { createEc2Api } from './control-plane/ec2/ec2-api.ts';
import { OriginResolver, handleEdgeRequest } from './data-plane/edge-endpoint.ts';
import { AppendOnlyLog } from './event-log.ts';
import type { CallLog } from './event-log.ts';
import { createFisApi } from './control-plane/fis/fis-api.ts';
import { startHealthChecker } from './data-plane/health-checker.ts';
import { createKmsApi } from './control-plane/kms/kms-api.ts';
import { KmsKeyStore, loadOrCreateKeyFile, SANDBOX_EVIDENCE_KEY_ALIAS } from './control-plane/kms/kms-key-store.ts';
import { createLambdaApi } from './control-plane/lambda/lambda-api.ts';
import { closeHttp, listenTcp } from './data-plane/listen.ts';
import { InvocationTracker, handleRegionalRequest, listenSharedPort } from './data-plane/regional-endpoint.ts';
import { regionMover } from './data-plane/region-mover.ts';
import type { SharedPortServers } from './data-plane/regional-endpoint.ts';
import { InvalidTopologyError, resolveTopology } from './topology/resolve-topology.ts';
import type { ResolvedTopology } from './topology/resolve-topology.ts';
import { createRoute53Api } from './control-plane/route53/route53-api.ts';
import type { Sandbox, SandboxDescription } from './sandbox-handle.ts';
import { describedTopology } from './topology/described-topology.ts';
import { sandboxResources } from './topology/sandbox-resources.ts';
import { SandboxState } from './sandbox-state.ts';
import { invokeAwsApi } from './control-plane/sdk-invoker.ts';
import { createSsmApi } from './control-plane/ssm/ssm-api.ts';
import { createStsApi } from './control-plane/sts/sts-api.ts';
import { DEFAULT_TOPOLOGY } from './topology/topology.ts';
import type { SandboxTopology } from './topology/topology.ts';

/** Where and what the sandbox runs. Every port defaults to 0 (ephemeral). */
export interface SandboxOptions {
  readonly topology?: SandboxTopology;
  /** Control plane and DNS host; default 127.0.0.1. */
  readonly host?: string;
  readonly controlPlanePort?: number;
  readonly dnsPort?: number;
  /** Shared by every regional endpoint and the edge; 0 picks one free on every address. */
  readonly httpPort?: number;
  /** HTTPS, shared by every regional endpoint (for HTTPS health checks); 0 picks one. */
  readonly httpsPort?: number;
  /**
   * PKCS#8 PEM file of the KMS key behind `alias/drdrill-evidence`, created when missing, so
   * evidence signed under one sandbox verifies under the next. Absent: a fresh key per sandbox.
   */
  readonly evidenceKeyFile?: string;
}

/** The topology or options describe a sandbox that cannot run (nothing was started). */
export class InvalidSandboxOptionsError extends Error {
  override readonly name = 'InvalidSandboxOptionsError';
}

/**
 * Starts the embedded sandbox (the default topology: two regions): DNS (UDP+TCP), one HTTP(S) endpoint per region, the
 * CloudFront-like edge, the AWS-compatible control plane and the health checker, all on loopback.
 *
 * @returns a handle whose `close()` stops everything and leaves no open handles.
 * @throws InvalidSandboxOptionsError for a topology the sandbox cannot simulate,
 *   SandboxListenError when a port cannot be bound.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const source = options.topology ?? DEFAULT_TOPOLOGY;
  const host = options.host ?? '127.0.0.1';
  const topology = validateOptions(source, options);

  const closers: (() => Promise<void> | void)[] = [];
  const closeAll = async (): Promise<void> => {
    // Reverse order: the checker stops probing before the endpoints it probes go away.
    for (const close of closers.splice(0).reverse()) await close();
  };
  try {
    const dns: DnsServer = await listenDns(host, options.dnsPort ?? 0);
    closers.push(() => dns.close());
    const regionAddresses = topology.regions.map((r) => ({ name: r.name, address: r.address }));
    const edge = topology.edge;
    const http: SharedPortServers = await listenSharedPort(
      [...regionAddresses, ...(edge === undefined ? [] : [{ name: '#edge', address: edge.address }])],
      options.httpPort ?? 0,
      { addresses: regionAddresses, port: options.httpsPort ?? 0 },
    );
    closers.push(() => http.close());

    let controlPlaneUrl = '';
    const state = new SandboxState(topology, {
      dnsHost: host,
      httpPort: http.port,
      invoke: (call) => invokeAwsApi(controlPlaneUrl, call),
    });
    closers.push(() => state.close());
    // HTTPS checks probe the TLS port (known only now that it is bound).
    for (const check of state.healthChecks()) {
      if (check.config.type.startsWith('HTTPS') && http.tlsPort !== undefined) check.config.port = http.tlsPort;
    }
    dns.serve((message, transport, clientAddress) => respondToQuery(state, message, transport, clientAddress));
    const tracker = new InvocationTracker();
    closers.push(() => tracker.close());
    const resolver = new OriginResolver(`${host.includes(':') ? `[${host}]` : host}:${dns.port}`);
    http.serve((name, req, res) => {
      if (name === '#edge') handleEdgeRequest(topology, resolver, tracker, http.port, req, res);
      else handleRegionalRequest(state, tracker, { resolver, port: http.port }, name, req, res);
    });

    const kmsKeys = await evidenceKeys(topology, options.evidenceKeyFile);
    const calls: CallLog = new AppendOnlyLog();
    let description: SandboxDescription | undefined;
    const moveRegion = regionMover(topology, http, state);
    const controlPlane = createControlPlaneServer({
      services: [
        createRoute53Api(state, { dnsHost: host, dnsPort: dns.port }),
        createLambdaApi(state),
        createSsmApi(state),
        createApiGatewayV2Api(state),
        createEc2Api(state),
        createFisApi(state),
        createCloudWatchApi(state),
        createArcClusterApi(state),
        createStsApi(state),
        createKmsApi(kmsKeys, topology.accountId),
      ],
      calls,
      events: () => state.events(),
      describe: () => {
        if (description === undefined) throw new Error('sandbox is still starting');
        return description;
      },
      moveRegion,
    });
    const controlPlanePort = await listenTcp(controlPlane, host, options.controlPlanePort ?? 0);
    closers.push(() => closeHttp(controlPlane));

    const checker = startHealthChecker(state);
    closers.push(() => checker.stop());

    const urlHost = host.includes(':') ? `[${host}]` : host;
    controlPlaneUrl = `http://${urlHost}:${controlPlanePort}`;
    const identity = ownProcessIdentity();
    const frozen: SandboxDescription = {
      controlPlaneUrl,
      dns: { host, port: dns.port },
      httpPort: http.port,
      ...(http.tlsPort === undefined ? {} : { httpsPort: http.tlsPort }),
      regions: topology.regions.map((r) => ({ name: r.name, address: r.address, url: `http://${r.address}:${http.port}` })),
      ...(edge === undefined ? {} : { edge: { address: edge.address, url: `http://${edge.address}:${http.port}` } }),
      arcClusterEndpoints: topology.arcEndpoints.map((endpoint) => arcClusterEndpointUrl(controlPlaneUrl, endpoint.region)),
      topology: describedTopology(topology),
      resources: sandboxResources(topology),
      ...(identity === undefined ? {} : { process: identity }),
    };
    description = frozen;
    let closing: Promise<void> | undefined;
    return {
      description: frozen,
      events: () => state.events(),
      calls: () => calls.list(),
      moveRegion,
      close: () => (closing ??= closeAll()),
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** A key store holding the evidence signing key under its alias in every region of the topology. */
async function evidenceKeys(topology: ResolvedTopology, keyFile: string | undefined): Promise<KmsKeyStore> {
  const keys = new KmsKeyStore(topology.accountId);
  const material = keyFile === undefined ? undefined : await loadOrCreateKeyFile(keyFile);
  for (const { name } of topology.regions) {
    const key = keys.create(name, 'drdrill sandbox evidence signing key', material);
    keys.createAlias(name, SANDBOX_EVIDENCE_KEY_ALIAS, key.id);
  }
  return keys;
}

function validateOptions(topology: SandboxTopology, options: SandboxOptions): ResolvedTopology {
  for (const [field, port] of [
    ['controlPlanePort', options.controlPlanePort],
    ['dnsPort', options.dnsPort],
    ['httpPort', options.httpPort],
    ['httpsPort', options.httpsPort],
  ] as const) {
    if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
      throw new InvalidSandboxOptionsError(`${field}: ${port} is not a port number (0–65535, 0 = ephemeral)`);
    }
  }
  if (!(topology.timeScale > 0)) {
    throw new InvalidSandboxOptionsError(`topology.timeScale: ${topology.timeScale} must be greater than 0`);
  }
  try {
    return resolveTopology(topology);
  } catch (error) {
    if (error instanceof InvalidTopologyError) throw new InvalidSandboxOptionsError(error.message);
    throw error;
  }
}
