import { GetHealthCheckCommand, UpdateHealthCheckCommand } from '@aws-sdk/client-route-53';
import { z } from 'zod';
import { faultFields } from './fault-fields.ts';
import { healthCheckArn } from './arns.ts';
import { awsCall, isAwsError, requestIdsOf } from './aws-call.ts';
import { TargetNotFoundError, TargetRefusedError, type InjectorDefinition, type InjectorDeps } from './injector.ts';
import { applyInOrder, undoInReverse } from './multi-target.ts';
import { resolveServiceTargets, serviceTargetSchema } from './service-targets.ts';
import { regionValue } from './resolve-target.ts';
import { waitUntil } from '../util/wait-until.ts';

/** The health-check flag a toggle flips: `Inverted` forces failover, `Disabled` does not. */
type Flag = 'Inverted' | 'Disabled';

/** One health check and the flag's value before the fault. */
export type HealthCheckToggleTarget = {
  readonly healthCheckId: string;
  readonly prior: boolean;
};

export type HealthCheckToggleHandle = {
  readonly flag: Flag;
  readonly healthChecks: readonly HealthCheckToggleTarget[];
};

const VERIFY_POLL_MS = 200;
/** Route 53 is global; its control plane lives in us-east-1. */
const ROUTE53_REGION = 'us-east-1';

/**
 * `health-check-invert`: Route 53 reports the opposite of what its checkers see, so a healthy
 * region is marked unhealthy and its failover record fails over — a fault in the routing layer
 * with the application untouched.
 *
 * @example { injector: 'health-check-invert', target: { region: 'primary' } }
 */
export const healthCheckInvertSpecSchema = z.strictObject({ injector: z.literal('health-check-invert'), ...faultFields, target: serviceTargetSchema });
export type HealthCheckInvertSpec = z.output<typeof healthCheckInvertSpecSchema>;

/**
 * `health-check-disable`: Route 53 stops checking and reports the check healthy whatever
 * happens. A drill with it shows that disabling does NOT force failover (use invert for that),
 * and that a disabled check hides a real outage.
 *
 * @example { injector: 'health-check-disable', target: { region: 'primary' } }
 */
export const healthCheckDisableSpecSchema = z.strictObject({ injector: z.literal('health-check-disable'), ...faultFields, target: serviceTargetSchema });
export type HealthCheckDisableSpec = z.output<typeof healthCheckDisableSpecSchema>;

export const healthCheckInvert = toggleInjector('health-check-invert', 'Inverted', healthCheckInvertSpecSchema);
export const healthCheckDisable = toggleInjector('health-check-disable', 'Disabled', healthCheckDisableSpecSchema);

function toggleInjector<Spec extends HealthCheckInvertSpec | HealthCheckDisableSpec>(
  kind: Spec['injector'],
  flag: Flag,
  specSchema: z.ZodType<Spec>,
): InjectorDefinition<Spec, HealthCheckToggleHandle> {
  const label = (target: HealthCheckToggleTarget): string => `route53 health-check ${target.healthCheckId}`;
  return {
    kind,
    specSchema,

    async plan(spec, deps) {
      const changes = [];
      for (const id of healthCheckIds(spec, deps)) {
        const prior = await readFlag(deps, id, flag);
        changes.push({ target: `route53 health-check ${id}`, field: flag, from: String(prior), to: 'true' });
      }
      return changes;
    },

    async inject(spec, deps, journal) {
      const healthChecks: HealthCheckToggleTarget[] = [];
      for (const healthCheckId of healthCheckIds(spec, deps)) {
        const prior = await readFlag(deps, healthCheckId, flag);
        if (prior) {
          throw new TargetRefusedError(
            `route53 health check ${healthCheckId} is already ${flag}=true: another drill or a person may be mid-change. ` +
              `Set it back (aws route53 update-health-check --health-check-id ${healthCheckId} --no-${flag.toLowerCase()}) and run the drill again.`,
          );
        }
        healthChecks.push({ healthCheckId, prior });
      }
      const handle: HealthCheckToggleHandle = { flag, healthChecks };
      await journal(handle);
      const requestIds = await applyInOrder(healthChecks, {
        label,
        apply: (target) => writeFlag(deps, target.healthCheckId, flag, true),
        undo: (target) => writeFlag(deps, target.healthCheckId, flag, target.prior),
      });
      return { handle, requestIds };
    },

    async verify(handle, deps, signal) {
      for (const target of handle.healthChecks) {
        await waitUntil(async () => readFlag(deps, target.healthCheckId, handle.flag), { interval: VERIFY_POLL_MS, signal });
      }
    },

    rollback(handle, deps) {
      return undoInReverse(handle.healthChecks, {
        label,
        undo: async (target) => {
          // Only the flag the drill flipped is written, so a concurrent change to anything else survives.
          if ((await readFlag(deps, target.healthCheckId, handle.flag)) === target.prior) return { requestIds: [] };
          return { requestIds: await writeFlag(deps, target.healthCheckId, handle.flag, target.prior) };
        },
      });
    },

    describe(handle) {
      return `route53 health-check ${handle.healthChecks.map((t) => t.healthCheckId).join(', ')} ${handle.flag}`;
    },

    manualUndo(handle, aws) {
      return handle.healthChecks
        .map((t) => `${aws()} route53 update-health-check --region ${ROUTE53_REGION} --health-check-id ${t.healthCheckId} --${t.prior ? '' : 'no-'}${handle.flag.toLowerCase()}`)
        .reverse();
    },

    revertCalls(handle) {
      // Writes only the flag the drill flipped, back to its prior value: a repeat changes nothing
      // but the check's HealthCheckVersion.
      return handle.healthChecks
        .map((t) => ({ service: 'route53', api: 'UpdateHealthCheck', region: ROUTE53_REGION, request: { HealthCheckId: t.healthCheckId, [handle.flag]: t.prior } }))
        .reverse();
    },

    permissions(spec, deps) {
      return healthCheckIds(spec, deps).flatMap((id) => [
        { action: 'route53:GetHealthCheck', resource: healthCheckArn(id) },
        { action: 'route53:UpdateHealthCheck', resource: healthCheckArn(id) },
      ]);
    },
  };
}

function healthCheckIds(spec: HealthCheckInvertSpec | HealthCheckDisableSpec, deps: Pick<InjectorDeps, 'environment' | 'defaultService'>): string[] {
  return resolveServiceTargets(spec.target, deps).map((target) => regionValue(target, 'healthChecks'));
}

async function readFlag(deps: InjectorDeps, healthCheckId: string, flag: Flag): Promise<boolean> {
  try {
    const output = await awsCall(deps, { action: 'route53:GetHealthCheck', resource: healthCheckArn(healthCheckId) }, () =>
      deps.clients.route53().send(new GetHealthCheckCommand({ HealthCheckId: healthCheckId })),
    );
    return output.HealthCheck?.HealthCheckConfig?.[flag] ?? false;
  } catch (error) {
    if (isAwsError(error, 'NoSuchHealthCheck')) {
      throw new TargetNotFoundError(`route53 health check "${healthCheckId}" not found (environment "${deps.environment.name}")`, { cause: error, id: healthCheckId });
    }
    throw error;
  }
}

async function writeFlag(deps: InjectorDeps, healthCheckId: string, flag: Flag, value: boolean): Promise<string[]> {
  const output = await awsCall(deps, { action: 'route53:UpdateHealthCheck', resource: healthCheckArn(healthCheckId) }, () =>
    deps.clients.route53().send(new UpdateHealthCheckCommand({ HealthCheckId: healthCheckId, [flag]: value })),
  );
  return requestIdsOf(output);
}
