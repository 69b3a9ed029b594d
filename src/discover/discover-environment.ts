import { resolve4 } from 'node:dns/promises';
import { GetApiMappingsCommand, GetDomainNameCommand, GetIntegrationsCommand } from '@aws-sdk/client-apigatewayv2';
import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import {
  GetHealthCheckCommand,
  GetHostedZoneCommand,
  ListHostedZonesByNameCommand,
  ListResourceRecordSetsCommand,
  type HealthCheck,
  type HostedZone,
  type ResourceRecordSet,
} from '@aws-sdk/client-route-53';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AwsClients } from '../aws/aws-clients.ts';
import { InvalidInputError } from '../drill/invalid-input-error.ts';
import type { DiscoveredEnvironment, DiscoveredService, PerRole, Role, Sourced } from './discovered-environment.ts';

export interface DiscoverOptions {
  readonly record: string;
  readonly envName: string;
  readonly kind: 'sandbox' | 'aws';
  readonly zone?: string;
  /** Regions of the primary and secondary record sets, for records that name none (plain addresses, weighted). */
  readonly regions?: readonly [string, string];
  /** Where each address is (the sandbox says which loopback address is which region), and who said so. */
  readonly regionsByAddress?: Sourced<Readonly<Record<string, string>>>;
  /** Logical service name drills use. @default the record's first label */
  readonly service?: string;
  readonly profile?: string;
  /** Facts about where the environment is that no AWS call gives (the sandbox's endpoint and DNS server). */
  readonly connection?: readonly Sourced<[string, unknown]>[];
  readonly dnsResolvers?: Sourced<readonly string[]>;
}

const ROLES: readonly Role[] = ['primary', 'secondary'];
/** STS is asked in us-east-1 (it answers the same everywhere); Route 53 is global. */
const STS_REGION = 'us-east-1';
const REGION_IN_NAME = /\.(?:execute-api|elb)\.([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com\.?$/;

/**
 * Reads what an account has behind one record and returns it as an environment, every id with
 * the call it came from. Only read calls (Get*, List*); what is not found becomes a TODO.
 *
 * @throws InvalidInputError when the record (or zone) does not exist, or the records do not say
 *   which region is primary and `regions` was not given
 */
export async function discoverEnvironment(clients: AwsClients, options: DiscoverOptions): Promise<DiscoveredEnvironment> {
  const calls: string[] = [];
  const todos: string[] = [];
  const read = async <T>(call: string, send: () => Promise<T>): Promise<T> => {
    calls.push(call);
    return send();
  };
  const recordName = normalize(options.record);
  const identity = await read('STS GetCallerIdentity', () => clients.sts(STS_REGION).send(new GetCallerIdentityCommand({})));
  const zone = await findZone(clients, recordName, options.zone, read);
  const sets = await recordSets(clients, zone, recordName, read);
  const roles = assignRoles(sets, recordName, options.regions);

  const regions: PerRole<string> = {};
  const service: Mutable<DiscoveredService> = {
    name: options.service ?? recordName.split('.')[0] ?? recordName,
    recordName: { value: recordName, from: `Route 53 ListResourceRecordSets ${zoneId(zone)}` },
    hostedZoneId: { value: zoneId(zone), from: options.zone === undefined ? `Route 53 ListHostedZonesByName ${normalize(zone.hostedZone.Name ?? '')}` : '--zone, confirmed by Route 53 GetHostedZone' },
    functions: {},
    healthChecks: {},
    addresses: {},
    customDomains: {},
    failureFlags: {},
    routingControls: {},
  };
  for (const role of ROLES) {
    const set = roles[role];
    const region = regionOf(set, role, options);
    if (region === undefined) {
      todos.push(`regions.${role}: the ${describeSet(set)} names no region (plain addresses); give --regions <primary>,<secondary>`);
      continue;
    }
    regions[role] = region;
    const values = (set.ResourceRecords ?? []).map((r) => r.Value ?? '').filter((v) => /^\d+\.\d+\.\d+\.\d+$/.test(v));
    if (values.length > 0) service.addresses[role] = { value: values, from: `Route 53 ListResourceRecordSets ${describeSet(set)}` };
    const check = await healthCheckOf(clients, set, role, read, todos);
    if (check !== undefined) {
      service.healthChecks[role] = check.id;
      if (check.routingControlArn !== undefined) service.routingControls[role] = check.routingControlArn;
      // Clients request the record's name, whichever host the health check sends.
      if (role === 'primary' && check.url !== undefined && check.host !== undefined) {
        service.url = { value: check.url.replace(check.host, recordName), from: `Route 53 GetHealthCheck ${check.id.value} (Type, Port, ResourcePath)` };
      }
    }
    await followApiGateway(clients, { role, region: region.value, set, recordName, healthCheckHost: check?.host }, service, read, todos);
  }
  if (service.url === undefined) todos.push(`services.${service.name}.url: no health check says how the API is reached; give the URL clients request`);
  todos.push(`services.${service.name}.fisTemplates, securityGroups, edgeUrl: nothing links them to the record; add them if a drill uses lambda-500 mode fis, sg-ingress-revoke or the edge`);
  todos.push(`services.${service.name}.regionHeader: the response header your API sets to name its region (not readable from AWS; default x-drdrill-region)`);
  const accountId = identity.Account === undefined ? undefined : { value: identity.Account, from: 'STS GetCallerIdentity' };
  const dnsResolvers = options.dnsResolvers ?? (await nameServerResolvers(zone, todos));
  return {
    name: options.envName,
    kind: options.kind,
    ...(accountId === undefined ? {} : { accountId }),
    ...(options.profile === undefined ? {} : { profile: options.profile }),
    regions,
    connection: options.connection ?? [],
    ...(dnsResolvers === undefined ? {} : { dnsResolvers }),
    service,
    todos,
    calls,
  };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Read = <T>(call: string, send: () => Promise<T>) => Promise<T>;

interface Zone {
  readonly hostedZone: HostedZone;
  readonly nameServers: readonly string[];
}

async function findZone(clients: AwsClients, recordName: string, given: string | undefined, read: Read): Promise<Zone> {
  let id = given?.replace(/^\/?hostedzone\//, '');
  if (id === undefined) {
    // ListHostedZonesByName lists zones from a name on, in reversed-label order, so the zone of
    // api.example.com is found by asking for each parent name in turn, the longest first.
    let best: HostedZone[] = [];
    const labels = recordName.split('.');
    for (let i = 0; i < labels.length - 1 && best.length === 0; i++) {
      const name = labels.slice(i).join('.');
      const listed = await read(`Route 53 ListHostedZonesByName ${name}`, () => clients.route53().send(new ListHostedZonesByNameCommand({ DNSName: name, MaxItems: 100 })));
      best = (listed.HostedZones ?? []).filter((z) => normalize(z.Name ?? '') === name);
    }
    if (best.length === 0) throw new InvalidInputError('--record', [`--record: no hosted zone in this account holds "${recordName}" (Route 53 ListHostedZonesByName for each parent name)`]);
    if (best.length > 1) {
      throw new InvalidInputError('--zone', [`--zone: required, ${best.length} hosted zones are named ${normalize(best[0]?.Name ?? '')}: ${best.map((z) => `${(z.Id ?? '').replace('/hostedzone/', '')}${z.Config?.PrivateZone === true ? ' (private)' : ''}`).join(', ')}`]);
    }
    id = (best[0]?.Id ?? '').replace('/hostedzone/', '');
  }
  const zoneIdText = id;
  try {
    const answer = await read(`Route 53 GetHostedZone ${zoneIdText}`, () => clients.route53().send(new GetHostedZoneCommand({ Id: zoneIdText })));
    if (answer.HostedZone === undefined) throw new InvalidInputError('--zone', [`--zone: Route 53 returned no hosted zone for "${zoneIdText}"`]);
    return { hostedZone: answer.HostedZone, nameServers: answer.DelegationSet?.NameServers ?? [] };
  } catch (error) {
    if ((error as Error).name === 'NoSuchHostedZone') throw new InvalidInputError('--zone', [`--zone: no hosted zone "${zoneIdText}" in this account`]);
    throw error;
  }
}

async function recordSets(clients: AwsClients, zone: Zone, recordName: string, read: Read): Promise<ResourceRecordSet[]> {
  const found: ResourceRecordSet[] = [];
  let start: { name: string; type?: string; identifier?: string } | undefined = { name: recordName };
  // Record sets are sorted by name: start at the record and stop at the first other name.
  while (start !== undefined) {
    const from: { name: string; type?: string; identifier?: string } = start;
    const page = await read(`Route 53 ListResourceRecordSets ${zoneId(zone)} ${from.name}`, () =>
      clients.route53().send(
        new ListResourceRecordSetsCommand({
          HostedZoneId: zoneId(zone),
          StartRecordName: from.name,
          ...(from.type === undefined ? {} : { StartRecordType: from.type as 'A' }),
          ...(from.identifier === undefined ? {} : { StartRecordIdentifier: from.identifier }),
          MaxItems: 100,
        }),
      ),
    );
    const sets = page.ResourceRecordSets ?? [];
    const matching = sets.filter((set) => normalize(set.Name ?? '') === recordName && (set.Type === 'A' || set.Type === 'AAAA' || set.Type === 'CNAME'));
    found.push(...matching);
    // The listing starts at the record's name, so any other name means every set of it was seen.
    const passed = sets.some((set) => normalize(set.Name ?? '') !== recordName);
    start = page.IsTruncated === true && !passed && page.NextRecordName !== undefined
      ? { name: page.NextRecordName, ...(page.NextRecordType === undefined ? {} : { type: page.NextRecordType }), ...(page.NextRecordIdentifier === undefined ? {} : { identifier: page.NextRecordIdentifier }) }
      : undefined;
  }
  if (found.length === 0) {
    throw new InvalidInputError('--record', [`--record: no A, AAAA or CNAME record named "${recordName}" in hosted zone ${zoneId(zone)} (${normalize(zone.hostedZone.Name ?? '')}); check the spelling`]);
  }
  return found;
}

/** The record sets standing for the primary and the secondary region. */
function assignRoles(sets: readonly ResourceRecordSet[], recordName: string, regions: readonly [string, string] | undefined): Record<Role, ResourceRecordSet> {
  const a = sets.filter((set) => set.Type === 'A');
  const pool = a.length > 0 ? a : sets;
  const failover = { primary: pool.find((s) => s.Failover === 'PRIMARY'), secondary: pool.find((s) => s.Failover === 'SECONDARY') };
  if (failover.primary !== undefined && failover.secondary !== undefined) return { primary: failover.primary, secondary: failover.secondary };
  const regional = pool.filter((s) => s.Region !== undefined || s.Weight !== undefined);
  if (regional.length >= 2 && regions !== undefined) {
    const inRegion = (region: string): ResourceRecordSet | undefined => regional.find((s) => (s.Region ?? regionInName(s.AliasTarget?.DNSName)) === region);
    const primary = inRegion(regions[0]);
    const secondary = inRegion(regions[1]);
    if (primary !== undefined && secondary !== undefined) return { primary, secondary };
    throw new InvalidInputError('--regions', [`--regions: "${recordName}" has no record set in ${primary === undefined ? regions[0] : regions[1]}; its sets are ${regional.map(describeSet).join(', ')}`]);
  }
  if (regional.length >= 2) {
    throw new InvalidInputError('--regions', [
      `--regions: required for "${recordName}": its ${regional[0]?.Region === undefined ? 'weighted' : 'latency'} record sets (${regional.map(describeSet).join(', ')}) do not say which region is primary; give --regions <primary>,<secondary>`,
    ]);
  }
  throw new InvalidInputError('--record', [`--record: "${recordName}" is a single ${pool[0]?.Type ?? 'A'} record, not a failover, latency or weighted set across two regions`]);
}

function regionOf(set: ResourceRecordSet, role: Role, options: Pick<DiscoverOptions, 'regions' | 'regionsByAddress'>): Sourced<string> | undefined {
  const address = set.ResourceRecords?.[0]?.Value;
  const located = address === undefined ? undefined : options.regionsByAddress?.value[address];
  if (located !== undefined) return { value: located, from: `${options.regionsByAddress?.from ?? ''}: ${address} (the ${describeSet(set)})` };
  const fromAlias = regionInName(set.AliasTarget?.DNSName);
  if (fromAlias !== undefined) return { value: fromAlias, from: `Route 53 ListResourceRecordSets: alias target ${normalize(set.AliasTarget?.DNSName ?? '')}` };
  if (set.Region !== undefined) return { value: set.Region, from: `Route 53 ListResourceRecordSets: latency record ${describeSet(set)}` };
  const given = options.regions?.[role === 'primary' ? 0 : 1];
  return given === undefined ? undefined : { value: given, from: `--regions (the ${describeSet(set)} holds addresses, which name no region)` };
}

interface FoundHealthCheck {
  readonly id: Sourced<string>;
  readonly url?: string;
  readonly host?: string;
  readonly routingControlArn?: Sourced<string>;
}

/** The record's health check; for a CALCULATED one, the child that probes the endpoint (and the ARC routing control). */
async function healthCheckOf(clients: AwsClients, set: ResourceRecordSet, role: Role, read: Read, todos: string[]): Promise<FoundHealthCheck | undefined> {
  const id = set.HealthCheckId;
  if (id === undefined) {
    todos.push(`healthChecks.${role}: the ${describeSet(set)} has no health check, so Route 53 cannot fail it over; attach one`);
    return undefined;
  }
  const get = async (checkId: string): Promise<HealthCheck | undefined> =>
    (await read(`Route 53 GetHealthCheck ${checkId}`, () => clients.route53().send(new GetHealthCheckCommand({ HealthCheckId: checkId })))).HealthCheck;
  const check = await get(id);
  const config = check?.HealthCheckConfig;
  if (config?.Type !== 'CALCULATED') return { id: { value: id, from: `Route 53 ListResourceRecordSets ${describeSet(set)}` }, ...endpointOf(check) };
  let probing: FoundHealthCheck | undefined;
  let routingControlArn: Sourced<string> | undefined;
  for (const child of config.ChildHealthChecks ?? []) {
    const childCheck = await get(child);
    const type = childCheck?.HealthCheckConfig?.Type;
    if (type === 'RECOVERY_CONTROL' && childCheck?.HealthCheckConfig?.RoutingControlArn !== undefined) {
      routingControlArn = { value: childCheck.HealthCheckConfig.RoutingControlArn, from: `Route 53 GetHealthCheck ${child}` };
    } else if (type !== undefined && type !== 'CALCULATED' && probing === undefined) {
      probing = { id: { value: child, from: `Route 53 GetHealthCheck ${id} (CALCULATED; the child that probes the endpoint)` }, ...endpointOf(childCheck) };
    }
  }
  if (probing === undefined) {
    todos.push(`healthChecks.${role}: ${id} is CALCULATED and none of its children probes the endpoint`);
    return undefined;
  }
  return { ...probing, ...(routingControlArn === undefined ? {} : { routingControlArn }) };
}

function endpointOf(check: HealthCheck | undefined): { url?: string; host?: string } {
  const config = check?.HealthCheckConfig;
  const type = config?.Type ?? '';
  const host = config?.FullyQualifiedDomainName ?? config?.IPAddress;
  if (!type.startsWith('HTTP') || host === undefined) return host === undefined ? {} : { host };
  const scheme = type.startsWith('HTTPS') ? 'https' : 'http';
  const defaultPort = scheme === 'https' ? 443 : 80;
  const port = config?.Port === undefined || config.Port === defaultPort ? '' : `:${config.Port}`;
  return { url: `${scheme}://${host}${port}${config?.ResourcePath ?? '/'}`, host };
}

/** Alias or health-check host → API Gateway custom domain → API mapping → integration → Lambda function. */
async function followApiGateway(
  clients: AwsClients,
  where: { readonly role: Role; readonly region: string; readonly set: ResourceRecordSet; readonly recordName: string; readonly healthCheckHost: string | undefined },
  service: Mutable<DiscoveredService>,
  read: Read,
  todos: string[],
): Promise<void> {
  const { role, region } = where;
  const api = clients.apiGatewayV2(region);
  const candidates = [...new Set([where.recordName, where.healthCheckHost].filter((h): h is string => h !== undefined && !/^\d+\.\d+\.\d+\.\d+$/.test(h)))];
  let domainName: string | undefined;
  for (const candidate of candidates) {
    try {
      const domain = await read(`apigatewayv2 GetDomainName ${candidate} (${region})`, () => api.send(new GetDomainNameCommand({ DomainName: candidate })));
      const alias = where.set.AliasTarget?.DNSName;
      const served = (domain.DomainNameConfigurations ?? []).map((c) => normalize(c.ApiGatewayDomainName ?? ''));
      if (alias === undefined || served.includes(normalize(alias))) {
        domainName = domain.DomainName ?? candidate;
        break;
      }
    } catch (error) {
      if ((error as Error).name !== 'NotFoundException') throw error;
    }
  }
  if (domainName === undefined) {
    todos.push(`customDomains.${role} / functions.${role}: no API Gateway custom domain named ${candidates.join(' or ') || '(no host name)'} in ${region}; name the Lambda function serving this region`);
    return;
  }
  const found = domainName;
  service.customDomains[role] = { value: found, from: `apigatewayv2 GetDomainName ${found} (${region})` };
  const mappings = (await read(`apigatewayv2 GetApiMappings ${found} (${region})`, () => api.send(new GetApiMappingsCommand({ DomainName: found })))).Items ?? [];
  const mapping = mappings.find((m) => (m.ApiMappingKey ?? '') === '') ?? (mappings.length === 1 ? mappings[0] : undefined);
  if (mapping?.ApiId === undefined) {
    todos.push(`functions.${role}: ${found} in ${region} has ${mappings.length === 0 ? 'no API mapping' : `${mappings.length} API mappings and none for the whole domain`}; name the Lambda function serving this region`);
    return;
  }
  const apiId = mapping.ApiId;
  const integrations = (await read(`apigatewayv2 GetIntegrations ${apiId} (${region})`, () => api.send(new GetIntegrationsCommand({ ApiId: apiId })))).Items ?? [];
  const lambda = integrations.map((i) => functionArnOf(i.IntegrationUri)).find((arn) => arn !== undefined);
  if (lambda === undefined) {
    const kinds = integrations.map((i) => `${i.IntegrationType ?? '?'}${i.ConnectionType === 'VPC_LINK' ? ' over a VPC link' : ''}`).join(', ') || 'no integration';
    todos.push(`functions.${role}: API ${apiId} in ${region} integrates ${kinds}, not a Lambda function; name the function behind it`);
    return;
  }
  service.functions[role] = { value: lambda, from: `apigatewayv2 GetIntegrations ${apiId} (${region}), mapped from ${found}` };
  const configuration = await read(`lambda GetFunctionConfiguration ${lambda}`, () => clients.lambda(region).send(new GetFunctionConfigurationCommand({ FunctionName: lambda })));
  const flag = configuration.Environment?.Variables?.['FAILURE_INJECTION_PARAM'];
  if (flag !== undefined) service.failureFlags[role] = { value: flag, from: `lambda GetFunctionConfiguration ${lambda}: FAILURE_INJECTION_PARAM` };
}

/** A Lambda ARN from an integration URI: the ARN itself, or API Gateway's `…/functions/<arn>/invocations` form. */
function functionArnOf(uri: string | undefined): string | undefined {
  const match = uri?.match(/(arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[^/:]+)/);
  return match?.[1];
}

/** The zone's name servers as resolver addresses (a DNS lookup each, not an AWS call). */
async function nameServerResolvers(zone: Zone, todos: string[]): Promise<Sourced<readonly string[]> | undefined> {
  const addresses: string[] = [];
  for (const server of zone.nameServers.slice(0, 2)) {
    try {
      const [address] = await resolve4(server);
      if (address !== undefined) addresses.push(`${address}:53`);
    } catch {
      // Listed as a TODO below: an unresolvable name server is not guessed at.
    }
  }
  if (addresses.length === 0) {
    todos.push(`dnsResolvers: give "host:port" of the resolvers to probe (the zone's name servers ${zone.nameServers.join(', ') || '(none listed)'} did not resolve)`);
    return undefined;
  }
  todos.push('dnsResolvers: add the recursive resolver your clients use, to measure what they see (only the zone\'s name servers are listed)');
  return { value: addresses, from: `Route 53 GetHostedZone ${zoneId(zone)}: DelegationSet name servers, resolved with DNS` };
}

function zoneId(zone: Zone): string {
  return (zone.hostedZone.Id ?? '').replace('/hostedzone/', '');
}

function describeSet(set: ResourceRecordSet): string {
  return `${set.Type ?? '?'} record ${normalize(set.Name ?? '')}${set.SetIdentifier === undefined ? '' : ` (${set.SetIdentifier})`}`;
}

function regionInName(name: string | undefined): string | undefined {
  return name?.toLowerCase().match(REGION_IN_NAME)?.[1];
}

/** Route 53 names: lower case, no trailing dot. */
function normalize(name: string): string {
  const lower = name.trim().toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}
