import { randomUUID } from 'node:crypto';
import { AppendOnlyLog } from './event-log.ts';
import { evaluateAnswer, sameAnswer } from './failover-answer.ts';
import { buildHostedZone, normalizeDnsName } from './hosted-zone.ts';
import type { HostedZone, ZoneRecord } from './hosted-zone.ts';
import type { SandboxEvent } from './sandbox-handle.ts';
import type { SandboxService, SandboxTopology } from './topology.ts';

/** Regions Route 53 health checkers run from (the sandbox simulates one observation per region). */
export const CHECKER_REGIONS: readonly string[] = [
  'us-east-1',
  'us-west-1',
  'us-west-2',
  'eu-west-1',
  'ap-southeast-1',
  'ap-northeast-1',
  'sa-east-1',
  'ap-southeast-2',
];

/** One simulated Lambda function. */
export interface FunctionState {
  readonly region: string;
  readonly functionName: string;
  readonly service: SandboxService;
  readonly revisionId: string;
  readonly lastModified: string;
  reservedConcurrency: number | null;
}

/** The mutable part of a Route 53 HTTP health check's configuration. */
export interface HealthCheckConfig {
  readonly type: 'HTTP';
  ipAddress: string;
  port: number;
  resourcePath: string;
  fullyQualifiedDomainName: string;
  readonly requestInterval: 10 | 30;
  failureThreshold: number;
  inverted: boolean;
  disabled: boolean;
  regions: readonly string[];
}

/** What one checker region last saw. */
export interface HealthCheckObservation {
  readonly region: string;
  readonly ipAddress: string;
  readonly status: string;
  readonly checkedTime: number;
}

/** One simulated Route 53 health check. */
export interface HealthCheckState {
  readonly id: string;
  readonly callerReference: string;
  readonly config: HealthCheckConfig;
  version: number;
  /** The status Route 53 reports (after Inverted/Disabled), which is what routing uses. */
  healthy: boolean;
  observations: readonly HealthCheckObservation[];
}

/** The fields UpdateHealthCheck may change. */
export interface HealthCheckPatch {
  readonly ipAddress?: string;
  readonly port?: number;
  readonly resourcePath?: string;
  readonly fullyQualifiedDomainName?: string;
  readonly failureThreshold?: number;
  readonly inverted?: boolean;
  readonly disabled?: boolean;
  readonly regions?: readonly string[];
}

/**
 * Everything the sandbox simulates, in one place, so every change goes through a method that
 * records it and re-evaluates DNS in the same tick: the DNS server answers from `answerFor`,
 * which is only ever updated together with its `dns-answer` event, so event times are exactly
 * when the served answer changed.
 */
export class SandboxState {
  readonly topology: SandboxTopology;
  readonly zone: HostedZone;
  readonly #events = new AppendOnlyLog<SandboxEvent>();
  readonly #functions = new Map<string, FunctionState>();
  readonly #healthChecks = new Map<string, HealthCheckState>();
  readonly #answers = new Map<string, readonly string[]>();

  constructor(topology: SandboxTopology, dnsHost: string, httpPort: number) {
    this.topology = topology;
    this.zone = buildHostedZone(topology, dnsHost);
    const addressOf = new Map(topology.regions.map((r) => [r.name, r.address]));
    const startedAt = Date.now();
    for (const service of topology.services) {
      for (const deployment of service.deployments) {
        const address = addressOf.get(deployment.region);
        if (address === undefined) {
          throw new Error(
            `topology.services[${service.name}].deployments: region "${deployment.region}" is not in topology.regions`,
          );
        }
        this.#functions.set(functionKey(deployment.region, deployment.functionName), {
          region: deployment.region,
          functionName: deployment.functionName,
          service,
          revisionId: randomUUID(),
          lastModified: new Date(startedAt).toISOString().replace('Z', '+0000'),
          reservedConcurrency: deployment.reservedConcurrency ?? null,
        });
        this.#healthChecks.set(deployment.healthCheckId, {
          id: deployment.healthCheckId,
          callerReference: `drdrill-sandbox-${deployment.healthCheckId}`,
          version: 1,
          healthy: true,
          config: {
            type: 'HTTP',
            ipAddress: address,
            port: httpPort,
            resourcePath: service.healthPath,
            fullyQualifiedDomainName: service.recordName,
            requestInterval: deployment.requestInterval,
            failureThreshold: deployment.failureThreshold,
            inverted: false,
            disabled: false,
            regions: CHECKER_REGIONS,
          },
          observations: [],
        });
      }
    }
    // The first dns-answer per name records the answer served from the start, so a reader can
    // tell what any query returned at any moment from the events alone.
    this.reevaluateDns();
  }

  /** Ground truth, in order. */
  events(): readonly SandboxEvent[] {
    return this.#events.list();
  }

  /** The function `name` in `region`, if the topology deploys one there. */
  findFunction(region: string, name: string): FunctionState | undefined {
    return this.#functions.get(functionKey(region, name));
  }

  /** The function serving `service` in `region`. */
  functionFor(service: SandboxService, region: string): FunctionState | undefined {
    const deployment = service.deployments.find((d) => d.region === region);
    return deployment === undefined ? undefined : this.findFunction(region, deployment.functionName);
  }

  /** Sets (a number) or removes (null) a function's reserved concurrency; records only real changes. */
  setReservedConcurrency(fn: FunctionState, reservedConcurrency: number | null): void {
    // An idempotent put or delete changes nothing; the call log still shows it happened.
    if (fn.reservedConcurrency === reservedConcurrency) return;
    fn.reservedConcurrency = reservedConcurrency;
    this.#events.append({
      at: Date.now(),
      type: 'function-concurrency',
      region: fn.region,
      functionName: fn.functionName,
      reservedConcurrency,
    });
    this.reevaluateDns();
  }

  healthCheck(id: string): HealthCheckState | undefined {
    return this.#healthChecks.get(id);
  }

  healthChecks(): readonly HealthCheckState[] {
    return [...this.#healthChecks.values()];
  }

  /**
   * Applies an UpdateHealthCheck (already validated) and bumps the version. Disabling makes the
   * check healthy at once, as Route 53 does; the checker picks up every other change on its next
   * probe because it watches the version.
   */
  updateHealthCheck(check: HealthCheckState, patch: HealthCheckPatch): void {
    const config = check.config;
    if (patch.ipAddress !== undefined) config.ipAddress = patch.ipAddress;
    if (patch.port !== undefined) config.port = patch.port;
    if (patch.resourcePath !== undefined) config.resourcePath = patch.resourcePath;
    if (patch.fullyQualifiedDomainName !== undefined) config.fullyQualifiedDomainName = patch.fullyQualifiedDomainName;
    if (patch.failureThreshold !== undefined) config.failureThreshold = patch.failureThreshold;
    if (patch.inverted !== undefined) config.inverted = patch.inverted;
    if (patch.disabled !== undefined) config.disabled = patch.disabled;
    if (patch.regions !== undefined) config.regions = patch.regions;
    check.version += 1;
    this.#events.append({
      at: Date.now(),
      type: 'health-check-config',
      healthCheckId: check.id,
      inverted: config.inverted,
      disabled: config.disabled,
      version: check.version,
    });
    if (config.disabled && !check.healthy) {
      this.setHealthStatus(check, true, 'health check disabled: Route 53 considers it healthy');
    } else {
      this.reevaluateDns();
    }
  }

  /** Flips a health check's reported status (no-op when unchanged) and re-evaluates DNS. */
  setHealthStatus(check: HealthCheckState, healthy: boolean, reason: string): void {
    if (check.healthy === healthy) return;
    check.healthy = healthy;
    this.#events.append({ at: Date.now(), type: 'health-check-status', healthCheckId: check.id, healthy, reason });
    this.reevaluateDns();
  }

  /** Stores the latest probe result as every checker region's observation. */
  recordObservation(check: HealthCheckState, status: string, checkedTime: number, checkerAddress: string): void {
    check.observations = check.config.regions.map((region) => ({
      region,
      ipAddress: checkerAddress,
      status,
      checkedTime,
    }));
  }

  /** Record sets whose name is `name` (any type). */
  recordsNamed(name: string): readonly ZoneRecord[] {
    const wanted = normalizeDnsName(name);
    return this.zone.records.filter((r) => r.name === wanted);
  }

  /** The A answer the DNS server gives for `name` right now (empty when the name has no A records). */
  answerFor(name: string): readonly string[] {
    return this.#answers.get(normalizeDnsName(name)) ?? [];
  }

  /** Recomputes every A answer and records a `dns-answer` event for each one that changed. */
  reevaluateDns(): void {
    const isHealthy = (id: string): boolean => this.#healthChecks.get(id)?.healthy ?? true;
    const names = new Set(this.zone.records.filter((r) => r.type === 'A').map((r) => r.name));
    for (const name of names) {
      const records = this.zone.records.filter((r) => r.name === name && r.type === 'A');
      const answer = evaluateAnswer(records, isHealthy);
      const previous = this.#answers.get(name);
      if (previous !== undefined && sameAnswer(previous, answer)) continue;
      this.#answers.set(name, answer);
      this.#events.append({ at: Date.now(), type: 'dns-answer', name, addresses: answer });
    }
  }
}

function functionKey(region: string, name: string): string {
  return `${region}\u0000${name}`;
}
