import type { InsufficientDataHealthStatus, ProbedHealthCheckType } from '../topology/topology.ts';

/** Every health-check type the sandbox keeps. */
export type HealthCheckType = ProbedHealthCheckType | 'CALCULATED' | 'RECOVERY_CONTROL' | 'CLOUDWATCH_METRIC';

/** Route 53: a check is healthy when more than 18% of its checkers report healthy. */
export const HEALTHY_CHECKER_SHARE = 0.18;

/** The mutable configuration of a Route 53 health check. */
export interface HealthCheckConfig {
  readonly type: HealthCheckType;
  ipAddress: string;
  port: number;
  resourcePath: string;
  fullyQualifiedDomainName: string;
  searchString: string;
  readonly requestInterval: 10 | 30;
  failureThreshold: number;
  inverted: boolean;
  disabled: boolean;
  regions: readonly string[];
  /** CALCULATED: the children and how many must be healthy. */
  childHealthChecks: readonly string[];
  healthThreshold: number;
  /** RECOVERY_CONTROL: the routing control whose On state is healthy. */
  readonly routingControlArn: string;
  /** CLOUDWATCH_METRIC: the alarm whose OK state is healthy, and what INSUFFICIENT_DATA means. */
  readonly alarm?: { readonly region: string; readonly name: string };
  insufficientDataHealthStatus: InsufficientDataHealthStatus;
}

/** What one checker region last saw. */
export interface HealthCheckObservation {
  readonly region: string;
  readonly ipAddress: string;
  readonly status: string;
  readonly checkedTime: number;
}

/** One simulated checker's view: its own status, flipped after FailureThreshold results that disagree. */
export interface CheckerState {
  healthy: boolean;
  consecutive: number;
  observation?: HealthCheckObservation;
}

/** One simulated Route 53 health check. */
export interface HealthCheckState {
  readonly id: string;
  readonly callerReference: string;
  readonly config: HealthCheckConfig;
  version: number;
  /** The status Route 53 reports (after the checker vote, Inverted and Disabled): what routing uses. */
  healthy: boolean;
  readonly checkers: Map<string, CheckerState>;
}

/** The fields UpdateHealthCheck may change. */
export interface HealthCheckPatch {
  readonly ipAddress?: string;
  readonly port?: number;
  readonly resourcePath?: string;
  readonly fullyQualifiedDomainName?: string;
  readonly searchString?: string;
  readonly failureThreshold?: number;
  readonly inverted?: boolean;
  readonly disabled?: boolean;
  readonly regions?: readonly string[];
  readonly childHealthChecks?: readonly string[];
  readonly healthThreshold?: number;
  readonly insufficientDataHealthStatus?: InsufficientDataHealthStatus;
}

/** True when more than 18% of the checkers report healthy (Route 53's vote). */
export function checkersVoteHealthy(statuses: readonly boolean[]): boolean {
  if (statuses.length === 0) return true;
  return statuses.filter(Boolean).length / statuses.length > HEALTHY_CHECKER_SHARE;
}

/** True for the types the sandbox probes over the network. */
export function isProbed(type: HealthCheckType): type is ProbedHealthCheckType {
  return type !== 'CALCULATED' && type !== 'RECOVERY_CONTROL' && type !== 'CLOUDWATCH_METRIC';
}

/**
 * A CLOUDWATCH_METRIC check's status from its alarm, as Route 53 sets it: healthy while OK,
 * unhealthy in ALARM; with INSUFFICIENT_DATA, what InsufficientDataHealthStatus says
 * (LastKnownStatus keeps the current status, healthy for a check that never had data).
 */
export function alarmHealth(alarmState: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA', insufficient: InsufficientDataHealthStatus, current: boolean): boolean {
  if (alarmState === 'OK') return true;
  if (alarmState === 'ALARM') return false;
  if (insufficient === 'Healthy') return true;
  if (insufficient === 'Unhealthy') return false;
  return current;
}
