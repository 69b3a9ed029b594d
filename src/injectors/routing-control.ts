import {
  GetRoutingControlStateCommand,
  UpdateRoutingControlStateCommand,
  type RoutingControlState,
} from '@aws-sdk/client-route53-recovery-cluster';
import { z } from 'zod';
import { faultFields } from './fault-fields.ts';
import { awsCall, isAwsError, isThrottling, requestIdsOf } from './aws-call.ts';
import { TargetNotFoundError, TargetRefusedError, type InjectorDefinition, type InjectorDeps } from './injector.ts';
import { applyInOrder, undoInReverse } from './multi-target.ts';
import { requiredResource, resolveServiceTargets, serviceTargetSchema } from './service-targets.ts';
import { waitUntil } from '../util/wait-until.ts';

/**
 * Sets a service's Route 53 ARC routing control in one region (default `Off`: traffic leaves
 * that region), leaving every other service's controls untouched, and restores the prior state
 * on rollback. Calls go to the environment's ARC cluster endpoints, tried in turn.
 *
 * @example { injector: 'routing-control', target: { region: 'primary', service: 'service1' }, state: 'Off' }
 */
export const routingControlSpecSchema = z.strictObject({
  injector: z.literal('routing-control'),
  ...faultFields,
  target: serviceTargetSchema,
  state: z.enum(['On', 'Off']).default('Off'),
});
export type RoutingControlSpec = z.output<typeof routingControlSpecSchema>;

export type RoutingControlTarget = {
  readonly routingControlArn: string;
  readonly prior: 'On' | 'Off';
  readonly state: 'On' | 'Off';
};

export type RoutingControlHandle = {
  /** Cluster region and endpoints, journaled so recovery does not depend on the environment file staying the same. */
  readonly arcRegion: string;
  readonly clusterEndpoints: readonly string[];
  readonly controls: readonly RoutingControlTarget[];
};

const VERIFY_POLL_MS = 200;

export const routingControl: InjectorDefinition<RoutingControlSpec, RoutingControlHandle> = {
  kind: 'routing-control',
  specSchema: routingControlSpecSchema,

  async plan(spec, deps) {
    const cluster = clusterOf(deps);
    const changes = [];
    for (const arn of controlArns(spec, deps)) {
      changes.push({ target: `arc ${arn}`, field: 'RoutingControlState', from: await readState(deps, cluster, arn), to: spec.state });
    }
    return changes;
  },

  async inject(spec, deps, journal) {
    const cluster = clusterOf(deps);
    const controls: RoutingControlTarget[] = [];
    for (const routingControlArn of controlArns(spec, deps)) {
      const prior = await readState(deps, cluster, routingControlArn);
      if (prior === spec.state) {
        throw new TargetRefusedError(
          `routing control ${routingControlArn} is already ${prior}: another drill or a person may be mid-failover. ` +
            `Set it back to ${spec.state === 'Off' ? 'On' : 'Off'} and run the drill again.`,
        );
      }
      controls.push({ routingControlArn, prior, state: spec.state });
    }
    const handle: RoutingControlHandle = { ...cluster, controls };
    await journal(handle);
    const requestIds = await applyInOrder(controls, {
      label: (c) => `arc ${c.routingControlArn}`,
      apply: (c) => writeState(deps, cluster, c.routingControlArn, c.state),
      undo: (c) => writeState(deps, cluster, c.routingControlArn, c.prior),
    });
    return { handle, requestIds };
  },

  async verify(handle, deps, signal) {
    for (const control of handle.controls) {
      await waitUntil(async () => (await readState(deps, handle, control.routingControlArn)) === control.state, { interval: VERIFY_POLL_MS, signal });
    }
  },

  rollback(handle, deps) {
    return undoInReverse(handle.controls, {
      label: (c) => `arc ${c.routingControlArn}`,
      undo: async (c) => {
        if ((await readState(deps, handle, c.routingControlArn)) === c.prior) return { requestIds: [] };
        return { requestIds: await writeState(deps, handle, c.routingControlArn, c.prior) };
      },
    });
  },

  describe(handle) {
    return `arc routing control ${handle.controls.map((c) => `${c.routingControlArn} → ${c.state}`).join(', ')}`;
  },

  manualUndo(handle, aws) {
    return handle.controls
      .map(
        (c) =>
          `${aws(handle.clusterEndpoints[0] ?? '<cluster endpoint>')} route53-recovery-cluster update-routing-control-state --region ${handle.arcRegion} ` +
          `--routing-control-arn ${c.routingControlArn} --routing-control-state ${c.prior}`,
      )
      .reverse();
  },

  revertCalls(handle, deps) {
    // An execution calls one endpoint and cannot try the next, so the switch gets one call per
    // endpoint of the journaled cluster: the endpoint that is down during the event fails its own
    // execution, the others set the prior state (again: a no-op once one has).
    const endpoints = handle.clusterEndpoints.length > 0 ? handle.clusterEndpoints : (deps.environment.arc?.clusterEndpoints ?? []);
    // Newest control first, as rollback goes; each one's endpoints in the order to try them.
    return [...handle.controls].reverse().flatMap((c) =>
      (endpoints.length === 0 ? [undefined] : endpoints).map((endpoint) => ({
        service: 'route53-recovery-cluster',
        api: 'UpdateRoutingControlState',
        region: handle.arcRegion,
        request: { RoutingControlArn: c.routingControlArn, RoutingControlState: c.prior },
        ...(endpoint === undefined ? {} : { endpoint }),
      })),
    );
  },

  permissions(spec, deps) {
    return controlArns(spec, deps).flatMap((resource) => [
      { action: 'route53-recovery-cluster:GetRoutingControlState', resource },
      { action: 'route53-recovery-cluster:UpdateRoutingControlState', resource },
    ]);
  },
};

interface Cluster {
  readonly arcRegion: string;
  readonly clusterEndpoints: readonly string[];
}

function clusterOf(deps: Pick<InjectorDeps, 'environment'>): Cluster {
  const { arc } = deps.environment;
  if (arc === undefined) {
    throw new TargetNotFoundError(`environment "${deps.environment.name}" has no "arc" section: add arc.region and arc.clusterEndpoints for routing-control faults`);
  }
  return { arcRegion: arc.region, clusterEndpoints: arc.clusterEndpoints };
}

function controlArns(spec: RoutingControlSpec, deps: Pick<InjectorDeps, 'environment' | 'defaultService'>): string[] {
  return resolveServiceTargets(spec.target, deps).map((target) => requiredResource(target, 'routingControls', deps));
}

/**
 * ARC's data plane is five regional endpoints; AWS asks callers to try them in turn, since any
 * one may be unavailable during the very event a routing control is for. Each endpoint gets one
 * attempt (see AwsClients.arcCluster) and the next endpoint is the retry, going round again until
 * the call has had as many attempts as any other call gets, so a cluster listed with one endpoint
 * is still retried.
 */
async function onCluster<T>(cluster: Cluster, deps: Pick<InjectorDeps, 'clients'>, call: (endpoint: string) => Promise<T>): Promise<T> {
  const endpoints = cluster.clusterEndpoints;
  const attempts = Math.max(endpoints.length, deps.clients.deadlines.maxAttempts);
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const endpoint = endpoints[attempt % endpoints.length];
    if (endpoint === undefined) break;
    try {
      return await call(endpoint);
    } catch (error) {
      lastError = error;
      const unreachable =
        isAwsError(error, 'EndpointTemporarilyUnavailableException', 'InternalServerException') ||
        (error instanceof Error && !('$metadata' in error) && !isThrottling(error) && error.name !== 'MissingPermissionError');
      if (!unreachable) throw error;
    }
  }
  throw lastError;
}

async function readState(deps: InjectorDeps, cluster: Cluster, arn: string): Promise<'On' | 'Off'> {
  try {
    const output = await onCluster(cluster, deps, (endpoint) =>
      awsCall(deps, { action: 'route53-recovery-cluster:GetRoutingControlState', resource: arn }, () =>
        deps.clients.arcCluster(cluster.arcRegion, endpoint).send(new GetRoutingControlStateCommand({ RoutingControlArn: arn })),
      ),
    );
    return output.RoutingControlState === 'On' ? 'On' : 'Off';
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFoundException')) {
      throw new TargetNotFoundError(`routing control "${arn}" not found on the ARC cluster in ${cluster.arcRegion} (environment "${deps.environment.name}")`, { cause: error, id: arn });
    }
    throw error;
  }
}

async function writeState(deps: InjectorDeps, cluster: Cluster, arn: string, state: 'On' | 'Off'): Promise<string[]> {
  const output = await onCluster(cluster, deps, (endpoint) =>
    awsCall(deps, { action: 'route53-recovery-cluster:UpdateRoutingControlState', resource: arn }, () =>
      deps.clients
        .arcCluster(cluster.arcRegion, endpoint)
        .send(new UpdateRoutingControlStateCommand({ RoutingControlArn: arn, RoutingControlState: state as RoutingControlState })),
    ),
  );
  return requestIdsOf(output);
}
