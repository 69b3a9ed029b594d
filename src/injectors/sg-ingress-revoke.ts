import {
  AuthorizeSecurityGroupIngressCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  RevokeSecurityGroupIngressCommand,
  type IpPermission,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import { z } from 'zod';
import { faultFields } from './fault-fields.ts';
import { securityGroupArn, securityGroupRuleArn } from './arns.ts';
import { awsCall, isAwsError, requestIdsOf } from './aws-call.ts';
import { TargetNotFoundError, TargetRefusedError, type InjectorDefinition, type InjectorDeps, type PlannedChange } from './injector.ts';
import { applyInOrder, undoInReverse } from './multi-target.ts';
import { requiredResource, resolveServiceTargets, serviceTargetSchema } from './service-targets.ts';
import { waitUntil } from '../util/wait-until.ts';

/**
 * Revokes ingress rules of the security group guarding a service's backend (the ALB behind the
 * VPC link) in one region: API Gateway's integration then gets no answer until its timeout
 * (30 s on HTTP APIs) and clients see 503. Rules are chosen by the environment's security group
 * (or `groupId`) plus protocol, port and source; rollback authorizes identical permissions with
 * the same descriptions, and reports the new rule ids AWS assigns.
 *
 * @example { injector: 'sg-ingress-revoke', target: { region: 'primary', service: 'service2' }, rules: { protocol: 'tcp', port: 443 } }
 */
export const sgIngressRevokeSpecSchema = z.strictObject({
  injector: z.literal('sg-ingress-revoke'),
  ...faultFields,
  target: serviceTargetSchema,
  /** A security group id instead of the environment's `securityGroups` for the target. */
  groupId: z.string().regex(/^sg-[0-9a-z]+$/, 'expected a security group id such as "sg-0abc123"').optional(),
  /** Which ingress rules to revoke; every field narrows; default: every ingress rule of the group. */
  rules: z
    .strictObject({
      /** `tcp`, `udp`, `icmp`, a protocol number, or `-1` (all). */
      protocol: z.string().min(1).optional(),
      /** A port the rule's range must include. */
      port: z.number().int().min(0).max(65535).optional(),
      /** A CIDR (`10.0.0.0/16`), a security group id (`sg-…`) or a prefix list id (`pl-…`). */
      source: z.string().min(1).optional(),
    })
    .default({}),
});
export type SgIngressRevokeSpec = z.output<typeof sgIngressRevokeSpecSchema>;

/** One revoked rule, with everything needed to authorize it again identically. */
export type RevokedRule = {
  readonly region: string;
  readonly groupId: string;
  readonly securityGroupRuleId: string;
  readonly ipProtocol: string;
  readonly fromPort: number;
  readonly toPort: number;
  readonly cidrIpv4: string | null;
  readonly cidrIpv6: string | null;
  readonly referencedGroupId: string | null;
  readonly prefixListId: string | null;
  readonly description: string | null;
};

export type SgIngressRevokeHandle = { readonly rules: readonly RevokedRule[] };

const VERIFY_POLL_MS = 200;
const PROTOCOL_NUMBERS: Readonly<Record<string, string>> = { tcp: '6', udp: '17', icmp: '1' };

export const sgIngressRevoke: InjectorDefinition<SgIngressRevokeSpec, SgIngressRevokeHandle> = {
  kind: 'sg-ingress-revoke',
  specSchema: sgIngressRevokeSpecSchema,

  async plan(spec, deps) {
    const changes: PlannedChange[] = [];
    for (const rule of await matchingRules(spec, deps)) changes.push({ target: label(rule), field: 'ingress rule', from: permissionText(rule), to: 'revoked' });
    return changes;
  },

  async inject(spec, deps, journal) {
    const rules = await matchingRules(spec, deps);
    const handle: SgIngressRevokeHandle = { rules };
    await journal(handle);
    const requestIds = await applyInOrder(rules, { label, apply: (rule) => revokeRule(deps, rule), undo: (rule) => restoreRule(deps, rule) });
    return { handle, requestIds };
  },

  async verify(handle, deps, signal) {
    for (const rule of handle.rules) {
      await waitUntil(async () => (await describeRules(deps, rule.region, rule.groupId)).every((r) => !samePermission(r, rule)), {
        interval: VERIFY_POLL_MS,
        signal,
      });
    }
  },

  rollback(handle, deps) {
    return undoInReverse(handle.rules, { label, undo: (rule) => restoreRule(deps, rule) });
  },

  describe(handle) {
    const groups = [...new Set(handle.rules.map((r) => `${r.region} ${r.groupId}`))];
    return `ec2 ingress of ${groups.join(', ')} (${handle.rules.length} rule${handle.rules.length === 1 ? '' : 's'})`;
  },

  manualUndo(handle, aws) {
    return handle.rules
      .map((rule) => `${aws()} ec2 authorize-security-group-ingress --region ${rule.region} --group-id ${rule.groupId} --ip-permissions '${JSON.stringify(ipPermission(rule))}'`)
      .reverse();
  },

  revertCalls(handle) {
    // Authorizing a rule that is already back fails with InvalidPermission.Duplicate and adds
    // nothing: harmless, though that switch execution then reports Failed.
    return handle.rules
      .map((rule) => ({ service: 'ec2', api: 'AuthorizeSecurityGroupIngress', region: rule.region, request: { GroupId: rule.groupId, IpPermissions: [ipPermission(rule)] } }))
      .reverse();
  },

  permissions(spec, deps) {
    return groupsOf(spec, deps).flatMap(({ region, groupId }) => [
      { action: 'ec2:DescribeSecurityGroups', resource: '*' },
      { action: 'ec2:DescribeSecurityGroupRules', resource: '*' },
      { action: 'ec2:RevokeSecurityGroupIngress', resource: securityGroupArn(deps.environment, region, groupId) },
      { action: 'ec2:AuthorizeSecurityGroupIngress', resource: securityGroupArn(deps.environment, region, groupId) },
      { action: 'ec2:AuthorizeSecurityGroupIngress', resource: securityGroupRuleArn(deps.environment, region, '*') },
    ]);
  },
};

function label(rule: RevokedRule): string {
  return `ec2 ${rule.region} ${rule.groupId} rule ${rule.securityGroupRuleId}`;
}

function permissionText(rule: RevokedRule): string {
  const ports = rule.ipProtocol === '-1' ? 'all traffic' : `${rule.ipProtocol} ${rule.fromPort === rule.toPort ? rule.fromPort : `${rule.fromPort}-${rule.toPort}`}`;
  const source = rule.cidrIpv4 ?? rule.cidrIpv6 ?? rule.referencedGroupId ?? rule.prefixListId ?? '?';
  return `${ports} from ${source}${rule.description === null ? '' : ` ("${rule.description}")`}`;
}

function groupsOf(spec: SgIngressRevokeSpec, deps: Pick<InjectorDeps, 'environment' | 'defaultService'>): { region: string; groupId: string }[] {
  return resolveServiceTargets(spec.target, deps).map((target) => ({
    region: target.region,
    groupId: spec.groupId ?? requiredResource(target, 'securityGroups', deps),
  }));
}

/** The ingress rules the fault will revoke; refuses when none match (already revoked, or a wrong filter). */
async function matchingRules(spec: SgIngressRevokeSpec, deps: InjectorDeps): Promise<RevokedRule[]> {
  const matched: RevokedRule[] = [];
  for (const { region, groupId } of groupsOf(spec, deps)) {
    const rules = (await describeRules(deps, region, groupId)).filter((r) => r.IsEgress !== true).map((r) => toRevoked(region, groupId, r));
    const chosen = rules.filter((rule) => matches(rule, spec.rules));
    if (chosen.length === 0) {
      const present = rules.length === 0 ? 'it has no ingress rules' : `it has: ${rules.map(permissionText).join('; ')}`;
      throw new TargetRefusedError(
        `security group ${groupId} in ${region} has no ingress rule matching ${JSON.stringify(spec.rules)} (${present}): ` +
          'it may already be revoked by another drill or a person. Restore the rule (or fix the filter) and run the drill again.',
      );
    }
    matched.push(...chosen);
  }
  return matched;
}

function matches(rule: RevokedRule, filter: SgIngressRevokeSpec['rules']): boolean {
  if (filter.protocol !== undefined) {
    const wanted = PROTOCOL_NUMBERS[filter.protocol] ?? filter.protocol;
    const actual = PROTOCOL_NUMBERS[rule.ipProtocol] ?? rule.ipProtocol;
    if (wanted !== actual) return false;
  }
  if (filter.port !== undefined && rule.ipProtocol !== '-1' && !(rule.fromPort <= filter.port && filter.port <= rule.toPort)) return false;
  if (filter.source !== undefined && ![rule.cidrIpv4, rule.cidrIpv6, rule.referencedGroupId, rule.prefixListId].includes(filter.source)) return false;
  return true;
}

function toRevoked(region: string, groupId: string, r: SecurityGroupRule): RevokedRule {
  return {
    region,
    groupId,
    securityGroupRuleId: r.SecurityGroupRuleId ?? '',
    ipProtocol: r.IpProtocol ?? '-1',
    fromPort: r.FromPort ?? -1,
    toPort: r.ToPort ?? -1,
    cidrIpv4: r.CidrIpv4 ?? null,
    cidrIpv6: r.CidrIpv6 ?? null,
    referencedGroupId: r.ReferencedGroupInfo?.GroupId ?? null,
    prefixListId: r.PrefixListId ?? null,
    description: r.Description ?? null,
  };
}

/** Same protocol, ports and source: the rule ids differ once a rule is re-created. */
function samePermission(r: SecurityGroupRule, rule: RevokedRule): boolean {
  return (
    r.IsEgress !== true &&
    (r.IpProtocol ?? '-1') === rule.ipProtocol &&
    (r.FromPort ?? -1) === rule.fromPort &&
    (r.ToPort ?? -1) === rule.toPort &&
    (r.CidrIpv4 ?? null) === rule.cidrIpv4 &&
    (r.CidrIpv6 ?? null) === rule.cidrIpv6 &&
    (r.ReferencedGroupInfo?.GroupId ?? null) === rule.referencedGroupId &&
    (r.PrefixListId ?? null) === rule.prefixListId
  );
}

async function describeRules(deps: InjectorDeps, region: string, groupId: string): Promise<SecurityGroupRule[]> {
  const found: SecurityGroupRule[] = [];
  let nextToken: string | undefined;
  try {
    // A rules filter on a group that does not exist answers "no rules"; naming the group does not.
    await awsCall(deps, { action: 'ec2:DescribeSecurityGroups', resource: '*' }, () =>
      deps.clients.ec2(region).send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] })),
    );
    for (let page = 0; page < 20; page++) {
      const output = await awsCall(deps, { action: 'ec2:DescribeSecurityGroupRules', resource: '*' }, () =>
        deps.clients.ec2(region).send(
          new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }], ...(nextToken === undefined ? {} : { NextToken: nextToken }) }),
        ),
      );
      found.push(...(output.SecurityGroupRules ?? []));
      nextToken = output.NextToken;
      if (nextToken === undefined || nextToken === '') break;
    }
  } catch (error) {
    if (isAwsError(error, 'InvalidGroup.NotFound', 'InvalidGroupId.NotFound', 'InvalidGroupId.Malformed')) {
      throw new TargetNotFoundError(`security group "${groupId}" not found in ${region} (environment "${deps.environment.name}")`, { cause: error, id: groupId, region });
    }
    throw error;
  }
  // A filter the endpoint ignored must not let another group's rules through.
  return found.filter((r) => r.GroupId === undefined || r.GroupId === groupId);
}

async function revokeRule(deps: InjectorDeps, rule: RevokedRule): Promise<string[]> {
  const output = await awsCall(deps, { action: 'ec2:RevokeSecurityGroupIngress', resource: securityGroupArn(deps.environment, rule.region, rule.groupId) }, () =>
    deps.clients.ec2(rule.region).send(new RevokeSecurityGroupIngressCommand({ GroupId: rule.groupId, SecurityGroupRuleIds: [rule.securityGroupRuleId] })),
  );
  return requestIdsOf(output);
}

function ipPermission(rule: RevokedRule): IpPermission {
  const description = rule.description === null ? {} : { Description: rule.description };
  return {
    IpProtocol: rule.ipProtocol,
    ...(rule.ipProtocol === '-1' ? {} : { FromPort: rule.fromPort, ToPort: rule.toPort }),
    ...(rule.cidrIpv4 === null ? {} : { IpRanges: [{ CidrIp: rule.cidrIpv4, ...description }] }),
    ...(rule.cidrIpv6 === null ? {} : { Ipv6Ranges: [{ CidrIpv6: rule.cidrIpv6, ...description }] }),
    ...(rule.referencedGroupId === null ? {} : { UserIdGroupPairs: [{ GroupId: rule.referencedGroupId, ...description }] }),
    ...(rule.prefixListId === null ? {} : { PrefixListIds: [{ PrefixListId: rule.prefixListId, ...description }] }),
  };
}

/** Authorizes the identical permission unless it is already there: idempotent. */
async function restoreRule(deps: InjectorDeps, rule: RevokedRule): Promise<{ requestIds: string[]; detail?: string }> {
  if ((await describeRules(deps, rule.region, rule.groupId)).some((r) => samePermission(r, rule))) return { requestIds: [] };
  try {
    const output = await awsCall(deps, { action: 'ec2:AuthorizeSecurityGroupIngress', resource: securityGroupArn(deps.environment, rule.region, rule.groupId) }, () =>
      deps.clients.ec2(rule.region).send(new AuthorizeSecurityGroupIngressCommand({ GroupId: rule.groupId, IpPermissions: [ipPermission(rule)] })),
    );
    const newId = output.SecurityGroupRules?.[0]?.SecurityGroupRuleId ?? 'an unknown id';
    return { requestIds: requestIdsOf(output), detail: `security group rule ${rule.securityGroupRuleId} re-created as ${newId}` };
  } catch (error) {
    // Someone (or an earlier attempt whose answer was lost) put it back between our read and the call.
    if (isAwsError(error, 'InvalidPermission.Duplicate')) return { requestIds: [] };
    throw error;
  }
}
