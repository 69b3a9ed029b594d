export type { AssertionContext } from './assertion-context.ts';
export {
  ASSERTION_KINDS,
  assertionSchema,
  defaultAssertionName,
  evaluateAssertion,
  type AssertionInput,
  type AssertionSpec,
} from './assertion-spec.ts';
export {
  dnsConvergenceName,
  dnsConvergenceOptions,
  evaluateDnsConvergence,
  type DnsConvergenceOptions,
} from './dns-convergence.ts';
export { errorBudgetName, errorBudgetOptions, evaluateErrorBudget, type ErrorBudgetOptions } from './error-budget.ts';
export { evaluateFailback, failbackName, failbackOptions, type FailbackOptions } from './failback.ts';
export type { Verdict, VerdictStatus } from './verdict.ts';
