import { GetHealthCheckCommand, GetHealthCheckStatusCommand, type Route53Client } from '@aws-sdk/client-route-53';
import type { HealthObservation } from '../runner/timeline.ts';
import { deliver, startGridPoller } from './grid-poller.ts';
import { HealthStatusTracker, type CheckerReport, type HealthCheckRules } from './health-status-tracker.ts';

export interface HealthCheckPollerOptions {
  /** Route 53 is global: any region works, us-east-1 is conventional. */
  readonly route53: Route53Client;
  readonly healthCheckIds: readonly string[];
  /**
   * Milliseconds between two polls of one check; default 2000. Route 53's API allows about five
   * requests per second per account, so keep `healthCheckIds.length / interval` well below that
   * on AWS. Polls slower than the checks' RequestInterval miss results (see HealthStatusTracker).
   */
  readonly intervalMs?: number;
  /**
   * Real seconds per simulated second (the sandbox's `topology.timeScale`), so RequestInterval
   * is read in real time; default 1 (AWS).
   */
  readonly timeScale?: number;
  /** How often the configuration (threshold, Inverted, Disabled) is re-read; default 30 000 ms. */
  readonly configRefreshMs?: number;
  /** Called once per observation, in order. Like the DNS prober's callback it must not throw. */
  readonly onObservation: (observation: HealthObservation) => void;
  /** A poll or configuration read failed; the poller carries on. Default: ignore. */
  readonly onError?: (error: unknown, healthCheckId: string) => void;
  /** Aborting stops the poller like `stop()`. */
  readonly signal?: AbortSignal;
}

export interface HealthCheckPoller {
  /** Resolves once every check's configuration was read and its first poll finished. */
  readonly ready: Promise<void>;
  /** Stops polling; calls in flight are cancelled and not recorded. Idempotent. */
  stop(): Promise<void>;
}

/** Options of the health-check poller that are out of range. */
export class HealthCheckPollerOptionsError extends Error {
  override readonly name = 'HealthCheckPollerOptionsError';
}

const DEFAULT_INTERVAL_MS = 2000;
const DEFAULT_CONFIG_REFRESH_MS = 30_000;

/**
 * Polls GetHealthCheckStatus for each health check and reports every new checker result and
 * every change of the check's overall status (FailureThreshold per checker, then the 18% rule)
 * as HealthObservations. The configuration comes from GetHealthCheck at start and every
 * `configRefreshMs`, so a drill that inverts or disables a check is read correctly.
 *
 * Polls are on a fixed grid (start + k·interval) per check; a check whose previous poll is still
 * in flight skips a tick rather than pile up calls.
 *
 * @throws HealthCheckPollerOptionsError for bad options.
 */
export function startHealthCheckPoller(options: HealthCheckPollerOptions): HealthCheckPoller {
  const intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  const timeScale = options.timeScale ?? 1;
  const configRefreshMs = options.configRefreshMs ?? DEFAULT_CONFIG_REFRESH_MS;
  for (const [field, value] of [
    ['intervalMs', intervalMs],
    ['timeScale', timeScale],
    ['configRefreshMs', configRefreshMs],
  ] as const) {
    if (!Number.isFinite(value) || value <= 0) {
      throw new HealthCheckPollerOptionsError(`health-check poller ${field} must be a positive number, got ${String(value)}`);
    }
  }
  const ids = [...new Set(options.healthCheckIds)];
  if (ids.length === 0 || ids.some((id) => typeof id !== 'string' || id.trim() === '')) {
    throw new HealthCheckPollerOptionsError(
      `health-check poller healthCheckIds must list at least one non-empty id, got ${JSON.stringify(options.healthCheckIds)}`,
    );
  }

  const { route53, onObservation } = options;
  const onError = options.onError ?? (() => {});
  const trackers = new Map<string, { tracker: HealthStatusTracker; readAt: number }>();

  const readRules = async (id: string, cancel: AbortSignal): Promise<HealthCheckRules> => {
    const { HealthCheck } = await route53.send(new GetHealthCheckCommand({ HealthCheckId: id }), { abortSignal: cancel });
    const config = HealthCheck?.HealthCheckConfig;
    return {
      requestIntervalMs: (config?.RequestInterval ?? 30) * 1000 * timeScale,
      failureThreshold: config?.FailureThreshold ?? 3,
      inverted: config?.Inverted ?? false,
      disabled: config?.Disabled ?? false,
    };
  };

  const poll = async (id: string, cancel: AbortSignal): Promise<void> => {
    try {
      let entry = trackers.get(id);
      if (entry === undefined) {
        entry = { tracker: new HealthStatusTracker(id, await readRules(id, cancel)), readAt: Date.now() };
        trackers.set(id, entry);
      } else if (Date.now() - entry.readAt >= configRefreshMs) {
        entry.tracker.updateRules(await readRules(id, cancel));
        entry.readAt = Date.now();
      }
      const at = Date.now();
      const status = await route53.send(new GetHealthCheckStatusCommand({ HealthCheckId: id }), { abortSignal: cancel });
      if (cancel.aborted) return;
      const reports: CheckerReport[] = [];
      for (const observation of status.HealthCheckObservations ?? []) {
        const report = observation.StatusReport;
        if (observation.Region === undefined || report?.Status === undefined || report.CheckedTime === undefined) continue;
        reports.push({ region: observation.Region, status: report.Status, checkedAt: report.CheckedTime.getTime() });
      }
      for (const observation of entry.tracker.ingest(at, reports)) deliver(onObservation, observation);
    } catch (error) {
      if (cancel.aborted) return;
      onError(error, id);
    }
  };

  const poller = startGridPoller({
    keys: ids,
    intervalMs,
    poll,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  return { ready: poller.firstRound, stop: poller.stop };
}
