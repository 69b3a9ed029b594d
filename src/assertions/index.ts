export type { AssertionContext } from './assertion-context.ts';
export {
  ASSERTION_KINDS,
  assertionSchema,
  defaultAssertionName,
  evaluateAssertion,
  evaluateAssertions,
  type AssertionInput,
  type AssertionSpec,
} from './assertion-spec.ts';
export {
  customAssertionOptions,
  CustomCheckTimeoutError,
  evaluateCustomAssertion,
  type CustomAssertionOptions,
  type CustomCheck,
} from './custom-assertion.ts';
export {
  dnsConvergenceName,
  dnsConvergenceOptions,
  evaluateDnsConvergence,
  type DnsConvergenceOptions,
} from './dns-convergence.ts';
export { errorBudgetName, errorBudgetOptions, evaluateErrorBudget, type ErrorBudgetOptions } from './error-budget.ts';
export { expectedFailoverWindow, type ExpectedWindow } from './expected-window.ts';
export { evaluateFailback, failbackName, failbackOptions, type FailbackOptions } from './failback.ts';
export { measureDetection, type Detection, type DetectionQuery } from './health-detection.ts';
export { measureClientRecovery, type ClientRecovery, type RecoveryQuery } from './client-recovery.ts';
export { latencyPercentiles, type LatencyPercentiles } from './latency-percentiles.ts';
export { evaluateRegionShare, regionShareName, regionShareOptions, type RegionShareOptions } from './region-share.ts';
export { evaluateRebalance, rebalanceName, rebalanceOptions, type RebalanceInput, type RebalanceOptions } from './rebalance.ts';
export { minSharesSchema, type MinShares } from './region-shares.ts';
export { evaluateRto, rtoName, rtoOptions, type RtoOptions } from './rto.ts';
export {
  checkSteadyState,
  DEFAULT_STEADY_STATE,
  steadyStateName,
  steadyStateOptions,
  type SteadyStateInput,
  type SteadyStateOptions,
  type SteadyStateWhen,
} from './steady-state.ts';
export type { Verdict, VerdictStatus } from './verdict.ts';
