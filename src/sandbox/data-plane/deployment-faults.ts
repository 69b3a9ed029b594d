import { flagIsVisible } from './failure-flag.ts';
import type { ResolvedDeployment } from '../topology/resolve-topology.ts';
import { functionArn } from '../topology/sandbox-resources.ts';
import type { SandboxState } from '../sandbox-state.ts';

/** What a fault does to an invocation. */
export type FaultEffect =
  /** The custom domain has no mapping for the API: API Gateway answers 403 there (only there). */
  | { readonly kind: 'forbidden' }
  /** The VPC link cannot reach the ALB: nothing until the integration timeout, then 503. */
  | { readonly kind: 'hang' }
  /** A share of invocations (0–1) get this answer instead of the function's. */
  | { readonly kind: 'respond'; readonly share: number; readonly status: number; readonly body: string; readonly contentType: string }
  /** A share of invocations start late. */
  | { readonly kind: 'delay'; readonly share: number; readonly ms: number };

/** One fault active on a deployment, as the event log names it. */
export interface ActiveFault {
  /** throttled | fis:<action id> | failure-flag | api-mapping-missing | backend-unreachable */
  readonly fault: string;
  readonly detail: string;
  readonly effect: FaultEffect;
}

const INTERNAL_ERROR = JSON.stringify({ message: 'Internal Server Error' });

/**
 * Every fault active on one deployment right now, in the order API Gateway meets them: the
 * custom domain's mapping, the VPC link to the backend, Lambda's throttle, the FIS extension,
 * then the function's own failure-lambda flag.
 */
export function deploymentFaults(state: SandboxState, d: ResolvedDeployment): readonly ActiveFault[] {
  const faults: ActiveFault[] = [];
  const domain = state.apiGateway.findDomain(d.region, d.customDomain);
  const mapped = domain !== undefined && [...domain.mappings.values()].some((m) => m.apiId === d.apiId);
  if (!mapped) {
    faults.push({ fault: 'api-mapping-missing', detail: `${d.customDomain} in ${d.region} has no API mapping to ${d.apiId}`, effect: { kind: 'forbidden' } });
  }
  if (d.securityGroupId !== undefined) {
    const admits = state.securityGroups.admits(d.region, d.securityGroupId, d.vpcLinkSecurityGroupId, state.topology.vpcLinkAddress, state.topology.backendPort);
    if (!admits) {
      faults.push({
        fault: 'backend-unreachable',
        detail: `security group ${d.securityGroupId} admits no TCP ${state.topology.backendPort} from the VPC link (${d.vpcLinkSecurityGroupId ?? '?'})`,
        effect: { kind: 'hang' },
      });
    }
  }
  const fn = state.findFunction(d.region, d.functionName);
  if (fn === undefined) return faults;
  if (fn.reservedConcurrency === 0) {
    faults.push({ fault: 'throttled', detail: `${fn.functionName} reserved concurrency 0`, effect: { kind: 'respond', share: 1, status: 500, body: INTERNAL_ERROR, contentType: 'application/json' } });
  }
  const fisReady = fn.environment.AWS_LAMBDA_EXEC_WRAPPER === '/opt/aws-fis/bootstrap' && (fn.environment.AWS_FIS_CONFIGURATION_LOCATION ?? '') !== '';
  if (fisReady) {
    for (const action of state.fis.activeActionsFor(functionArn(d.region, state.topology.accountId, fn.functionName))) {
      const share = percentage(action.parameters.invocationPercentage);
      const detail = `${action.actionId} from experiment ${action.experimentId} (${Math.round(share * 100)}%)`;
      if (action.actionId === 'aws:lambda:invocation-http-integration-response') {
        const status = Number(action.parameters.statusCode ?? '500');
        faults.push({
          fault: `fis:${action.actionId}`,
          detail,
          effect: { kind: 'respond', share, status, body: '', contentType: action.parameters.contentTypeHeader ?? 'application/json' },
        });
      } else if (action.actionId === 'aws:lambda:invocation-error') {
        faults.push({ fault: `fis:${action.actionId}`, detail, effect: { kind: 'respond', share, status: 500, body: INTERNAL_ERROR, contentType: 'application/json' } });
      } else if (action.actionId === 'aws:lambda:invocation-add-delay') {
        faults.push({ fault: `fis:${action.actionId}`, detail, effect: { kind: 'delay', share, ms: Number(action.parameters.startupDelayMilliseconds ?? '1000') } });
      }
    }
  }
  const flag = fn.cachedFlag;
  if (flagIsVisible(flag)) {
    const detail = `${fn.environment.FAILURE_INJECTION_PARAM ?? 'flag'}: ${flag.failureMode} at rate ${flag.rate}`;
    if (flag.failureMode === 'statuscode') {
      faults.push({ fault: 'failure-flag', detail, effect: { kind: 'respond', share: flag.rate, status: flag.statusCode, body: '', contentType: 'application/json' } });
    } else if (flag.failureMode === 'exception') {
      faults.push({ fault: 'failure-flag', detail, effect: { kind: 'respond', share: flag.rate, status: 500, body: INTERNAL_ERROR, contentType: 'application/json' } });
    } else {
      faults.push({ fault: 'failure-flag', detail, effect: { kind: 'delay', share: flag.rate, ms: Math.round((flag.minLatency + flag.maxLatency) / 2) } });
    }
  }
  return faults;
}

function percentage(text: string | undefined): number {
  const value = Number(text ?? '100');
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value / 100)) : 1;
}

/**
 * True when the `sequence`-th invocation (0-based) falls in `share`: spread evenly and
 * deterministically, so 0.5 hits every other call and tests can count exact rates.
 */
export function hitsShare(share: number, sequence: number): boolean {
  if (share >= 1) return true;
  if (share <= 0) return false;
  return Math.floor((sequence + 1) * share) > Math.floor(sequence * share);
}
