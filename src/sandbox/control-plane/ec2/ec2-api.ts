import { AwsServiceError } from '../aws-errors.ts';
import { QueryParams } from '../query-protocol.ts';
import { buildXmlDocument } from '../rest-xml.ts';
import type { XmlObject } from '../rest-xml.ts';
import type { SandboxState } from '../../sandbox-state.ts';
import { normalizeProtocol } from './security-group-store.ts';
import type { IpPermission, SecurityGroup, SecurityGroupRule } from './security-group-store.ts';
import type { AwsRequest, AwsResponse, AwsServiceHandler } from '../service-handler.ts';

/** EC2's XML namespace for API version 2016-11-15. */
export const EC2_NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';

interface Ec2Operation {
  readonly mutating: boolean;
  readonly run: (params: QueryParams, request: AwsRequest) => XmlObject;
}

/**
 * The EC2 slice (query protocol): security groups and their ingress rules, per region. Revoking
 * the ALB group's rule that admits the VPC link makes the backend unreachable: requests then
 * hang until the integration timeout and answer 503.
 */
export function createEc2Api(state: SandboxState): AwsServiceHandler {
  const operations: Readonly<Record<string, Ec2Operation>> = {
    DescribeSecurityGroups: { mutating: false, run: (p, r) => describeSecurityGroups(state, p, r.scope.region) },
    DescribeSecurityGroupRules: { mutating: false, run: (p, r) => describeSecurityGroupRules(state, p, r.scope.region) },
    RevokeSecurityGroupIngress: { mutating: true, run: (p, r) => revokeIngress(state, p, r.scope.region) },
    AuthorizeSecurityGroupIngress: { mutating: true, run: (p, r) => authorizeIngress(state, p, r.scope.region) },
  };
  return {
    signingName: 'ec2',
    handle(request: AwsRequest): AwsResponse {
      const params = new QueryParams(request.body, request.query);
      const action = params.get('Action') ?? '';
      const operation = operations[action];
      const headers = { 'content-type': 'text/xml;charset=UTF-8' };
      try {
        if (operation === undefined) {
          throw new AwsServiceError('InvalidAction', 400, `The action ${action} is not valid for this web service (the drdrill sandbox supports ${Object.keys(operations).join(', ')}).`);
        }
        const content = operation.run(params, request);
        return {
          status: 200,
          headers,
          body: buildXmlDocument(`${action}Response`, { requestId: request.requestId, ...content }, EC2_NAMESPACE),
          operation: action,
          mutating: operation.mutating,
        };
      } catch (error) {
        if (!(error instanceof AwsServiceError)) throw error;
        return {
          status: error.status,
          headers,
          body: buildXmlDocument('Response', { Errors: { Error: { Code: error.code, Message: error.message } }, RequestID: request.requestId }, ''),
          operation: operation === undefined ? 'Unknown' : action,
          mutating: operation?.mutating ?? false,
          errorCode: error.code,
        };
      }
    },
  };
}

interface Filter {
  readonly name: string;
  readonly values: readonly string[];
}

function filters(params: QueryParams, known: readonly string[]): Filter[] {
  return params.indexes('Filter').map((i) => {
    const name = params.required(`Filter.${i}.Name`);
    if (!known.includes(name)) throw new AwsServiceError('InvalidParameterValue', 400, `The filter '${name}' is invalid (the sandbox supports ${known.join(', ')})`);
    return { name, values: params.list(`Filter.${i}.Value`) };
  });
}

function describeSecurityGroups(state: SandboxState, params: QueryParams, region: string): XmlObject {
  const ids = params.list('GroupId');
  const names = params.list('GroupName');
  const wanted = filters(params, ['group-id', 'group-name', 'vpc-id', 'description', 'ip-permission.group-id', 'ip-permission.cidr', 'ip-permission.protocol', 'ip-permission.from-port', 'ip-permission.to-port']);
  for (const id of ids) state.securityGroups.group(region, id);
  for (const name of names) {
    if (!state.securityGroups.groups(region).some((g) => g.groupName === name)) {
      throw new AwsServiceError('InvalidGroup.NotFound', 400, `The security group '${name}' does not exist in default VPC`);
    }
  }
  const groups = state.securityGroups.groups(region).filter((g) => {
    if (ids.length > 0 && !ids.includes(g.groupId)) return false;
    if (names.length > 0 && !names.includes(g.groupName)) return false;
    const ingress = g.rules.filter((r) => !r.isEgress);
    return wanted.every((f) => {
      const any = (values: readonly (string | undefined)[]): boolean => values.some((v) => v !== undefined && f.values.includes(v));
      switch (f.name) {
        case 'group-id': return any([g.groupId]);
        case 'group-name': return any([g.groupName]);
        case 'vpc-id': return any([g.vpcId]);
        case 'description': return any([g.description]);
        case 'ip-permission.group-id': return any(ingress.map((r) => r.referencedGroupId));
        case 'ip-permission.cidr': return any(ingress.map((r) => r.cidrIpv4));
        case 'ip-permission.protocol': return any(ingress.map((r) => r.ipProtocol));
        case 'ip-permission.from-port': return any(ingress.map((r) => String(r.fromPort)));
        case 'ip-permission.to-port': return any(ingress.map((r) => String(r.toPort)));
        default: return true;
      }
    });
  });
  return { securityGroupInfo: { item: groups.map((g) => groupXml(g)) } };
}

function groupXml(group: SecurityGroup): XmlObject {
  const permissions = (egress: boolean): XmlObject => {
    const rules = group.rules.filter((r) => r.isEgress === egress);
    const keys = [...new Set(rules.map((r) => `${r.ipProtocol}|${r.fromPort}|${r.toPort}`))];
    return {
      item: keys.map((k) => {
        const same = rules.filter((r) => `${r.ipProtocol}|${r.fromPort}|${r.toPort}` === k);
        const first = same[0];
        return {
          ipProtocol: first?.ipProtocol ?? '-1',
          ...(first === undefined || first.ipProtocol === '-1' ? {} : { fromPort: first.fromPort, toPort: first.toPort }),
          groups: {
            item: same.flatMap((r) => (r.referencedGroupId === undefined ? [] : [{ userId: group.ownerId, groupId: r.referencedGroupId, ...(r.description === undefined ? {} : { description: r.description }) }])),
          },
          ipRanges: {
            item: same.flatMap((r) => (r.cidrIpv4 === undefined ? [] : [{ cidrIp: r.cidrIpv4, ...(r.description === undefined ? {} : { description: r.description }) }])),
          },
          ipv6Ranges: '',
          prefixListIds: '',
        };
      }),
    };
  };
  return {
    ownerId: group.ownerId,
    groupId: group.groupId,
    groupName: group.groupName,
    groupDescription: group.description,
    vpcId: group.vpcId,
    ipPermissions: permissions(false),
    ipPermissionsEgress: permissions(true),
    securityGroupArn: `arn:aws:ec2:${group.region}:${group.ownerId}:security-group/${group.groupId}`,
  };
}

function ruleXml(rule: SecurityGroupRule, ownerId: string): XmlObject {
  return {
    securityGroupRuleId: rule.ruleId,
    groupId: rule.groupId,
    groupOwnerId: ownerId,
    isEgress: rule.isEgress,
    ipProtocol: rule.ipProtocol,
    fromPort: rule.fromPort,
    toPort: rule.toPort,
    ...(rule.cidrIpv4 === undefined ? {} : { cidrIpv4: rule.cidrIpv4 }),
    ...(rule.referencedGroupId === undefined ? {} : { referencedGroupInfo: { groupId: rule.referencedGroupId, userId: ownerId } }),
    ...(rule.description === undefined ? {} : { description: rule.description }),
    securityGroupRuleArn: `arn:aws:ec2:::security-group-rule/${rule.ruleId}`,
  };
}

function describeSecurityGroupRules(state: SandboxState, params: QueryParams, region: string): XmlObject {
  const ids = params.list('SecurityGroupRuleId');
  const wanted = filters(params, ['group-id', 'security-group-rule-id']);
  const all = state.securityGroups.rules(region);
  for (const id of ids) {
    if (!all.some((r) => r.ruleId === id)) throw new AwsServiceError('InvalidSecurityGroupRuleId.NotFound', 400, `The security group rule ID '${id}' does not exist`);
  }
  const rules = all.filter(
    (r) =>
      (ids.length === 0 || ids.includes(r.ruleId)) &&
      wanted.every((f) => (f.name === 'group-id' ? f.values.includes(r.groupId) : f.values.includes(r.ruleId))),
  );
  return { securityGroupRuleSet: { item: rules.map((r) => ruleXml(r, state.topology.accountId)) } };
}

function permissionsOf(params: QueryParams): IpPermission[] {
  const permissions = params.indexes('IpPermissions').map((i): IpPermission => {
    const p = `IpPermissions.${i}`;
    const protocol = normalizeProtocol(params.required(`${p}.IpProtocol`));
    return {
      ipProtocol: protocol,
      fromPort: params.integer(`${p}.FromPort`) ?? -1,
      toPort: params.integer(`${p}.ToPort`) ?? -1,
      cidrIpv4s: params.indexes(`${p}.IpRanges`).map((j) => ({
        cidr: params.required(`${p}.IpRanges.${j}.CidrIp`),
        ...(params.get(`${p}.IpRanges.${j}.Description`) === undefined ? {} : { description: params.get(`${p}.IpRanges.${j}.Description`) ?? '' }),
      })),
      groupIds: params.indexes(`${p}.Groups`).map((j) => ({
        groupId: params.required(`${p}.Groups.${j}.GroupId`),
        ...(params.get(`${p}.Groups.${j}.Description`) === undefined ? {} : { description: params.get(`${p}.Groups.${j}.Description`) ?? '' }),
      })),
    };
  });
  // The legacy flat form: IpProtocol, FromPort, ToPort, CidrIp at the top level.
  const cidr = params.get('CidrIp');
  if (cidr !== undefined) {
    permissions.push({
      ipProtocol: normalizeProtocol(params.required('IpProtocol')),
      fromPort: params.integer('FromPort') ?? -1,
      toPort: params.integer('ToPort') ?? -1,
      cidrIpv4s: [{ cidr }],
      groupIds: [],
    });
  }
  for (const permission of permissions) {
    if (!['tcp', 'udp', 'icmp', '-1'].includes(permission.ipProtocol)) {
      throw new AwsServiceError('InvalidParameterValue', 400, `Invalid value '${permission.ipProtocol}' for IP protocol. Unknown protocol.`);
    }
    if (permission.ipProtocol !== '-1' && permission.ipProtocol !== 'icmp' && (permission.fromPort < 0 || permission.toPort > 65535 || permission.fromPort > permission.toPort)) {
      throw new AwsServiceError('InvalidParameterValue', 400, `Invalid port range: from ${permission.fromPort} to ${permission.toPort} (expected 0–65535, from ≤ to)`);
    }
    for (const range of permission.cidrIpv4s) {
      if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(range.cidr)) throw new AwsServiceError('InvalidParameterValue', 400, `CIDR block ${range.cidr} is malformed`);
    }
    if (permission.cidrIpv4s.length + permission.groupIds.length === 0) {
      throw new AwsServiceError('MissingParameter', 400, 'Each IpPermissions entry needs at least one IpRanges or Groups peer');
    }
  }
  return permissions;
}

function groupIdOf(state: SandboxState, params: QueryParams, region: string): string {
  const id = params.get('GroupId');
  if (id !== undefined) return id;
  const name = params.get('GroupName');
  const group = state.securityGroups.groups(region).find((g) => g.groupName === name);
  if (name !== undefined && group === undefined) throw new AwsServiceError('InvalidGroup.NotFound', 400, `The security group '${name}' does not exist in default VPC`);
  if (group === undefined) throw new AwsServiceError('MissingParameter', 400, 'The request must contain the parameter groupId or groupName');
  return group.groupId;
}

function revokeIngress(state: SandboxState, params: QueryParams, region: string): XmlObject {
  const groupId = groupIdOf(state, params, region);
  const ruleIds = params.list('SecurityGroupRuleId');
  const permissions = permissionsOf(params);
  if (ruleIds.length === 0 && permissions.length === 0) {
    throw new AwsServiceError('MissingParameter', 400, 'The request must contain either SecurityGroupRuleId or IpPermissions');
  }
  const { revoked, unknown } = state.securityGroups.revokeIngress(region, groupId, { ruleIds, permissions });
  for (const rule of revoked) {
    state.changed({ at: Date.now(), type: 'security-group-rule', region, groupId, ruleId: rule.ruleId, change: 'revoked' });
  }
  return {
    return: unknown.length === 0,
    ...(unknown.length === 0
      ? {}
      : {
          unknownIpPermissionSet: {
            item: unknown.map((p) => ({
              ipProtocol: p.ipProtocol,
              fromPort: p.fromPort,
              toPort: p.toPort,
              groups: { item: p.groupIds.map((g) => ({ groupId: g.groupId })) },
              ipRanges: { item: p.cidrIpv4s.map((c) => ({ cidrIp: c.cidr })) },
            })),
          },
        }),
    revokedSecurityGroupRuleSet: {
      item: revoked.map((r) => ({
        securityGroupRuleId: r.ruleId,
        groupId: r.groupId,
        isEgress: false,
        ipProtocol: r.ipProtocol,
        fromPort: r.fromPort,
        toPort: r.toPort,
        ...(r.cidrIpv4 === undefined ? {} : { cidrIpv4: r.cidrIpv4 }),
        ...(r.referencedGroupId === undefined ? {} : { referencedGroupId: r.referencedGroupId }),
        ...(r.description === undefined ? {} : { description: r.description }),
      })),
    },
  };
}

function authorizeIngress(state: SandboxState, params: QueryParams, region: string): XmlObject {
  const groupId = groupIdOf(state, params, region);
  const permissions = permissionsOf(params);
  if (permissions.length === 0) throw new AwsServiceError('MissingParameter', 400, 'The request must contain the parameter IpPermissions');
  const added = state.securityGroups.authorizeIngress(region, groupId, permissions);
  for (const rule of added) {
    state.changed({ at: Date.now(), type: 'security-group-rule', region, groupId, ruleId: rule.ruleId, change: 'authorized' });
  }
  return { return: true, securityGroupRuleSet: { item: added.map((r) => ruleXml(r, state.topology.accountId)) } };
}
