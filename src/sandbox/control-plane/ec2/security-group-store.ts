import { randomBytes } from 'node:crypto';
import { AwsServiceError } from '../aws-errors.ts';

/** One security group rule, as DescribeSecurityGroupRules shows it. */
export interface SecurityGroupRule {
  readonly ruleId: string;
  readonly groupId: string;
  readonly isEgress: boolean;
  /** tcp | udp | icmp | -1 (all). */
  readonly ipProtocol: string;
  readonly fromPort: number;
  readonly toPort: number;
  readonly cidrIpv4?: string;
  readonly referencedGroupId?: string;
  readonly description?: string;
}

/** One IpPermission as the EC2 API takes it (one peer per entry here). */
export interface IpPermission {
  readonly ipProtocol: string;
  readonly fromPort: number;
  readonly toPort: number;
  readonly cidrIpv4s: readonly { readonly cidr: string; readonly description?: string }[];
  readonly groupIds: readonly { readonly groupId: string; readonly description?: string }[];
}

export interface SecurityGroup {
  readonly region: string;
  readonly groupId: string;
  readonly groupName: string;
  readonly description: string;
  readonly vpcId: string;
  readonly ownerId: string;
  readonly rules: SecurityGroupRule[];
}

/** EC2 security groups and their rules, per region. */
export class SecurityGroupStore {
  readonly #groups = new Map<string, SecurityGroup>();

  add(group: SecurityGroup): void {
    this.#groups.set(key(group.region, group.groupId), group);
  }

  find(region: string, groupId: string): SecurityGroup | undefined {
    return this.#groups.get(key(region, groupId));
  }

  /** @throws AwsServiceError InvalidGroup.NotFound */
  group(region: string, groupId: string): SecurityGroup {
    const found = this.find(region, groupId);
    if (found === undefined) throw new AwsServiceError('InvalidGroup.NotFound', 400, `The security group '${groupId}' does not exist`);
    return found;
  }

  groups(region: string): readonly SecurityGroup[] {
    return [...this.#groups.values()].filter((g) => g.region === region);
  }

  /** Every rule in the region, in group order. */
  rules(region: string): readonly SecurityGroupRule[] {
    return this.groups(region).flatMap((g) => g.rules);
  }

  /**
   * Adds ingress rules, all or nothing.
   *
   * @throws AwsServiceError InvalidPermission.Duplicate when a rule already exists (nothing is added).
   */
  authorizeIngress(region: string, groupId: string, permissions: readonly IpPermission[]): readonly SecurityGroupRule[] {
    const group = this.group(region, groupId);
    const added: SecurityGroupRule[] = [];
    for (const rule of expand(groupId, permissions)) {
      const duplicate = [...group.rules, ...added].find((r) => !r.isEgress && samePeer(r, rule));
      if (duplicate !== undefined) {
        throw new AwsServiceError('InvalidPermission.Duplicate', 400, `the specified rule "peer: ${rule.cidrIpv4 ?? rule.referencedGroupId ?? ''}, ${rule.ipProtocol.toUpperCase()}, from port: ${rule.fromPort}, to port: ${rule.toPort}, ALLOW" already exists`);
      }
      if (rule.referencedGroupId !== undefined && this.find(region, rule.referencedGroupId) === undefined) {
        throw new AwsServiceError('InvalidGroup.NotFound', 400, `The security group '${rule.referencedGroupId}' does not exist`);
      }
      added.push({ ...rule, ruleId: `sgr-0${randomBytes(8).toString('hex')}` });
    }
    group.rules.push(...added);
    return added;
  }

  /**
   * Removes ingress rules named by id (all must exist) or by permission (those that match).
   *
   * @returns the revoked rules and the permissions that matched nothing.
   * @throws AwsServiceError InvalidSecurityGroupRuleId.NotFound for an unknown rule id.
   */
  revokeIngress(
    region: string,
    groupId: string,
    selector: { readonly ruleIds: readonly string[]; readonly permissions: readonly IpPermission[] },
  ): { readonly revoked: readonly SecurityGroupRule[]; readonly unknown: readonly IpPermission[] } {
    const group = this.group(region, groupId);
    const revoked: SecurityGroupRule[] = [];
    for (const ruleId of selector.ruleIds) {
      const rule = group.rules.find((r) => r.ruleId === ruleId && !r.isEgress);
      if (rule === undefined) {
        throw new AwsServiceError('InvalidSecurityGroupRuleId.NotFound', 400, `The security group rule ID '${ruleId}' does not exist`);
      }
      revoked.push(rule);
    }
    const unknown: IpPermission[] = [];
    for (const permission of selector.permissions) {
      const wanted = expand(groupId, [permission]);
      const matched = wanted.map((w) => group.rules.find((r) => !r.isEgress && samePeer(r, w)));
      if (matched.some((m) => m === undefined)) unknown.push(permission);
      for (const m of matched) if (m !== undefined && !revoked.includes(m)) revoked.push(m);
    }
    for (const rule of revoked) group.rules.splice(group.rules.indexOf(rule), 1);
    return { revoked, unknown };
  }

  /**
   * True when an ingress rule of `groupId` admits TCP to `port` from a source in `sourceGroupId`
   * with address `sourceAddress`, which is what a VPC link's connection to an ALB needs.
   */
  admits(region: string, groupId: string, sourceGroupId: string | undefined, sourceAddress: string, port: number): boolean {
    const group = this.find(region, groupId);
    if (group === undefined) return false;
    return group.rules.some((r) => {
      if (r.isEgress) return false;
      const protocolOk = r.ipProtocol === '-1' || r.ipProtocol === 'tcp' || r.ipProtocol === '6';
      const portOk = r.ipProtocol === '-1' || (r.fromPort <= port && port <= r.toPort);
      const peerOk =
        (r.referencedGroupId !== undefined && r.referencedGroupId === sourceGroupId) ||
        (r.cidrIpv4 !== undefined && cidrContains(r.cidrIpv4, sourceAddress));
      return protocolOk && portOk && peerOk;
    });
  }
}

function expand(groupId: string, permissions: readonly IpPermission[]): Omit<SecurityGroupRule, 'ruleId'>[] {
  return permissions.flatMap((p) => {
    const protocol = normalizeProtocol(p.ipProtocol);
    const base = { groupId, isEgress: false, ipProtocol: protocol, fromPort: protocol === '-1' ? -1 : p.fromPort, toPort: protocol === '-1' ? -1 : p.toPort };
    return [
      ...p.cidrIpv4s.map((c) => ({ ...base, cidrIpv4: c.cidr, ...(c.description === undefined ? {} : { description: c.description }) })),
      ...p.groupIds.map((g) => ({ ...base, referencedGroupId: g.groupId, ...(g.description === undefined ? {} : { description: g.description }) })),
    ];
  });
}

/** EC2 accepts names or numbers for the protocol; `all` and -1 mean every protocol. */
export function normalizeProtocol(protocol: string): string {
  const lower = protocol.toLowerCase();
  if (lower === '6') return 'tcp';
  if (lower === '17') return 'udp';
  if (lower === '1') return 'icmp';
  if (lower === 'all') return '-1';
  return lower;
}

function samePeer(a: Omit<SecurityGroupRule, 'ruleId'>, b: Omit<SecurityGroupRule, 'ruleId'>): boolean {
  return (
    a.ipProtocol === b.ipProtocol &&
    a.fromPort === b.fromPort &&
    a.toPort === b.toPort &&
    a.cidrIpv4 === b.cidrIpv4 &&
    a.referencedGroupId === b.referencedGroupId
  );
}

/** True when the IPv4 `address` lies in `cidr` (a.b.c.d/n). */
export function cidrContains(cidr: string, address: string): boolean {
  const [base = '', bitsText = '32'] = cidr.split('/');
  const bits = Number(bitsText);
  const toInt = (ip: string): number | undefined => {
    const parts = ip.split('.').map(Number);
    if (parts.length !== 4 || parts.some((n) => !Number.isInteger(n) || n < 0 || n > 255)) return undefined;
    return parts.reduce((acc, n) => acc * 256 + n, 0);
  };
  const a = toInt(base);
  const b = toInt(address);
  if (a === undefined || b === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const size = 2 ** (32 - bits);
  return Math.floor(a / size) === Math.floor(b / size);
}

function key(region: string, id: string): string {
  return `${region}\u0000${id}`;
}
