import { z } from 'zod';
import { durationSchema } from './duration.ts';
import type { Environment } from './environment.ts';
import { AWS_REGION_PATTERN, isRegionRole as isRole, resolveRegionRef, type RegionRole } from './region-ref.ts';

/** CloudWatch's own limit on alarm names. */
const MAX_ALARM_NAME = 255;

const EXPECTED_REGION = 'expected a role ("primary", "secondary", "tertiary", …) or an AWS region such as "us-east-1"';


/**
 * One CloudWatch alarm a drill stops on. `region` is normally a role (`primary`, `secondary`),
 * so the drill runs unchanged in any environment; a literal AWS region is allowed because the
 * alarm that matters is not always next to the fault (a global dashboard alarm in us-east-1).
 */
export const stopAlarmSchema = z.strictObject({
  name: z
    .string({
      error: (issue) =>
        issue.input === undefined
          ? 'required (expected the name of a CloudWatch alarm)'
          : `expected the name of a CloudWatch alarm, got ${JSON.stringify(issue.input)}`,
    })
    .min(1, 'expected the name of a CloudWatch alarm')
    .max(MAX_ALARM_NAME, `expected an alarm name of at most ${MAX_ALARM_NAME} characters`),
  region: z
    .string({ error: (issue) => `${EXPECTED_REGION}, got ${JSON.stringify(issue.input)}` })
    .refine((region) => isRole(region) || AWS_REGION_PATTERN.test(region), {
      error: (issue) => `${EXPECTED_REGION}, got ${JSON.stringify(issue.input)}`,
    })
    .default('primary'),
});

export type StopAlarm = z.output<typeof stopAlarmSchema>;

/** Bounds on `guardrails.alarmPollInterval`, in milliseconds. */
export const ALARM_POLL_MIN_MS = 100;
export const ALARM_POLL_MAX_MS = 60_000;

/**
 * `guardrails.alarmPollInterval`: a duration between 100 ms and 60 s. Below 100 ms only burns the
 * account's DescribeAlarms quota (CloudWatch evaluates alarms once a period, 10 s at best); above
 * 60 s the stop condition is too late to limit the blast radius of anything.
 */
export const alarmPollIntervalSchema = durationSchema.pipe(
  z
    .number()
    .min(ALARM_POLL_MIN_MS, {
      error: (issue) => `expected an interval of at least ${ALARM_POLL_MIN_MS} ms (DescribeAlarms is rate-limited), got ${String(issue.input)} ms`,
    })
    .max(ALARM_POLL_MAX_MS, {
      error: (issue) => `expected an interval of at most ${ALARM_POLL_MAX_MS / 1000} s, or the stop condition acts too late; got ${String(issue.input)} ms`,
    }),
);

/** A stop alarm with its region resolved against the environment. */
export interface ResolvedStopAlarm {
  readonly name: string;
  /** AWS region name, e.g. `us-east-1`. */
  readonly region: string;
  /** The role the drill named, when it named one rather than a literal region. */
  readonly logicalRegion?: RegionRole;
}

/** Why a stop alarm's role names no region of the environment, or undefined when it does (or is literal). */
export function stopAlarmRegionProblem(alarm: StopAlarm, environment: Pick<Environment, 'regions' | 'name'>): string | undefined {
  if (!isRole(alarm.region) || resolveRegionRef(alarm.region, environment.regions) !== undefined) return undefined;
  return `"${alarm.region}" is not a region of environment "${environment.name}" (it has ${environment.regions.length}: ${environment.regions.join(', ')})`;
}

/** Roles are read against the environment's regions; check `stopAlarmRegionProblem` first. */
export function resolveStopAlarm(alarm: StopAlarm, environment: Pick<Environment, 'regions'>): ResolvedStopAlarm {
  if (!isRole(alarm.region)) return { name: alarm.name, region: alarm.region };
  const region = resolveRegionRef(alarm.region, environment.regions);
  if (region === undefined) throw new Error(`stop alarm "${alarm.name}": the environment has no ${alarm.region} region`);
  return { name: alarm.name, region, logicalRegion: alarm.region };
}

/** `"api-5xx" in us-east-1 (primary)`: how messages name an alarm. */
export function describeStopAlarm(alarm: ResolvedStopAlarm): string {
  return `"${alarm.name}" in ${alarm.region}${alarm.logicalRegion === undefined ? '' : ` (${alarm.logicalRegion})`}`;
}
