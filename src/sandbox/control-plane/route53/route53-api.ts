import { isIPv4 } from 'node:net';
import { AwsServiceError } from '../aws-errors.ts';
import { compareRecords } from '../../dns/hosted-zone.ts';
import type { RecordKey, ZoneRecord } from '../../dns/hosted-zone.ts';
import { buildXmlDocument, invalidInput, isRecord, parseXmlRequest, renderXmlError } from '../rest-xml.ts';
import type { XmlObject } from '../rest-xml.ts';
import { randomBytes } from 'node:crypto';
import type { HealthCheckPatch, HealthCheckState } from '../../data-plane/health-check-model.ts';
import { isProbed } from '../../data-plane/health-check-model.ts';
import { CHECKER_REGIONS } from '../../topology/resolve-topology.ts';
import { INSUFFICIENT_DATA_HEALTH_STATUSES } from '../../topology/topology.ts';
import { ALARM_METRIC } from '../cloudwatch/alarm-store.ts';
import { applyChangeBatch, parseChangeBatch } from './route53-record-changes.ts';
import type { SandboxState } from '../../sandbox-state.ts';
import { matchRoute } from '../service-handler.ts';
import type { AwsOperationResult, AwsRequest, AwsResponse, AwsServiceHandler, OperationRoute } from '../service-handler.ts';

/** Where the sandbox's DNS listens, for the hosted zone's delegation set. */
export interface Route53ApiOptions {
  readonly dnsHost: string;
  readonly dnsPort: number;
}

interface Context {
  readonly state: SandboxState;
  readonly options: Route53ApiOptions;
  readonly request: AwsRequest;
}

// Route 53 returns at most 300 record sets per page whatever maxitems says.
const MAX_ITEMS_CAP = 300;
const RECORD_TYPES = new Set([
  'A', 'AAAA', 'CAA', 'CNAME', 'DS', 'HTTPS', 'MX', 'NAPTR', 'NS', 'PTR', 'SOA', 'SPF', 'SRV', 'SSHFP', 'SVCB', 'TLSA', 'TXT',
]);
const RESETTABLE = new Set(['FullyQualifiedDomainName', 'Regions', 'ResourcePath', 'ChildHealthChecks']);
const UNSUPPORTED_UPDATE_FIELDS = ['AlarmIdentifier'];

const ROUTES: readonly OperationRoute<Context>[] = [
  { method: 'GET', pattern: /^\/2013-04-01\/healthcheck\/?$/, operation: 'ListHealthChecks', mutating: false, run: listHealthChecks },
  { method: 'GET', pattern: /^\/2013-04-01\/hostedzonesbyname\/?$/, operation: 'ListHostedZonesByName', mutating: false, run: listHostedZonesByName },
  { method: 'POST', pattern: /^\/2013-04-01\/hostedzone\/([^/]+)\/rrset\/?$/, operation: 'ChangeResourceRecordSets', mutating: true, run: changeResourceRecordSets },
  { method: 'GET', pattern: /^\/2013-04-01\/change\/([^/]+)$/, operation: 'GetChange', mutating: false, run: getChange },
  { method: 'GET', pattern: /^\/2013-04-01\/healthcheck\/([^/]+)\/status$/, operation: 'GetHealthCheckStatus', mutating: false, run: getHealthCheckStatus },
  { method: 'GET', pattern: /^\/2013-04-01\/healthcheck\/([^/]+)$/, operation: 'GetHealthCheck', mutating: false, run: getHealthCheck },
  { method: 'POST', pattern: /^\/2013-04-01\/healthcheck\/([^/]+)$/, operation: 'UpdateHealthCheck', mutating: true, run: updateHealthCheck },
  { method: 'GET', pattern: /^\/2013-04-01\/hostedzone\/([^/]+)\/rrset\/?$/, operation: 'ListResourceRecordSets', mutating: false, run: listResourceRecordSets },
  { method: 'GET', pattern: /^\/2013-04-01\/hostedzone\/([^/]+)$/, operation: 'GetHostedZone', mutating: false, run: getHostedZone },
];

/**
 * The Route 53 slice of the control plane (REST-XML): health checks and the hosted zone,
 * with the error codes and statuses the SDK maps to named exceptions.
 */
export function createRoute53Api(state: SandboxState, options: Route53ApiOptions): AwsServiceHandler {
  return {
    signingName: 'route53',
    handle(request: AwsRequest): AwsResponse {
      const match = matchRoute(ROUTES, request.method, request.path);
      const operation = match?.route.operation ?? 'Unknown';
      const mutating = match?.route.mutating ?? false;
      const headers = { 'content-type': 'text/xml' };
      try {
        if (match === undefined) {
          throw new AwsServiceError(
            'InvalidAction',
            400,
            `The drdrill sandbox does not support the Route 53 operation ${request.method} ${request.path}`,
          );
        }
        const result = match.route.run({ state, options, request }, match.params);
        return { ...result, headers, operation, mutating };
      } catch (error) {
        if (!(error instanceof AwsServiceError)) throw error;
        return {
          status: error.status,
          headers,
          body: renderXmlError(error, request.requestId),
          operation,
          mutating,
          errorCode: error.code,
        };
      }
    },
  };
}

function findHealthCheck(context: Context, id: string | undefined): HealthCheckState {
  const check = id === undefined ? undefined : context.state.healthCheck(id);
  if (check === undefined) {
    throw new AwsServiceError('NoSuchHealthCheck', 404, `A health check with id ${id ?? ''} does not exist.`);
  }
  return check;
}

function healthCheckXml(check: HealthCheckState): XmlObject {
  const config = check.config;
  const common = { Type: config.type, Inverted: config.inverted, Disabled: config.disabled };
  let body: XmlObject;
  if (config.type === 'CALCULATED') {
    body = { ...common, HealthThreshold: config.healthThreshold, ChildHealthChecks: { ChildHealthCheck: [...config.childHealthChecks] } };
  } else if (config.type === 'RECOVERY_CONTROL') {
    body = { ...common, RoutingControlArn: config.routingControlArn };
  } else if (config.type === 'CLOUDWATCH_METRIC') {
    body = {
      ...common,
      ...(config.alarm === undefined ? {} : { AlarmIdentifier: { Region: config.alarm.region, Name: config.alarm.name } }),
      InsufficientDataHealthStatus: config.insufficientDataHealthStatus,
    };
  } else {
    body = {
      IPAddress: config.ipAddress,
      Port: config.port,
      ...common,
      ...(config.resourcePath === '' ? {} : { ResourcePath: config.resourcePath }),
      ...(config.fullyQualifiedDomainName === '' ? {} : { FullyQualifiedDomainName: config.fullyQualifiedDomainName }),
      ...(config.type.endsWith('STR_MATCH') ? { SearchString: config.searchString } : {}),
      RequestInterval: config.requestInterval,
      FailureThreshold: config.failureThreshold,
      MeasureLatency: false,
      ...(config.type.startsWith('HTTPS') ? { EnableSNI: true } : {}),
      Regions: { Region: [...config.regions] },
    };
  }
  return {
    Id: check.id,
    CallerReference: check.callerReference,
    HealthCheckConfig: body,
    HealthCheckVersion: check.version,
    ...(config.type === 'CLOUDWATCH_METRIC'
      ? {
          CloudWatchAlarmConfiguration: {
            EvaluationPeriods: ALARM_METRIC.evaluationPeriods,
            Threshold: ALARM_METRIC.threshold,
            ComparisonOperator: ALARM_METRIC.comparisonOperator,
            Period: ALARM_METRIC.period,
            MetricName: ALARM_METRIC.metricName,
            Namespace: ALARM_METRIC.namespace,
            Statistic: ALARM_METRIC.statistic,
          },
        }
      : {}),
  };
}

function listHealthChecks(context: Context): AwsOperationResult {
  const query = context.request.query;
  const marker = query.get('marker') ?? undefined;
  const maxItems = parseMaxItems(query.get('maxitems'), 1000, 100);
  const all = [...context.state.healthChecks()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const start = marker === undefined ? 0 : all.findIndex((c) => c.id === marker);
  if (start < 0) throw invalidInput(`marker: "${marker ?? ''}" is not a health check id from a previous page`);
  const page = all.slice(start, start + maxItems);
  const next = all[start + maxItems];
  return {
    status: 200,
    body: buildXmlDocument('ListHealthChecksResponse', {
      HealthChecks: { HealthCheck: page.map(healthCheckXml) },
      Marker: marker ?? '',
      IsTruncated: next !== undefined,
      ...(next === undefined ? {} : { NextMarker: next.id }),
      MaxItems: maxItems,
    }),
  };
}

function parseMaxItems(text: string | null, cap: number, fallback: number): number {
  if (text === null) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < 1) throw invalidInput(`maxitems: "${text}" is not a positive integer`);
  return Math.min(Number(text), cap);
}

function listHostedZonesByName(context: Context): AwsOperationResult {
  const query = context.request.query;
  const dnsName = query.get('dnsname') ?? undefined;
  const zoneId = query.get('hostedzoneid') ?? undefined;
  if (zoneId !== undefined && dnsName === undefined) throw invalidInput('hostedzoneid: specified without dnsname');
  if (dnsName !== undefined && !/^[a-zA-Z0-9_.*-]+\.?$/.test(dnsName)) {
    throw new AwsServiceError('InvalidDomainName', 400, `dnsname: "${dnsName}" is not a valid domain name`);
  }
  const maxItems = parseMaxItems(query.get('maxitems'), 100, 100);
  const zone = context.state.zone;
  const reversed = (name: string): string => normalizeName(name).split('.').reverse().join('.');
  const included = dnsName === undefined || reversed(zone.name) >= reversed(dnsName);
  return {
    status: 200,
    body: buildXmlDocument('ListHostedZonesByNameResponse', {
      HostedZones: { HostedZone: included ? [hostedZoneXml(context)] : [] },
      ...(dnsName === undefined ? {} : { DNSName: dnsName.endsWith('.') ? dnsName : `${dnsName}.` }),
      ...(zoneId === undefined ? {} : { HostedZoneId: zoneId }),
      IsTruncated: false,
      MaxItems: maxItems,
    }),
  };
}

function normalizeName(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

function hostedZoneXml(context: Context): XmlObject {
  const zone = context.state.zone;
  return {
    Id: `/hostedzone/${zone.id}`,
    Name: `${zone.name}.`,
    CallerReference: zone.callerReference,
    Config: { Comment: zone.comment, PrivateZone: zone.vpcs !== undefined },
    ResourceRecordSetCount: context.state.records().length,
  };
}

function changeResourceRecordSets(context: Context, [id]: readonly string[]): AwsOperationResult {
  findZone(context, id);
  let fields: Readonly<Record<string, unknown>>;
  try {
    fields = parseXmlRequest(context.request.body, 'ChangeResourceRecordSetsRequest');
  } catch (error) {
    throw invalidInput(`ChangeResourceRecordSets: ${(error as Error).message}`);
  }
  const changes = parseChangeBatch(fields);
  const state = context.state;
  const next = applyChangeBatch(state.records(), changes, {
    zoneName: state.zone.name,
    healthCheckExists: (checkId) => state.healthCheck(checkId) !== undefined,
    aliasTargetExists: (dnsName, records) => state.aliasTargetExists(dnsName) || records.some((r) => r.name === dnsName),
  });
  const changeId = `C${randomBytes(10).toString('hex').toUpperCase()}`;
  const now = Date.now();
  state.replaceRecords(
    next,
    changeId,
    changes.map(({ action, record }) => ({
      at: now,
      type: 'record-change' as const,
      changeId,
      action,
      name: record.name,
      recordType: record.type,
      ...(record.setIdentifier === undefined ? {} : { setIdentifier: record.setIdentifier }),
    })),
  );
  return { status: 200, body: buildXmlDocument('ChangeResourceRecordSetsResponse', { ChangeInfo: changeInfoXml(context, changeId) }) };
}

function changeInfoXml(context: Context, changeId: string): XmlObject {
  const change = context.state.change(changeId);
  if (change === undefined) throw new AwsServiceError('NoSuchChange', 404, `A change with the specified change ID does not exist: ${changeId}`);
  return { Id: `/change/${changeId}`, Status: change.status, SubmittedAt: new Date(change.submittedAt).toISOString() };
}

function getChange(context: Context, [id]: readonly string[]): AwsOperationResult {
  const bare = (id ?? '').replace(/^\/?change\//, '');
  return { status: 200, body: buildXmlDocument('GetChangeResponse', { ChangeInfo: changeInfoXml(context, bare) }) };
}

function getHealthCheck(context: Context, [id]: readonly string[]): AwsOperationResult {
  const check = findHealthCheck(context, id);
  return { status: 200, body: buildXmlDocument('GetHealthCheckResponse', { HealthCheck: healthCheckXml(check) }) };
}

function getHealthCheckStatus(context: Context, [id]: readonly string[]): AwsOperationResult {
  const check = findHealthCheck(context, id);
  const observations = context.state.observations(check).map((o) => ({
    Region: o.region,
    IPAddress: o.ipAddress,
    StatusReport: { Status: o.status, CheckedTime: new Date(o.checkedTime).toISOString() },
  }));
  return {
    status: 200,
    body: buildXmlDocument('GetHealthCheckStatusResponse', {
      HealthCheckObservations: { HealthCheckObservation: observations },
    }),
  };
}

function updateHealthCheck(context: Context, [id]: readonly string[]): AwsOperationResult {
  const check = findHealthCheck(context, id);
  const fields = parseXmlRequestOrInvalid(context.request.body);
  for (const name of UNSUPPORTED_UPDATE_FIELDS) {
    if (fields[name] !== undefined) {
      throw invalidInput(`UpdateHealthCheck: ${name} is not supported by the drdrill sandbox (HTTP checks only)`);
    }
  }
  const version = optionalInteger(fields, 'HealthCheckVersion', 1, Number.MAX_SAFE_INTEGER);
  if (version !== undefined && version !== check.version) {
    throw new AwsServiceError(
      'HealthCheckVersionMismatch',
      409,
      `The value of HealthCheckVersion in the request (${version}) doesn't match the value of HealthCheckVersion in the health check (${check.version}).`,
    );
  }
  const patch: { -readonly [K in keyof HealthCheckPatch]: HealthCheckPatch[K] } = {};
  for (const element of listField(fields, 'ResetElements', 'ResettableElementName')) {
    if (!RESETTABLE.has(element)) {
      throw invalidInput(`ResetElements: "${element}" is not one of ${[...RESETTABLE].join(', ')}`);
    }
    if (element === 'Regions') patch.regions = context.state.topology.checkerRegions;
    if (element === 'ResourcePath') patch.resourcePath = '';
    if (element === 'FullyQualifiedDomainName') patch.fullyQualifiedDomainName = '';
    if (element === 'ChildHealthChecks') patch.childHealthChecks = [];
  }
  const ipAddress = optionalText(fields, 'IPAddress');
  if (ipAddress !== undefined) {
    // The sandbox probes whatever address the check names, and it must never leave loopback.
    if (!isIPv4(ipAddress) || !ipAddress.startsWith('127.')) {
      throw invalidInput(`IPAddress: "${ipAddress}" is not an IPv4 address in 127.0.0.0/8 (the sandbox only probes loopback)`);
    }
    patch.ipAddress = ipAddress;
  }
  const port = optionalInteger(fields, 'Port', 1, 65535);
  if (port !== undefined) patch.port = port;
  const resourcePath = optionalText(fields, 'ResourcePath');
  if (resourcePath !== undefined) {
    if (resourcePath.length > 255) throw invalidInput('ResourcePath: longer than 255 characters');
    patch.resourcePath = resourcePath;
  }
  const searchString = optionalText(fields, 'SearchString');
  if (searchString !== undefined) {
    if (!check.config.type.endsWith('STR_MATCH')) throw invalidInput(`SearchString: only for HTTP_STR_MATCH and HTTPS_STR_MATCH checks, not ${check.config.type}`);
    if (searchString.length > 255) throw invalidInput('SearchString: longer than 255 characters');
    patch.searchString = searchString;
  }
  const healthThreshold = optionalInteger(fields, 'HealthThreshold', 0, 256);
  if (healthThreshold !== undefined) {
    if (check.config.type !== 'CALCULATED') throw invalidInput(`HealthThreshold: only for CALCULATED checks, not ${check.config.type}`);
    patch.healthThreshold = healthThreshold;
  }
  if (fields.ChildHealthChecks !== undefined) {
    if (check.config.type !== 'CALCULATED') throw invalidInput(`ChildHealthChecks: only for CALCULATED checks, not ${check.config.type}`);
    const children = listField(fields, 'ChildHealthChecks', 'ChildHealthCheck');
    const unknown = children.filter((c) => context.state.healthCheck(c) === undefined || c === check.id);
    if (unknown.length > 0) throw invalidInput(`ChildHealthChecks: ${unknown.join(', ')} is not another existing health check`);
    patch.childHealthChecks = children;
  }
  const fqdn = optionalText(fields, 'FullyQualifiedDomainName');
  if (fqdn !== undefined) patch.fullyQualifiedDomainName = fqdn;
  const threshold = optionalInteger(fields, 'FailureThreshold', 1, 10);
  if (threshold !== undefined) patch.failureThreshold = threshold;
  const insufficient = optionalText(fields, 'InsufficientDataHealthStatus');
  if (insufficient !== undefined) {
    if (check.config.type !== 'CLOUDWATCH_METRIC') throw invalidInput(`InsufficientDataHealthStatus: only for CLOUDWATCH_METRIC checks, not ${check.config.type}`);
    const status = INSUFFICIENT_DATA_HEALTH_STATUSES.find((s) => s === insufficient);
    if (status === undefined) throw invalidInput(`InsufficientDataHealthStatus: "${insufficient}" is not one of ${INSUFFICIENT_DATA_HEALTH_STATUSES.join(', ')}`);
    patch.insufficientDataHealthStatus = status;
  }
  const inverted = optionalBoolean(fields, 'Inverted');
  if (inverted !== undefined) patch.inverted = inverted;
  const disabled = optionalBoolean(fields, 'Disabled');
  if (disabled !== undefined) patch.disabled = disabled;
  if (fields.Regions !== undefined) {
    const regions = listField(fields, 'Regions', 'Region');
    if (!isProbed(check.config.type)) throw invalidInput(`Regions: not applicable to ${check.config.type} checks`);
    const unknown = regions.filter((r) => !CHECKER_REGIONS.includes(r));
    if (unknown.length > 0 || regions.length < 3) {
      throw invalidInput(
        `Regions: expected at least 3 of ${CHECKER_REGIONS.join(', ')}, got [${regions.join(', ')}]`,
      );
    }
    patch.regions = [...new Set(regions)];
  }
  context.state.updateHealthCheck(check, patch);
  return { status: 200, body: buildXmlDocument('UpdateHealthCheckResponse', { HealthCheck: healthCheckXml(check) }) };
}

function findZone(context: Context, id: string | undefined): void {
  // The SDK strips the /hostedzone/ prefix, but other clients (curl, older tools) may not.
  const bare = id?.replace(/^\/?hostedzone\//, '');
  if (bare !== context.state.zone.id) {
    throw new AwsServiceError('NoSuchHostedZone', 404, `No hosted zone found with ID: ${bare ?? ''}`);
  }
}

function getHostedZone(context: Context, [id]: readonly string[]): AwsOperationResult {
  findZone(context, id);
  const { dnsHost, dnsPort } = context.options;
  return {
    status: 200,
    body: buildXmlDocument('GetHostedZoneResponse', {
      HostedZone: hostedZoneXml(context),
      // A private zone lists its VPCs (Route 53 gives it no delegation set; the sandbox keeps one
      // so tools still learn where its DNS listens).
      ...(context.state.zone.vpcs === undefined ? {} : { VPCs: { VPC: context.state.zone.vpcs.map((vpc) => ({ VPCRegion: vpc.region, VPCId: vpc.vpcId })) } }),
      DelegationSet: {
        // Non-standard: real delegation sets hold host names on port 53. The sandbox's DNS is
        // an address and a port, so the reference says where to send queries.
        CallerReference: `drdrill-sandbox: authoritative DNS at ${dnsHost} port ${dnsPort} (UDP and TCP)`,
        NameServers: { NameServer: [dnsHost] },
      },
    }),
  };
}

function listResourceRecordSets(context: Context, [id]: readonly string[]): AwsOperationResult {
  findZone(context, id);
  const query = context.request.query;
  const name = query.get('name') ?? undefined;
  const type = query.get('type') ?? undefined;
  const identifier = query.get('identifier') ?? undefined;
  if (type !== undefined && name === undefined) throw invalidInput('type: specified without name');
  if (identifier !== undefined && type === undefined) throw invalidInput('identifier: specified without type');
  if (type !== undefined && !RECORD_TYPES.has(type)) {
    throw invalidInput(`type: "${type}" is not a valid record type (${[...RECORD_TYPES].join(', ')})`);
  }
  const maxItemsText = query.get('maxitems');
  let maxItems = MAX_ITEMS_CAP;
  if (maxItemsText !== null) {
    const parsed = Number(maxItemsText);
    if (!/^\d+$/.test(maxItemsText) || parsed < 1) {
      throw invalidInput(`maxitems: "${maxItemsText}" is not a positive integer`);
    }
    maxItems = Math.min(parsed, MAX_ITEMS_CAP);
  }
  const start: RecordKey | undefined =
    name === undefined ? undefined : { name, ...(type === undefined ? {} : { type }), ...(identifier === undefined ? {} : { setIdentifier: identifier }) };
  const records = context.state.records().filter((r) => start === undefined || compareRecords(r, start) >= 0);
  const page = records.slice(0, maxItems);
  const next = records[maxItems];
  return {
    status: 200,
    body: buildXmlDocument('ListResourceRecordSetsResponse', {
      ResourceRecordSets: { ResourceRecordSet: page.map(recordXml) },
      IsTruncated: next !== undefined,
      ...(next === undefined
        ? {}
        : {
            NextRecordName: `${next.name}.`,
            NextRecordType: next.type,
            ...(next.setIdentifier === undefined ? {} : { NextRecordIdentifier: next.setIdentifier }),
          }),
      MaxItems: maxItems,
    }),
  };
}

function recordXml(record: ZoneRecord): XmlObject {
  return {
    Name: `${record.name}.`,
    Type: record.type,
    ...(record.setIdentifier === undefined ? {} : { SetIdentifier: record.setIdentifier }),
    ...(record.weight === undefined ? {} : { Weight: record.weight }),
    ...(record.region === undefined ? {} : { Region: record.region }),
    ...(record.failover === undefined ? {} : { Failover: record.failover }),
    ...(record.ttl === undefined ? {} : { TTL: record.ttl }),
    ...(record.aliasTarget === undefined
      ? { ResourceRecords: { ResourceRecord: record.values.map((value) => ({ Value: value })) } }
      : {
          AliasTarget: {
            HostedZoneId: record.aliasTarget.hostedZoneId,
            DNSName: `${record.aliasTarget.dnsName}.`,
            EvaluateTargetHealth: record.aliasTarget.evaluateTargetHealth,
          },
        }),
    ...(record.healthCheckId === undefined ? {} : { HealthCheckId: record.healthCheckId }),
  };
}

function parseXmlRequestOrInvalid(body: string): Readonly<Record<string, unknown>> {
  try {
    return parseXmlRequest(body, 'UpdateHealthCheckRequest');
  } catch (error) {
    throw invalidInput(`UpdateHealthCheck: ${(error as Error).message}`);
  }
}

function optionalText(fields: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const value = fields[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalidInput(`${name}: expected a text value`);
  return value.trim();
}

function optionalInteger(fields: Readonly<Record<string, unknown>>, name: string, min: number, max: number): number | undefined {
  const text = optionalText(fields, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^-?\d+$/.test(text) || value < min || value > max) {
    throw invalidInput(`${name}: "${text}" is not an integer from ${min} to ${max}`);
  }
  return value;
}

function optionalBoolean(fields: Readonly<Record<string, unknown>>, name: string): boolean | undefined {
  const text = optionalText(fields, name);
  if (text === undefined) return undefined;
  if (text !== 'true' && text !== 'false') throw invalidInput(`${name}: "${text}" is not true or false`);
  return text === 'true';
}

function listField(fields: Readonly<Record<string, unknown>>, name: string, item: string): readonly string[] {
  const container = fields[name];
  if (container === undefined || container === '') return [];
  const items = isRecord(container) ? container[item] : undefined;
  if (!Array.isArray(items) || !items.every((v): v is string => typeof v === 'string')) {
    throw invalidInput(`${name}: expected a list of <${item}> elements`);
  }
  return items.map((v) => v.trim());
}
