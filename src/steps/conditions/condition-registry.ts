import { dnsCondition } from './dns-condition.ts';
import { errorRateCondition } from './error-rate-condition.ts';
import { healthCheckCondition } from './health-check-condition.ts';
import { trafficCondition } from './traffic-condition.ts';
import type { UntilCondition } from './until-condition.ts';

/** Every until condition, by the key it is written under. Adding one is a file and a line here. */
export const CONDITIONS = {
  dns: dnsCondition,
  traffic: trafficCondition,
  errorRate: errorRateCondition,
  healthCheck: healthCheckCondition,
} as const;

export type ConditionKey = keyof typeof CONDITIONS;
export const CONDITION_KEYS = Object.keys(CONDITIONS) as ConditionKey[];

/** The condition an until step gives, with its options; exactly one is present once validated. */
export function conditionOf(step: Partial<Record<ConditionKey, unknown>>): { readonly condition: UntilCondition<unknown>; readonly options: unknown } {
  for (const key of CONDITION_KEYS) {
    const options = step[key];
    if (options !== undefined) return { condition: CONDITIONS[key] as UntilCondition<unknown>, options };
  }
  throw new Error(`an until step without a condition (one of ${CONDITION_KEYS.join(', ')})`);
}
