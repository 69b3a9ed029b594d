import { isProbed } from './health-check-model.ts';
import type { HealthCheckState, HealthCheckType } from './health-check-model.ts';
import type { ResolvedDeployment, ResolvedService } from '../topology/resolve-topology.ts';

/**
 * The Route 53 health checks one deployment has, healthy at start: its own check (probed, or a
 * CLOUDWATCH_METRIC one following its alarm) and, for an ARC-steered service, the
 * RECOVERY_CONTROL check on its routing control and the CALCULATED check (both must be healthy)
 * that its record uses.
 */
export function deploymentHealthChecks(service: ResolvedService, d: ResolvedDeployment, httpPort: number): readonly HealthCheckState[] {
  const kinds: readonly (readonly [string | undefined, HealthCheckType])[] = [
    [d.healthCheckId, d.healthCheckType],
    [d.arcHealthCheckId, 'RECOVERY_CONTROL'],
    [d.routingControlArn === undefined ? undefined : d.recordHealthCheckId, 'CALCULATED'],
  ];
  const viaExecuteApi = service.healthCheckHost === 'execute-api';
  return kinds.flatMap(([checkId, type]): HealthCheckState[] => {
    if (checkId === undefined) return [];
    const probed = isProbed(type);
    const regions = probed ? d.checkerRegions : [];
    return [
      {
        id: checkId,
        callerReference: `drdrill-sandbox-${checkId}`,
        version: 1,
        healthy: true,
        checkers: new Map(regions.map((r) => [r, { healthy: true, consecutive: 0 }])),
        config: {
          type,
          ipAddress: probed ? d.address : '',
          port: probed ? httpPort : 0,
          resourcePath: probed && type !== 'TCP' ? service.healthPath : '',
          fullyQualifiedDomainName: probed && type !== 'TCP' ? (viaExecuteApi ? d.executeApiHost : d.customDomain) : '',
          searchString: d.searchString ?? '',
          requestInterval: d.requestInterval,
          failureThreshold: d.failureThreshold,
          inverted: false,
          disabled: false,
          regions,
          childHealthChecks: type === 'CALCULATED' ? [d.healthCheckId, d.arcHealthCheckId ?? ''] : [],
          healthThreshold: type === 'CALCULATED' ? 2 : 0,
          routingControlArn: type === 'RECOVERY_CONTROL' ? (d.routingControlArn ?? '') : '',
          ...(type === 'CLOUDWATCH_METRIC' && d.alarm !== undefined ? { alarm: { region: d.alarm.region, name: d.alarm.name } } : {}),
          insufficientDataHealthStatus: d.insufficientDataHealthStatus,
        },
      },
    ];
  });
}
