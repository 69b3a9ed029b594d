import { isIP, isIPv4 } from 'node:net';
import { AwsServiceError } from '../aws-errors.ts';
import { ZONE_RECORD_TYPES, compareRecords, normalizeDnsName } from '../../dns/hosted-zone.ts';
import type { ZoneRecord, ZoneRecordType } from '../../dns/hosted-zone.ts';
import { routingPolicyOf } from '../../dns/record-routing.ts';
import { isRecord } from '../rest-xml.ts';

/** One parsed change of a ChangeBatch. */
export interface RecordChange {
  readonly action: 'CREATE' | 'UPSERT' | 'DELETE';
  readonly record: ZoneRecord;
}

/** What validation needs to know about the rest of the sandbox. */
export interface ChangeContext {
  readonly zoneName: string;
  readonly healthCheckExists: (id: string) => boolean;
  readonly aliasTargetExists: (dnsName: string, records: readonly ZoneRecord[]) => boolean;
}

const ACTIONS = new Set(['CREATE', 'UPSERT', 'DELETE']);

function invalidBatch(messages: readonly string[]): AwsServiceError {
  // Route 53 lists every problem of the batch; the SDK shows the message.
  return new AwsServiceError('InvalidChangeBatch', 400, messages.join('; '));
}

function describe(record: ZoneRecord): string {
  return `[name='${record.name}.', type='${record.type}'${record.setIdentifier === undefined ? '' : `, set-identifier='${record.setIdentifier}'`}]`;
}

/**
 * Reads the `<ChangeBatch>` of a ChangeResourceRecordSets request into changes.
 *
 * @throws AwsServiceError InvalidInput for a malformed batch.
 */
export function parseChangeBatch(fields: Readonly<Record<string, unknown>>): readonly RecordChange[] {
  const batch = fields.ChangeBatch;
  const changes = isRecord(batch) && isRecord(batch.Changes) ? batch.Changes.Change : undefined;
  if (!Array.isArray(changes) || changes.length === 0) {
    throw new AwsServiceError('InvalidInput', 400, 'ChangeBatch.Changes: expected at least one <Change>');
  }
  return changes.map((change: unknown, i): RecordChange => {
    const where = `ChangeBatch.Changes[${i}]`;
    if (!isRecord(change)) throw new AwsServiceError('InvalidInput', 400, `${where}: expected <Action> and <ResourceRecordSet>`);
    const action = text(change.Action);
    if (action === undefined || !ACTIONS.has(action)) {
      throw new AwsServiceError('InvalidInput', 400, `${where}.Action: "${action ?? ''}" is not CREATE, UPSERT or DELETE`);
    }
    const set = change.ResourceRecordSet;
    if (!isRecord(set)) throw new AwsServiceError('InvalidInput', 400, `${where}.ResourceRecordSet: required`);
    const name = text(set.Name);
    const type = text(set.Type);
    if (name === undefined || name === '') throw new AwsServiceError('InvalidInput', 400, `${where}.ResourceRecordSet.Name: required`);
    if (type === undefined || !ZONE_RECORD_TYPES.includes(type as ZoneRecordType)) {
      throw new AwsServiceError('InvalidInput', 400, `${where}.ResourceRecordSet.Type: "${type ?? ''}" is not one of ${ZONE_RECORD_TYPES.join(', ')}`);
    }
    const number = (field: string, min: number, max: number): number | undefined => {
      const value = text(set[field]);
      if (value === undefined) return undefined;
      if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
        throw new AwsServiceError('InvalidInput', 400, `${where}.ResourceRecordSet.${field}: "${value}" is not an integer from ${min} to ${max}`);
      }
      return Number(value);
    };
    const records = isRecord(set.ResourceRecords) ? set.ResourceRecords.ResourceRecord : undefined;
    const values = Array.isArray(records) ? records.map((r: unknown) => (isRecord(r) ? (text(r.Value) ?? '') : '')) : [];
    const alias = isRecord(set.AliasTarget) ? set.AliasTarget : undefined;
    const failover = text(set.Failover);
    if (failover !== undefined && failover !== 'PRIMARY' && failover !== 'SECONDARY') {
      throw new AwsServiceError('InvalidInput', 400, `${where}.ResourceRecordSet.Failover: "${failover}" is not PRIMARY or SECONDARY`);
    }
    const ttl = number('TTL', 0, 2147483647);
    const weight = number('Weight', 0, 255);
    const setIdentifier = text(set.SetIdentifier);
    const region = text(set.Region);
    const healthCheckId = text(set.HealthCheckId);
    const record: ZoneRecord = {
      name: normalizeDnsName(name),
      type: type as ZoneRecordType,
      values,
      ...(ttl === undefined ? {} : { ttl }),
      ...(setIdentifier === undefined ? {} : { setIdentifier }),
      ...(failover === undefined ? {} : { failover }),
      ...(region === undefined ? {} : { region }),
      ...(weight === undefined ? {} : { weight }),
      ...(healthCheckId === undefined ? {} : { healthCheckId }),
      ...(alias === undefined
        ? {}
        : {
            aliasTarget: {
              hostedZoneId: text(alias.HostedZoneId) ?? '',
              dnsName: normalizeDnsName(text(alias.DNSName) ?? ''),
              evaluateTargetHealth: text(alias.EvaluateTargetHealth) === 'true',
            },
          }),
    };
    return { action: action as RecordChange['action'], record };
  });
}

/**
 * Applies a batch to a copy of the zone's record sets, all or nothing, with Route 53's rules.
 *
 * @returns the new record sets, in list order.
 * @throws AwsServiceError InvalidChangeBatch listing every problem, NoSuchHealthCheck for an
 *   unknown health check id.
 */
export function applyChangeBatch(current: readonly ZoneRecord[], changes: readonly RecordChange[], context: ChangeContext): ZoneRecord[] {
  const problems: string[] = [];
  const next = [...current];
  const seen = new Set<string>();
  const zone = context.zoneName;
  for (const { action, record } of changes) {
    const key = `${record.name}|${record.type}|${record.setIdentifier ?? ''}`;
    if (seen.has(key)) {
      problems.push(`The request contains an invalid set of changes for a resource record set '${record.type} ${record.name}.'`);
      continue;
    }
    seen.add(key);
    const index = next.findIndex((r) => r.name === record.name && r.type === record.type && (r.setIdentifier ?? '') === (record.setIdentifier ?? ''));
    if (action === 'DELETE') {
      const existing = next[index];
      if (existing === undefined) {
        problems.push(`Tried to delete resource record set ${describe(record)} but it was not found`);
      } else if (JSON.stringify(canonical(existing)) !== JSON.stringify(canonical(record))) {
        problems.push(`Tried to delete resource record set ${describe(record)} but the values provided do not match the current values`);
      } else if (record.name === zone && (record.type === 'SOA' || record.type === 'NS')) {
        problems.push(`A HostedZone must contain at least one NS record and one SOA record for the zone itself`);
      } else {
        next.splice(index, 1);
      }
      continue;
    }
    if (action === 'CREATE' && index >= 0) {
      problems.push(`Tried to create resource record set ${describe(record)} but it already exists`);
      continue;
    }
    problems.push(...validateRecord(record, context));
    if (index >= 0) next.splice(index, 1, record);
    else next.push(record);
  }
  // Rules across record sets, checked on the result.
  const byName = new Map<string, ZoneRecord[]>();
  for (const r of next) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
  for (const [name, records] of byName) {
    if (records.some((r) => r.type === 'CNAME') && records.some((r) => r.type !== 'CNAME')) {
      problems.push(`RRSet of type CNAME with DNS name ${name}. is not permitted because a conflicting RRSet of another type with the same DNS name already exists in zone ${zone}.`);
    }
    for (const type of new Set(records.map((r) => r.type))) {
      const group = records.filter((r) => r.type === type);
      const policies = new Set(group.map(routingPolicyOf));
      if (policies.size > 1) problems.push(`RRSets with DNS name ${name}. and type ${type} cannot mix routing policies (${[...policies].join(', ')})`);
      if (group.length > 1 && group.some((r) => r.setIdentifier === undefined)) {
        problems.push(`RRSet with DNS name ${name}. and type ${type} cannot be created because a non multivalue answer rrset exists with the same name and type`);
      }
      for (const role of ['PRIMARY', 'SECONDARY'] as const) {
        if (group.filter((r) => r.failover === role).length > 1) problems.push(`Only one ${role} failover record set is allowed for ${name}. type ${type}`);
      }
    }
  }
  for (const r of next) {
    if (r.aliasTarget !== undefined && !context.aliasTargetExists(r.aliasTarget.dnsName, next)) {
      problems.push(`Tried to create an alias that targets ${r.aliasTarget.dnsName}., type ${r.type} in zone ${r.aliasTarget.hostedZoneId}, but the alias target name does not lie within the target zone`);
    }
  }
  for (const { record, action } of changes) {
    if (action !== 'DELETE' && record.healthCheckId !== undefined && !context.healthCheckExists(record.healthCheckId)) {
      throw new AwsServiceError('NoSuchHealthCheck', 404, `A health check with id ${record.healthCheckId} does not exist.`);
    }
  }
  if (problems.length > 0) throw invalidBatch(problems);
  return next.sort(compareRecords);
}

function validateRecord(record: ZoneRecord, context: ChangeContext): string[] {
  const problems: string[] = [];
  const zone = context.zoneName;
  const label = describe(record);
  if (record.name !== zone && !record.name.endsWith(`.${zone}`)) {
    problems.push(`RRSet with DNS name ${record.name}. is not permitted in zone ${zone}.`);
  }
  if (record.aliasTarget !== undefined) {
    if (record.ttl !== undefined || record.values.length > 0) problems.push(`${label}: an alias record set cannot have TTL or ResourceRecords`);
  } else {
    if (record.ttl === undefined) problems.push(`${label}: TTL is required for a non-alias record set`);
    if (record.values.length === 0) problems.push(`${label}: ResourceRecords is required for a non-alias record set`);
  }
  const routed = record.failover !== undefined || record.region !== undefined || record.weight !== undefined;
  if (routed && record.setIdentifier === undefined) problems.push(`${label}: SetIdentifier is required for a failover, latency or weighted record set`);
  if (!routed && record.setIdentifier !== undefined) problems.push(`${label}: SetIdentifier is only allowed with a routing policy (Failover, Region or Weight)`);
  if ([record.failover, record.region, record.weight].filter((v) => v !== undefined).length > 1) problems.push(`${label}: only one of Failover, Region and Weight may be set`);
  if (record.type === 'CNAME' && record.name === zone) problems.push(`RRSet of type CNAME with DNS name ${zone}. is not permitted at apex in zone ${zone}.`);
  if (record.type === 'CNAME' && record.values.length > 1) problems.push(`${label}: a CNAME record set holds exactly one value`);
  for (const value of record.values) {
    if (record.type === 'A' && !isIPv4(value)) problems.push(`Invalid Resource Record: FATAL problem: ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address) encountered with '${value}'`);
    if (record.type === 'AAAA' && isIP(value) !== 6) problems.push(`Invalid Resource Record: FATAL problem: AAAARRDATAIllegalIPv6Address (Value is not a valid IPv6 address) encountered with '${value}'`);
    if (record.type === 'TXT' && !/^".*"$/.test(value.trim())) problems.push(`Invalid Resource Record: FATAL problem: InvalidCharacterString (Value should be enclosed in quotation marks) encountered with '${value}'`);
    if (record.type === 'MX' && !/^\d+\s+\S+$/.test(value.trim())) problems.push(`Invalid Resource Record: FATAL problem: MXRRDATANotTwoFields encountered with '${value}'`);
  }
  return problems;
}

function canonical(record: ZoneRecord): object {
  return {
    name: record.name,
    type: record.type,
    ttl: record.ttl,
    setIdentifier: record.setIdentifier,
    failover: record.failover,
    region: record.region,
    weight: record.weight,
    values: [...record.values],
    alias: record.aliasTarget === undefined ? undefined : { dnsName: record.aliasTarget.dnsName, evaluateTargetHealth: record.aliasTarget.evaluateTargetHealth },
    healthCheckId: record.healthCheckId,
  };
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value.trim() : typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
}
