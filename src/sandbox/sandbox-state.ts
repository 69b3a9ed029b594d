import { randomUUID } from 'node:crypto';
import { AlarmStore } from './control-plane/cloudwatch/alarm-store.ts';
import { ApiGatewayStore, type ApiIntegration } from './control-plane/apigateway/api-gateway-store.ts';
import { AutomationRunner } from './control-plane/ssm/automation-runner.ts';
import type { AwsApiCall } from '../aws/aws-api-call.ts';
import type { AutomationExecution } from './control-plane/ssm/automation-runner.ts';
import { AppendOnlyLog } from './event-log.ts';
import { DEFAULT_FAILURE_FLAG, parseFailureFlag } from './data-plane/failure-flag.ts';
import type { FailureFlag } from './data-plane/failure-flag.ts';
import { FisEngine } from './control-plane/fis/fis-engine.ts';
import type { Experiment, FisTemplate } from './control-plane/fis/fis-engine.ts';
import { alarmHealth, checkersVoteHealthy, isProbed } from './data-plane/health-check-model.ts';
import { deploymentHealthChecks } from './data-plane/deployment-health-checks.ts';
import type { HealthCheckObservation, HealthCheckPatch, HealthCheckState } from './data-plane/health-check-model.ts';
import { subnetContains } from './dns/client-subnet.ts';
import type { ClientSubnet } from './dns/client-subnet.ts';
import { buildHostedZone, normalizeDnsName } from './dns/hosted-zone.ts';
import type { HostedZone, ZoneRecord } from './dns/hosted-zone.ts';
import { ParameterStore } from './control-plane/ssm/parameter-store.ts';
import { eligibleRecordSets, pickWeighted, routingPolicyOf } from './dns/record-routing.ts';
import { apiGatewayZoneId } from './topology/resolve-topology.ts';
import type { ResolvedDeployment, ResolvedService, ResolvedTopology } from './topology/resolve-topology.ts';
import type { SandboxEvent } from './sandbox-handle.ts';
import { functionArn } from './topology/sandbox-resources.ts';
import { SecurityGroupStore } from './control-plane/ec2/security-group-store.ts';
import { deploymentFaults } from './data-plane/deployment-faults.ts';

/** One simulated Lambda function. */
export interface FunctionState {
  readonly region: string;
  readonly functionName: string;
  readonly service: ResolvedService;
  readonly deployment: ResolvedDeployment;
  revisionId: string;
  lastModified: string;
  environment: Record<string, string>;
  description: string;
  timeout: number;
  memorySize: number;
  reservedConcurrency: number | null;
  /** The failure-lambda flag as the function's cache holds it (refreshed failureFlagCacheSeconds after a put). */
  cachedFlag: FailureFlag | undefined;
}

/** One Route 53 ARC routing control. */
export interface RoutingControl {
  readonly arn: string;
  readonly name: string;
  readonly controlPanelArn: string;
  state: 'On' | 'Off';
}

/** An answer the DNS server gives for one name and type. */
export interface DnsAnswer {
  readonly values: readonly string[];
  readonly ttl: number;
}

/** Route 53 propagates a change to all its servers within about a minute; simulated seconds. */
const CHANGE_PROPAGATION_SECONDS = 10;
/** TTL of alias answers whose target is an API Gateway domain (UNCONFIRMED on AWS; short keeps drills fast). */
const API_GATEWAY_ALIAS_TTL = 1;
const MAX_ALIAS_DEPTH = 8;
/**
 * How long a routing control change takes to reach its RECOVERY_CONTROL health check, simulated
 * seconds (UNCONFIRMED: ARC documents "seconds"; never the same instant as the API call).
 */
const ROUTING_CONTROL_PROPAGATION_SECONDS = 5;

export interface SandboxStateOptions {
  readonly dnsHost: string;
  readonly httpPort: number;
  /** How the SSM runbook makes its AWS API call (against the sandbox's own control plane). */
  readonly invoke: (call: AwsApiCall) => Promise<unknown>;
}

/**
 * Everything the sandbox simulates, in one place, so every change goes through a method that
 * records it and re-evaluates DNS answers and active faults in the same tick: the DNS server
 * and the regional endpoints read the state live, and the event log records every change in
 * what they serve at the moment it happens.
 */
export class SandboxState {
  readonly topology: ResolvedTopology;
  readonly zone: HostedZone;
  readonly parameters = new ParameterStore();
  readonly apiGateway = new ApiGatewayStore();
  readonly securityGroups = new SecurityGroupStore();
  readonly alarms: AlarmStore;
  readonly fis: FisEngine;
  readonly automation: AutomationRunner;
  readonly #events = new AppendOnlyLog<SandboxEvent>();
  readonly #functions = new Map<string, FunctionState>();
  readonly #healthChecks = new Map<string, HealthCheckState>();
  readonly #routingControls = new Map<string, RoutingControl>();
  /** The routing control state health checks see (it lags the API by the propagation delay). */
  readonly #propagatedControls = new Map<string, 'On' | 'Off'>();
  readonly #answers = new Map<string, readonly string[]>();
  readonly #faults = new Map<string, ReadonlyMap<string, string>>();
  readonly #changes = new Map<string, number>();
  /** Timers for delayed effects: failure-flag caches, routing control propagation. */
  readonly #flagTimers = new Set<NodeJS.Timeout>();
  readonly #weightedSequence = new Map<string, number>();
  /** What each CLOUDWATCH_METRIC check's alarm last said (LastKnownStatus reads it). */
  readonly #alarmVerdicts = new Map<string, boolean>();
  /** Where each region's endpoint is reached now. */
  readonly #regionAddresses: Map<string, string>;
  #records: ZoneRecord[];

  constructor(topology: ResolvedTopology, options: SandboxStateOptions) {
    this.topology = topology;
    this.#regionAddresses = new Map(topology.regions.map((r) => [r.name, r.address]));
    const built = buildHostedZone(topology, options.dnsHost);
    this.zone = built.zone;
    this.#records = built.records;
    this.alarms = new AlarmStore(topology.accountId, topology.alarms);
    this.fis = new FisEngine({
      timeScale: topology.timeScale,
      alarmFiring: (arn) => this.alarms.byArn(arn)?.state === 'ALARM',
      onChange: (experiment) => this.#experimentChanged(experiment),
    });
    this.automation = new AutomationRunner({
      timeScale: topology.timeScale,
      invoke: options.invoke,
      onChange: (execution) => this.#automationChanged(execution),
    });
    const startedAt = new Date().toISOString().replace('Z', '+0000');
    for (const service of topology.services) {
      for (const d of service.deployments) {
        this.#addDeployment(service, d, options, startedAt);
      }
    }
    // The first dns-answer per name records the answer served from the start, so a reader can
    // tell what any query returned at any moment from the events alone.
    this.#reevaluate();
  }

  #addDeployment(service: ResolvedService, d: ResolvedDeployment, options: SandboxStateOptions, startedAt: string): void {
    const { region } = d;
    const flagText = JSON.stringify(DEFAULT_FAILURE_FLAG);
    if (this.parameters.get(region, d.failureFlagParameter) === undefined) {
      this.parameters.put(region, { name: d.failureFlagParameter, value: flagText, type: 'String', overwrite: false, description: `failure-lambda flag for ${service.name}` });
    }
    if (this.findFunction(region, d.functionName) === undefined) {
      this.#functions.set(functionKey(region, d.functionName), {
        region,
        functionName: d.functionName,
        service,
        deployment: d,
        revisionId: randomUUID(),
        lastModified: startedAt,
        environment: {
          DRDRILL_SERVICE: service.name,
          DRDRILL_REGION: region,
          FAILURE_INJECTION_PARAM: d.failureFlagParameter,
          AWS_LAMBDA_EXEC_WRAPPER: '/opt/aws-fis/bootstrap',
          AWS_FIS_CONFIGURATION_LOCATION: `arn:aws:s3:::drdrill-fis-config-${region}/FisConfigs/`,
        },
        description: `drdrill sandbox: ${service.name} in ${region}`,
        timeout: 29,
        memorySize: 256,
        reservedConcurrency: d.reservedConcurrency ?? null,
        cachedFlag: parseFailureFlag(flagText),
      });
    }
    const integration: ApiIntegration =
      service.backend === 'alb'
        ? {
            integrationId: d.apiId.slice(0, 7),
            integrationType: 'HTTP_PROXY',
            integrationUri: `arn:aws:elasticloadbalancing:${region}:${this.topology.accountId}:listener/app/${service.name}-alb/${d.apiId}/${d.apiId.slice(0, 6)}`,
            connectionType: 'VPC_LINK',
          }
        : { integrationId: d.apiId.slice(0, 7), integrationType: 'AWS_PROXY', integrationUri: functionArn(region, this.topology.accountId, d.functionName), connectionType: 'INTERNET' };
    this.apiGateway.addApi({ region, apiId: d.apiId, name: `${service.name}-http-api`, stages: ['$default'], integrations: [integration] });
    this.apiGateway.addDomain({
      region,
      domainName: d.customDomain,
      regionalDomainName: d.regionalDomainName,
      regionalHostedZoneId: apiGatewayZoneId(region),
      mappings: new Map(),
    });
    this.apiGateway.createMapping(region, d.customDomain, { apiId: d.apiId, apiMappingKey: '', stage: '$default' }, d.apiMappingId);
    if (d.securityGroupId !== undefined && d.vpcLinkSecurityGroupId !== undefined && d.ingressRuleId !== undefined) {
      const vpcId = `vpc-0${d.apiId}${d.apiId.slice(0, 6)}`;
      const egress = (groupId: string): { ruleId: string; groupId: string; isEgress: boolean; ipProtocol: string; fromPort: number; toPort: number; cidrIpv4: string } => ({
        ruleId: `sgr-0${groupId.slice(4, 20)}e`,
        groupId,
        isEgress: true,
        ipProtocol: '-1',
        fromPort: -1,
        toPort: -1,
        cidrIpv4: '0.0.0.0/0',
      });
      this.securityGroups.add({
        region,
        groupId: d.vpcLinkSecurityGroupId,
        groupName: `${service.name}-vpc-link`,
        description: `VPC link ENIs of ${service.name}`,
        vpcId,
        ownerId: this.topology.accountId,
        rules: [egress(d.vpcLinkSecurityGroupId)],
      });
      this.securityGroups.add({
        region,
        groupId: d.securityGroupId,
        groupName: `${service.name}-alb`,
        description: `ALB behind the VPC link of ${service.name}`,
        vpcId,
        ownerId: this.topology.accountId,
        rules: [
          {
            ruleId: d.ingressRuleId,
            groupId: d.securityGroupId,
            isEgress: false,
            ipProtocol: 'tcp',
            fromPort: this.topology.backendPort,
            toPort: this.topology.backendPort,
            referencedGroupId: d.vpcLinkSecurityGroupId,
            description: 'HTTPS from the API Gateway VPC link',
          },
          egress(d.securityGroupId),
        ],
      });
    }
    const arn = functionArn(region, this.topology.accountId, d.functionName);
    const stopAlarm = this.alarms.list(region)[0];
    const stopConditions = stopAlarm === undefined ? [{ source: 'none' }] : [{ source: 'aws:cloudwatch:alarm', value: stopAlarm.arn }];
    const template = (id: string, actionId: string, parameters: Record<string, string>, what: string): FisTemplate => ({
      id,
      region,
      description: `${what}: ${d.functionName} (${service.name}) in ${region}`,
      roleArn: `arn:aws:iam::${this.topology.accountId}:role/drdrill-fis`,
      tags: { Name: `${service.name}-${d.role}-${actionId.endsWith('error') ? 'errors' : '500'}` },
      targets: { Functions: { resourceType: 'aws:lambda:function', resourceArns: [arn], selectionMode: 'ALL' } },
      actions: { inject: { actionId, description: what, parameters, targets: { Functions: 'Functions' } } },
      stopConditions,
      createdAt: Date.now(),
    });
    this.fis.addTemplate(
      template(d.fisTemplateId, 'aws:lambda:invocation-http-integration-response', { duration: 'PT2M', statusCode: '500', contentTypeHeader: 'application/json', preventExecution: 'true', invocationPercentage: '100' }, 'Answer 500 from every invocation'),
    );
    this.fis.addTemplate(
      template(d.fisErrorTemplateId, 'aws:lambda:invocation-error', { duration: 'PT2M', preventExecution: 'true', invocationPercentage: '100' }, 'Fail every invocation'),
    );
    for (const check of deploymentHealthChecks(service, d, options.httpPort)) this.#healthChecks.set(check.id, check);
    if (d.routingControlArn !== undefined) {
      this.#routingControls.set(d.routingControlArn, {
        arn: d.routingControlArn,
        name: `${service.name}-${region}`,
        controlPanelArn: d.routingControlArn.replace(/\/routingcontrol\/.*$/, ''),
        state: 'On',
      });
    }
  }

  /** Ground truth, in order. */
  events(): readonly SandboxEvent[] {
    return this.#events.list();
  }

  /** Records an event (for changes made by the API layer that the state does not see itself). */
  record(event: SandboxEvent): void {
    this.#events.append(event);
  }

  /** Stops every timer the state owns (FIS actions, runbooks, flag caches). */
  close(): void {
    this.fis.close();
    this.automation.close();
    for (const timer of this.#flagTimers) clearTimeout(timer);
    this.#flagTimers.clear();
  }

  // ---- functions -------------------------------------------------------------------------

  /** The function `name` in `region`, if the topology deploys one there. */
  findFunction(region: string, name: string): FunctionState | undefined {
    return this.#functions.get(functionKey(region, name));
  }

  functions(): readonly FunctionState[] {
    return [...this.#functions.values()];
  }

  /** The deployment of `service` in `region`. */
  deploymentFor(service: ResolvedService, region: string): ResolvedDeployment | undefined {
    return service.deployments.find((d) => d.region === region);
  }

  /** The function serving `service` in `region`. */
  functionFor(service: ResolvedService, region: string): FunctionState | undefined {
    const deployment = this.deploymentFor(service, region);
    return deployment === undefined ? undefined : this.findFunction(region, deployment.functionName);
  }

  /** Sets (a number) or removes (null) a function's reserved concurrency; records only real changes. */
  setReservedConcurrency(fn: FunctionState, reservedConcurrency: number | null): void {
    // An idempotent put or delete changes nothing; the call log still shows it happened.
    if (fn.reservedConcurrency === reservedConcurrency) return;
    fn.reservedConcurrency = reservedConcurrency;
    this.#events.append({ at: Date.now(), type: 'function-concurrency', region: fn.region, functionName: fn.functionName, reservedConcurrency });
    this.#reevaluate();
  }

  /** Applies an UpdateFunctionConfiguration (already validated): a new revision. */
  updateFunctionConfiguration(fn: FunctionState, patch: { readonly environment?: Record<string, string>; readonly description?: string; readonly timeout?: number; readonly memorySize?: number }): void {
    if (patch.environment !== undefined) fn.environment = { ...patch.environment };
    if (patch.description !== undefined) fn.description = patch.description;
    if (patch.timeout !== undefined) fn.timeout = patch.timeout;
    if (patch.memorySize !== undefined) fn.memorySize = patch.memorySize;
    fn.revisionId = randomUUID();
    fn.lastModified = new Date().toISOString().replace('Z', '+0000');
    this.#events.append({
      at: Date.now(),
      type: 'function-configuration',
      region: fn.region,
      functionName: fn.functionName,
      revisionId: fn.revisionId,
      environmentKeys: Object.keys(fn.environment).sort(),
    });
    this.#reevaluate();
  }

  // ---- SSM parameters (failure flags are read through a cache, like failure-lambda) --------

  /** Records a parameter change and schedules the cache refresh of every function reading it. */
  parameterChanged(region: string, name: string, version: number | null): void {
    this.#events.append({ at: Date.now(), type: 'parameter', region, name, version });
    const readers = this.functions().filter((fn) => fn.region === region && fn.environment.FAILURE_INJECTION_PARAM === name);
    if (readers.length === 0) return;
    const refresh = (): void => {
      for (const fn of readers) fn.cachedFlag = parseFailureFlag(this.parameters.get(region, name)?.value);
      this.#reevaluate();
    };
    const delayMs = this.topology.failureFlagCacheSeconds * this.topology.timeScale * 1000;
    if (delayMs === 0) {
      refresh();
      return;
    }
    const timer = setTimeout(() => {
      this.#flagTimers.delete(timer);
      refresh();
    }, delayMs);
    this.#flagTimers.add(timer);
  }

  // ---- API Gateway, EC2, alarms, ARC: changes made through the stores ------------------------

  /** Records a change the API layer made in a store and re-evaluates what clients see. */
  changed(event?: SandboxEvent): void {
    if (event !== undefined) this.#events.append(event);
    this.#reevaluate();
  }

  /** Applies SetAlarmState; a firing alarm stops the FIS experiments it guards. */
  setAlarmState(region: string, name: string, state: string, reason: string, reasonData?: string): void {
    const { alarm, changed } = this.alarms.set(region, name, state, reason, reasonData);
    if (!changed) return;
    this.#events.append({ at: Date.now(), type: 'alarm-state', region, alarmName: name, state: alarm.state });
    if (alarm.state === 'ALARM') this.fis.alarmFired(alarm.arn);
    this.#reevaluate();
  }

  routingControl(arn: string): RoutingControl | undefined {
    return this.#routingControls.get(arn);
  }

  routingControls(): readonly RoutingControl[] {
    return [...this.#routingControls.values()];
  }

  /**
   * Sets routing controls together (UpdateRoutingControlStates is one transaction). Their
   * RECOVERY_CONTROL health checks follow after the (scaled) propagation delay.
   */
  setRoutingControlStates(changes: readonly { readonly control: RoutingControl; readonly state: 'On' | 'Off' }[]): void {
    const changed: RoutingControl[] = [];
    for (const { control, state } of changes) {
      if (control.state === state) continue;
      control.state = state;
      changed.push(control);
      this.#events.append({ at: Date.now(), type: 'routing-control', routingControlArn: control.arn, state });
    }
    if (changed.length === 0) return;
    const timer = setTimeout(() => {
      this.#flagTimers.delete(timer);
      for (const control of changed) this.#propagatedControls.set(control.arn, control.state);
      this.#reevaluate();
    }, ROUTING_CONTROL_PROPAGATION_SECONDS * this.topology.timeScale * 1000);
    this.#flagTimers.add(timer);
  }

  // ---- health checks -----------------------------------------------------------------------

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
    if (patch.searchString !== undefined) config.searchString = patch.searchString;
    if (patch.failureThreshold !== undefined) config.failureThreshold = patch.failureThreshold;
    if (patch.inverted !== undefined) config.inverted = patch.inverted;
    if (patch.disabled === false && config.disabled) {
      // Re-enabled: checking resumes from the status Route 53 was reporting (healthy while
      // disabled), not from per-checker results that went stale while probing was off.
      for (const checker of check.checkers.values()) {
        checker.healthy = check.healthy;
        checker.consecutive = 0;
      }
    }
    if (patch.disabled !== undefined) config.disabled = patch.disabled;
    if (patch.childHealthChecks !== undefined) config.childHealthChecks = patch.childHealthChecks;
    if (patch.healthThreshold !== undefined) config.healthThreshold = patch.healthThreshold;
    if (patch.insufficientDataHealthStatus !== undefined) config.insufficientDataHealthStatus = patch.insufficientDataHealthStatus;
    if (patch.regions !== undefined) {
      config.regions = patch.regions;
      for (const region of patch.regions) if (!check.checkers.has(region)) check.checkers.set(region, { healthy: check.healthy, consecutive: 0 });
      for (const region of [...check.checkers.keys()]) if (!patch.regions.includes(region)) check.checkers.delete(region);
    }
    check.version += 1;
    this.#events.append({ at: Date.now(), type: 'health-check-config', healthCheckId: check.id, inverted: config.inverted, disabled: config.disabled, version: check.version });
    if (config.disabled) {
      this.setHealthStatus(check, true, 'health check disabled: Route 53 considers it healthy');
    } else if (!isProbed(config.type)) {
      this.#reevaluate();
    } else {
      // Re-vote: a Regions change may have dropped the checkers that held the status.
      this.#vote(check, 'checker regions changed');
    }
  }

  /** Flips a health check's reported status (no-op when unchanged) and re-evaluates DNS. */
  setHealthStatus(check: HealthCheckState, healthy: boolean, reason: string): void {
    if (check.healthy === healthy) return;
    check.healthy = healthy;
    this.#events.append({ at: Date.now(), type: 'health-check-status', healthCheckId: check.id, healthy, reason });
    this.#reevaluate();
  }

  /**
   * Records one checker region's probe result and its own status (already counted against
   * FailureThreshold by the checker), then applies Route 53's vote: healthy while more than 18%
   * of the checkers say so.
   */
  recordCheckerResult(check: HealthCheckState, observation: HealthCheckObservation, checkerHealthy: boolean, reason: string): void {
    const checker = check.checkers.get(observation.region);
    if (checker === undefined) return;
    checker.observation = observation;
    checker.healthy = checkerHealthy;
    if (check.config.disabled) return;
    this.#vote(check, `${reason} from ${observation.region}`);
  }

  #vote(check: HealthCheckState, reason: string): void {
    const statuses = [...check.checkers.values()].map((c) => c.healthy);
    const healthy = checkersVoteHealthy(statuses);
    const share = `${statuses.filter(Boolean).length} of ${statuses.length} checkers healthy`;
    this.setHealthStatus(check, healthy, `${reason} (${share})`);
  }

  /** The checkers' latest observations (what GetHealthCheckStatus returns). */
  observations(check: HealthCheckState): readonly HealthCheckObservation[] {
    return [...check.checkers.values()].flatMap((c) => (c.observation === undefined ? [] : [c.observation]));
  }

  // ---- hosted zone and DNS -----------------------------------------------------------------

  /** Every record set, in ListResourceRecordSets order. */
  records(): readonly ZoneRecord[] {
    return this.#records;
  }

  /** Replaces the zone's record sets (a validated ChangeResourceRecordSets batch) and re-evaluates. */
  replaceRecords(records: ZoneRecord[], changeId: string, changes: readonly SandboxEvent[]): void {
    this.#records = records;
    this.#changes.set(changeId, Date.now());
    for (const change of changes) this.#events.append(change);
    this.#reevaluate();
  }

  /** A change's submission time and whether it has propagated, or undefined for an unknown id. */
  change(id: string): { readonly submittedAt: number; readonly status: 'PENDING' | 'INSYNC' } | undefined {
    const submittedAt = this.#changes.get(id);
    if (submittedAt === undefined) return undefined;
    const insyncAt = submittedAt + CHANGE_PROPAGATION_SECONDS * this.topology.timeScale * 1000;
    return { submittedAt, status: Date.now() >= insyncAt ? 'INSYNC' : 'PENDING' };
  }

  /** Record sets whose name is `name` (any type). */
  recordsNamed(name: string): readonly ZoneRecord[] {
    const wanted = normalizeDnsName(name);
    return this.#records.filter((r) => r.name === wanted);
  }

  /**
   * The region of the first resolver client inside an EDNS Client Subnet, or undefined when none
   * is (the query is then placed by its source address).
   */
  clientRegionOfSubnet(subnet: ClientSubnet): string | undefined {
    // RFC 7871 §7.1.2: a source prefix of 0 says nothing about the client (privacy opt-out).
    if (subnet.sourcePrefixLength === 0) return undefined;
    return this.topology.resolverClients.find((c) => subnetContains(subnet, c.address))?.region;
  }

  /** True when what `name` answers depends on the client's region (a latency record on its path). */
  dependsOnClientRegion(name: string, depth = 0): boolean {
    if (depth >= MAX_ALIAS_DEPTH) return false;
    return this.recordsNamed(name).some(
      (r) => r.region !== undefined || (r.aliasTarget !== undefined && this.dependsOnClientRegion(r.aliasTarget.dnsName, depth + 1)),
    );
  }

  /**
   * Whether a query from `address` may see the zone: always for a public zone; for a private one,
   * only from a resolver client in a region the zone has a VPC in (that VPC's Route 53 Resolver).
   */
  seesZone(address: string | undefined): boolean {
    const vpcs = this.zone.vpcs;
    if (vpcs === undefined) return true;
    const client = this.topology.resolverClients.find((c) => c.address === address);
    return client !== undefined && vpcs.some((vpc) => vpc.region === client.region);
  }

  /** The region Route 53 would place a resolver querying from `address` in. */
  clientRegionOf(address: string | undefined): string {
    const client = this.topology.resolverClients.find((c) => c.address === address);
    return client?.region ?? this.topology.regions[0]?.name ?? 'us-east-1';
  }

  /**
   * What a query for `name`/`type` from a resolver in `clientRegion` gets right now: the chosen
   * record set's values (alias targets followed) and TTL. Weighted record sets rotate per query of
   * each `client` (its source address): every resolver sees each region in proportion to its
   * weight, as Route 53's random pick gives it over time, and no resolver is stuck on one region
   * because other clients' queries happened to interleave with its own.
   */
  answer(name: string, type: string, clientRegion: string, rotate = true, client?: string): DnsAnswer | undefined {
    return this.#answer(normalizeDnsName(name), type, clientRegion, rotate, 0, client);
  }

  /** The A addresses the DNS server may give for `name` right now (empty when the name has no A records). */
  answerFor(name: string, clientRegion?: string): readonly string[] {
    return this.#eligibleValues(normalizeDnsName(name), 'A', clientRegion ?? this.clientRegionOf(undefined));
  }

  #answer(name: string, type: string, clientRegion: string, rotate: boolean, depth: number, client?: string): DnsAnswer | undefined {
    const records = this.#records.filter((r) => r.name === name && r.type === type);
    if (records.length === 0) return undefined;
    const eligible = eligibleRecordSets(records, this.#routingContext(clientRegion, depth));
    let chosen: readonly ZoneRecord[] = eligible;
    const first = records[0];
    if (first !== undefined && routingPolicyOf(first) === 'weighted') {
      const key = `${name}|${type}|${client ?? ''}`;
      const sequence = this.#weightedSequence.get(key) ?? 0;
      if (rotate) this.#weightedSequence.set(key, sequence + 1);
      const picked = pickWeighted(eligible, sequence);
      chosen = picked === undefined ? [] : [picked];
    }
    const parts = chosen.map((r) => this.#valuesOf(r, clientRegion, depth));
    const values = parts.flatMap((p) => p.values);
    const ttl = Math.min(...parts.map((p) => p.ttl));
    return { values, ttl: Number.isFinite(ttl) ? ttl : 0 };
  }

  #valuesOf(record: ZoneRecord, clientRegion: string, depth: number): DnsAnswer {
    if (record.aliasTarget === undefined) return { values: record.values, ttl: record.ttl ?? 0 };
    if (depth >= MAX_ALIAS_DEPTH) return { values: [], ttl: 0 };
    const target = record.aliasTarget.dnsName;
    const regional = this.#regionalDomainAddress(target);
    if (regional !== undefined) return { values: record.type === 'A' ? [regional] : [], ttl: API_GATEWAY_ALIAS_TTL };
    return this.#answer(target, record.type, clientRegion, false, depth + 1) ?? { values: [], ttl: 0 };
  }

  /** The current address behind an API Gateway regional domain name (what an alias to it answers). */
  #regionalDomainAddress(dnsName: string): string | undefined {
    for (const service of this.topology.services) {
      for (const d of service.deployments) if (d.regionalDomainName === dnsName) return this.regionAddress(d.region);
    }
    return undefined;
  }

  /**
   * The current address of a region's API Gateway names (`d-….execute-api.<region>.amazonaws.com`,
   * `<apiId>.execute-api.<region>.amazonaws.com`), or undefined for any other name.
   */
  regionalDomainAddress(name: string): string | undefined {
    const wanted = normalizeDnsName(name);
    for (const service of this.topology.services) {
      for (const d of service.deployments) {
        if (d.regionalDomainName === wanted || d.executeApiHost === wanted) return this.regionAddress(d.region);
      }
    }
    return undefined;
  }

  /** The address a region's endpoint is reached at now (it changes with `moveRegion`). */
  regionAddress(region: string): string | undefined {
    return this.#regionAddresses.get(region);
  }

  /**
   * Points a region's API Gateway names (and so every alias answer to them) at `address`, as
   * when AWS moves a regional endpoint; the caller has made the endpoint listen there first.
   */
  moveRegion(region: string, address: string): void {
    const previous = this.#regionAddresses.get(region);
    if (previous === undefined || previous === address) return;
    this.#regionAddresses.set(region, address);
    this.#events.append({ at: Date.now(), type: 'region-address', region, address, previous });
    this.#reevaluate();
  }

  /** True when an alias target names something the sandbox can resolve. */
  aliasTargetExists(dnsName: string): boolean {
    const name = normalizeDnsName(dnsName);
    return this.#regionalDomainAddress(name) !== undefined || this.#records.some((r) => r.name === name);
  }

  #routingContext(clientRegion: string, depth: number): { clientRegion: string; isHealthy: (record: ZoneRecord) => boolean } {
    const isHealthy = (record: ZoneRecord): boolean => {
      const checkOk = record.healthCheckId === undefined || (this.#healthChecks.get(record.healthCheckId)?.healthy ?? true);
      if (!checkOk) return false;
      const alias = record.aliasTarget;
      if (alias === undefined || !alias.evaluateTargetHealth || depth >= MAX_ALIAS_DEPTH) return true;
      // Evaluate target health on an API Gateway target adds nothing; on a record in the zone
      // it needs at least one healthy record set there.
      if (this.#regionalDomainAddress(alias.dnsName) !== undefined) return true;
      const targets = this.#records.filter((r) => r.name === alias.dnsName && r.type === record.type);
      return targets.some((t) => this.#routingContext(clientRegion, depth + 1).isHealthy(t));
    };
    return { clientRegion, isHealthy };
  }

  #eligibleValues(name: string, type: string, clientRegion: string): readonly string[] {
    const records = this.#records.filter((r) => r.name === name && r.type === type);
    const eligible = eligibleRecordSets(records, this.#routingContext(clientRegion, 0));
    return eligible.flatMap((r) => this.#valuesOf(r, clientRegion, 0).values);
  }

  // ---- re-evaluation -------------------------------------------------------------------------

  #reevaluate(): void {
    this.#recomputeDerivedHealth();
    this.#reevaluateDns();
    this.#reevaluateFaults();
  }

  /** CALCULATED and RECOVERY_CONTROL checks follow their inputs at once (no probing). */
  #recomputeDerivedHealth(): void {
    // Calculated checks may nest; a few passes settle any sane tree.
    for (let pass = 0; pass < 4; pass += 1) {
      let changed = false;
      for (const check of this.#healthChecks.values()) {
        const config = check.config;
        if (isProbed(config.type)) continue;
        let raw: boolean;
        let reason: string;
        if (config.type === 'RECOVERY_CONTROL') {
          const state = this.#propagatedControls.get(config.routingControlArn) ?? 'On';
          raw = state === 'On';
          reason = `routing control ${state}`;
        } else if (config.type === 'CLOUDWATCH_METRIC') {
          const alarm = config.alarm === undefined ? undefined : this.alarms.find(config.alarm.region, config.alarm.name);
          const alarmState = alarm?.state ?? 'INSUFFICIENT_DATA';
          // LastKnownStatus keeps what the alarm last said (before Inverted); healthy before any data.
          raw = alarmHealth(alarmState, config.insufficientDataHealthStatus, this.#alarmVerdicts.get(check.id) ?? true);
          this.#alarmVerdicts.set(check.id, raw);
          reason = `alarm ${config.alarm?.name ?? '?'} (${config.alarm?.region ?? '?'}) is ${alarmState}${alarmState === 'INSUFFICIENT_DATA' ? ` (${config.insufficientDataHealthStatus})` : ''}`;
        } else {
          const healthyChildren = config.childHealthChecks.filter((id) => this.#healthChecks.get(id)?.healthy ?? false).length;
          raw = healthyChildren >= config.healthThreshold;
          reason = `${healthyChildren} of ${config.childHealthChecks.length} child checks healthy (threshold ${config.healthThreshold})`;
        }
        const healthy = config.disabled || raw !== config.inverted;
        if (healthy !== check.healthy) {
          check.healthy = healthy;
          changed = true;
          this.#events.append({ at: Date.now(), type: 'health-check-status', healthCheckId: check.id, healthy, reason: config.inverted ? `${reason} (inverted)` : reason });
        }
      }
      if (!changed) break;
    }
  }

  #reevaluateDns(): void {
    const defaultRegion = this.clientRegionOf(undefined);
    const clientRegions = [...new Set([defaultRegion, ...this.topology.resolverClients.map((c) => c.region)])];
    const named = this.#records.filter((r) => r.type === 'A' || r.type === 'CNAME');
    const now = Date.now();
    for (const name of new Set(named.map((r) => r.name))) {
      const type = named.some((r) => r.name === name && r.type === 'CNAME') ? 'CNAME' : 'A';
      const latency = this.dependsOnClientRegion(name);
      for (const clientRegion of latency ? clientRegions : [defaultRegion]) {
        const key = latency ? `${name}|${clientRegion}` : name;
        const values = this.#eligibleValues(name, type, clientRegion);
        // A CNAME answer is recorded as the addresses its targets lead to, and the targets.
        const addresses = type === 'A' ? values : values.flatMap((target) => this.#addressesOf(target, clientRegion));
        const previous = this.#answers.get(key);
        if (previous !== undefined && sameValues(previous, [...addresses, ...(type === 'A' ? [] : values)])) continue;
        this.#answers.set(key, [...addresses, ...(type === 'A' ? [] : values)]);
        this.#events.append({ at: now, type: 'dns-answer', name, addresses, ...(type === 'CNAME' ? { cnames: values } : {}), ...(latency ? { clientRegion } : {}) });
      }
    }
  }

  /** The addresses a CNAME target leads to: a region's API Gateway name, or a name in the zone. */
  #addressesOf(target: string, clientRegion: string): readonly string[] {
    const name = normalizeDnsName(target);
    const regional = this.regionalDomainAddress(name);
    return regional === undefined ? this.#eligibleValues(name, 'A', clientRegion) : [regional];
  }


  #reevaluateFaults(): void {
    const now = Date.now();
    for (const service of this.topology.services) {
      for (const d of service.deployments) {
        const key = `${service.name}|${d.region}`;
        const current = new Map(deploymentFaults(this, d).map((f) => [f.fault, f.detail]));
        const previous = this.#faults.get(key) ?? new Map<string, string>();
        for (const [fault, detail] of current) {
          if (!previous.has(fault)) this.#events.append({ at: now, type: 'fault', region: d.region, service: service.name, fault, active: true, detail });
        }
        for (const [fault, detail] of previous) {
          if (!current.has(fault)) this.#events.append({ at: now, type: 'fault', region: d.region, service: service.name, fault, active: false, detail });
        }
        this.#faults.set(key, current);
      }
    }
  }

  #experimentChanged(experiment: Experiment): void {
    this.#events.append({
      at: Date.now(),
      type: 'fis-experiment',
      region: experiment.region,
      experimentId: experiment.id,
      templateId: experiment.template.id,
      status: experiment.status,
      reason: experiment.reason,
    });
    this.#reevaluate();
  }

  #automationChanged(execution: AutomationExecution): void {
    this.#events.append({ at: Date.now(), type: 'automation', region: execution.region, executionId: execution.id, status: execution.status });
  }
}

function functionKey(region: string, name: string): string {
  return `${region}\u0000${name}`;
}

function sameValues(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}
