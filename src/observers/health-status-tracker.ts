import type { HealthObservation } from '../runner/timeline.ts';

/** The parts of a Route 53 health check's configuration that decide its status. */
export interface HealthCheckRules {
  /** Real milliseconds between two checks of one checker (RequestInterval × time scale). */
  readonly requestIntervalMs: number;
  /** Consecutive disagreeing results needed to flip a checker's status (1–10). */
  readonly failureThreshold: number;
  readonly inverted: boolean;
  readonly disabled: boolean;
}

/** One checker's latest report, as GetHealthCheckStatus returns it. */
export interface CheckerReport {
  readonly region: string;
  /** StatusReport.Status, e.g. `Success: HTTP Status Code 200, OK`. */
  readonly status: string;
  /** StatusReport.CheckedTime, epoch ms. */
  readonly checkedAt: number;
}

/**
 * Route 53 considers a check healthy when more than 18% of its checkers report it healthy
 * (AWS-FACTS: "the check is healthy when more than 18% of checkers report healthy").
 */
export const HEALTHY_CHECKER_SHARE = 0.18;

interface CheckerState {
  lastCheckedAt: number;
  lastResult: boolean;
  /** This checker's status after FailureThreshold. */
  healthy: boolean;
  /** Consecutive results disagreeing with `healthy`. */
  disagreeing: number;
}

/**
 * Turns successive GetHealthCheckStatus readings of one health check into observations: one per
 * new checker result (deduplicated by CheckedTime) and one for the overall status whenever it
 * changes (and on the first reading). Pure bookkeeping, no I/O, so it is tested on its own.
 *
 * Each checker keeps its own status and flips it after `failureThreshold` consecutive results
 * that disagree, as Route 53's checkers do; the overall status follows the 18% rule. A checker's
 * first result sets its starting status: the poller cannot know what came before it.
 *
 * When polls are further apart than the check interval, results are missed. Then a gap of k
 * intervals between two results that agree counts as k consecutive results (the missed ones are
 * assumed to agree with both neighbours); when the two disagree only the newer counts, so a flip
 * is never dated earlier than a result actually seen. Polls closer together than the interval
 * cannot miss a result, so irregular check timing is never mistaken for a missed one.
 */
export class HealthStatusTracker {
  readonly healthCheckId: string;
  #rules: HealthCheckRules;
  readonly #checkers = new Map<string, CheckerState>();
  #overall: boolean | undefined;
  #lastPollAt: number | undefined;

  constructor(healthCheckId: string, rules: HealthCheckRules) {
    this.healthCheckId = healthCheckId;
    this.#rules = rules;
  }

  /** Replaces the rules (a re-read configuration); counts in progress are kept. */
  updateRules(rules: HealthCheckRules): void {
    this.#rules = rules;
  }

  /** The overall status after the last reading, undefined before any checker reported. */
  get healthy(): boolean | undefined {
    return this.#overall;
  }

  /**
   * Feeds one poll's reports (taken at epoch ms `at`) and returns the new observations, in
   * CheckedTime order: the checker results not seen before, interleaved with the overall status
   * observation at the result that changed it.
   */
  ingest(at: number, reports: readonly CheckerReport[]): HealthObservation[] {
    const fresh = reports
      .filter((report) => {
        const known = this.#checkers.get(report.region);
        return known === undefined || report.checkedAt > known.lastCheckedAt;
      })
      .sort((a, b) => a.checkedAt - b.checkedAt || a.region.localeCompare(b.region));
    const out: HealthObservation[] = [];
    const mayHaveMissed = this.#lastPollAt === undefined || at - this.#lastPollAt >= this.#rules.requestIntervalMs;
    this.#lastPollAt = at;
    for (const report of fresh) {
      const passed = /^success/i.test(report.status.trim());
      const result = passed !== this.#rules.inverted;
      this.#apply(report, result, mayHaveMissed);
      out.push({
        at,
        healthCheckId: this.healthCheckId,
        healthy: result,
        detail: report.status,
        checkerRegion: report.region,
        checkedAt: report.checkedAt,
      });
      const { healthy, healthyCheckers, reportingCheckers } = this.#evaluate();
      if (healthy !== this.#overall) {
        const first = this.#overall === undefined;
        this.#overall = healthy;
        out.push({
          at,
          healthCheckId: this.healthCheckId,
          healthy,
          detail: this.#describe(healthy, healthyCheckers, reportingCheckers, first),
          checkedAt: report.checkedAt,
          healthyCheckers,
          reportingCheckers,
        });
      }
    }
    return out;
  }

  #apply(report: CheckerReport, result: boolean, mayHaveMissed: boolean): void {
    const state = this.#checkers.get(report.region);
    if (state === undefined) {
      this.#checkers.set(report.region, { lastCheckedAt: report.checkedAt, lastResult: result, healthy: result, disagreeing: 0 });
      return;
    }
    const gap = report.checkedAt - state.lastCheckedAt;
    const intervals = mayHaveMissed && this.#rules.requestIntervalMs > 0 ? Math.max(1, Math.round(gap / this.#rules.requestIntervalMs)) : 1;
    if (result === state.healthy) {
      state.disagreeing = 0;
    } else {
      state.disagreeing = state.lastResult === result ? state.disagreeing + intervals : 1;
      if (state.disagreeing >= this.#rules.failureThreshold) {
        state.healthy = result;
        state.disagreeing = 0;
      }
    }
    state.lastResult = result;
    state.lastCheckedAt = report.checkedAt;
  }

  #evaluate(): { healthy: boolean; healthyCheckers: number; reportingCheckers: number } {
    let healthyCheckers = 0;
    for (const state of this.#checkers.values()) if (state.healthy) healthyCheckers++;
    const reportingCheckers = this.#checkers.size;
    // Disabled checks stop checking and Route 53 reports them healthy whatever the checkers saw.
    const healthy = this.#rules.disabled || healthyCheckers / reportingCheckers > HEALTHY_CHECKER_SHARE;
    return { healthy, healthyCheckers, reportingCheckers };
  }

  #describe(healthy: boolean, healthyCheckers: number, reportingCheckers: number, first: boolean): string {
    const share = `${healthyCheckers} of ${reportingCheckers} checkers healthy`;
    if (this.#rules.disabled) return `healthy: the check is disabled (${share})`;
    const verb = first ? 'is' : 'turned';
    return `${verb} ${healthy ? 'healthy' : 'unhealthy'}: ${share} (healthy needs more than ${HEALTHY_CHECKER_SHARE * 100}%)`;
  }
}
