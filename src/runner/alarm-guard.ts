import { DescribeAlarmsCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { AwsClients } from '../aws/aws-clients.ts';
import type { Environment } from '../drill/environment.ts';
import { describeStopAlarm, resolveStopAlarm, type ResolvedStopAlarm, type StopAlarm } from '../drill/stop-alarm.ts';
import type { IamPermission } from '../injectors/injector.ts';
import { deliver, startGridPoller } from '../observers/grid-poller.ts';
import { AlarmInAlarmError } from './alarm-in-alarm-error.ts';
import { StopAlarmNotFoundError } from './stop-alarm-not-found-error.ts';

/** DescribeAlarms takes at most 100 names, and returns at most 100 alarms a page. */
const NAMES_PER_CALL = 100;
/** A page loop that a misbehaving endpoint cannot keep going forever. */
const MAX_PAGES = 20;

/** What the guard and the preflight check need to find and read the alarms. */
export interface StopAlarmTarget {
  readonly clients: Pick<AwsClients, 'cloudWatch'>;
  /** Resolves `primary` / `secondary`; only `regions` is read. */
  readonly environment: Pick<Environment, 'regions'>;
  /** As listed in the drill (`guardrails.stopOnAlarms`): their order names the field in errors. */
  readonly alarms: readonly StopAlarm[];
  readonly signal?: AbortSignal;
}

export interface AlarmGuardOptions extends StopAlarmTarget {
  /** Milliseconds between two DescribeAlarms calls to one region (`guardrails.alarmPollInterval`). */
  readonly intervalMs: number;
  /** Called once, the first time a listed alarm is seen in ALARM; the reason names it. */
  readonly onBreach: (reason: string) => void;
  /**
   * A region could not be read (once per run of failures) or an alarm vanished (once per alarm).
   * The guard keeps polling the rest. Default: ignore.
   */
  readonly onError?: (error: Error) => void;
}

/** One alarm as DescribeAlarms last reported it. */
export interface AlarmReading {
  readonly alarm: ResolvedStopAlarm;
  /** `OK`, `ALARM` or `INSUFFICIENT_DATA`. */
  readonly state: string;
  readonly reason: string;
  /** When the state last changed (StateTransitionedTimestamp, else StateUpdatedTimestamp). */
  readonly changedAt?: Date;
}

/** Options of the alarm guard that are out of range. */
export class AlarmGuardOptionsError extends Error {
  override readonly name = 'AlarmGuardOptionsError';
}

/**
 * Preflight: reads every stop alarm once and refuses the drill before anything is injected.
 *
 * @returns what each alarm reads now (all of them OK or INSUFFICIENT_DATA), for the run log.
 * @throws StopAlarmNotFoundError when a listed alarm does not exist in its region (bad input),
 *   AlarmInAlarmError when one is already in ALARM, or the SDK's error (wrapped, naming the
 *   region) when a region cannot be read at all.
 */
export async function checkAlarmsClear(target: StopAlarmTarget): Promise<readonly AlarmReading[]> {
  const regions = groupByRegion(target);
  const perRegion = await Promise.all(
    [...regions].map(async ([region, listed]) => {
      try {
        return { listed, found: await readRegion(target.clients.cloudWatch(region), listed, target.signal) };
      } catch (error) {
        throw new Error(`cannot read the stop alarms in ${region}: ${messageOf(error)}`, { cause: error });
      }
    }),
  );
  const readings: AlarmReading[] = [];
  const missing: string[] = [];
  for (const { listed, found } of perRegion) {
    for (const { alarm, index } of listed) {
      const reading = found.get(alarm.name);
      if (reading === undefined) missing.push(notFoundProblem(alarm, index));
      else readings.push({ ...reading, alarm });
    }
  }
  if (missing.length > 0) throw new StopAlarmNotFoundError(missing);
  const firing = readings.filter((r) => r.state === 'ALARM');
  if (firing.length > 0) throw new AlarmInAlarmError(firing.map(describeAlarmState));
  return readings;
}

/**
 * A stop condition on CloudWatch: polls DescribeAlarms, one call per region per `intervalMs`
 * (the listed alarms of a region in one call), and calls `onBreach` once, the first time any
 * listed alarm is in ALARM; then it stops polling. Polls run on a fixed grid, the first at once;
 * a region whose previous call is still in flight skips a tick, so a slow or throttled CloudWatch
 * never piles up requests (the SDK's own retries happen inside the one call).
 *
 * Reading fails open: a region that cannot be read, or an alarm that disappeared, is reported
 * through `onError` and does not stop the drill. Check with `checkAlarmsClear` before injecting,
 * so a typo is refused up front rather than found here.
 *
 * @returns `stop()`, idempotent; it cancels the call in flight and resolves once it settled (never rejects).
 * @throws AlarmGuardOptionsError for an empty alarm list or an interval that is not positive.
 */
export function startAlarmGuard(options: AlarmGuardOptions): { stop(): Promise<void> } {
  const { intervalMs, onBreach } = options;
  if (!Number.isFinite(intervalMs) || intervalMs <= 0) {
    throw new AlarmGuardOptionsError(`alarm guard intervalMs must be a positive number, got ${String(intervalMs)}`);
  }
  if (options.alarms.length === 0) throw new AlarmGuardOptionsError('alarm guard needs at least one alarm');
  const onError = options.onError ?? (() => {});
  const regions = groupByRegion(options);
  const reportedMissing = new Set<number>();
  const failingRegions = new Set<string>();
  let fired = false;

  const poll = async (region: string, cancel: AbortSignal): Promise<void> => {
    const listed = regions.get(region) ?? [];
    let found: Map<string, Omit<AlarmReading, 'alarm'>>;
    try {
      found = await readRegion(options.clients.cloudWatch(region), listed, cancel);
    } catch (error) {
      if (cancel.aborted) return;
      // Once per run of failures: a throttled or unreachable region is news once, not every second.
      if (!failingRegions.has(region)) {
        failingRegions.add(region);
        deliver(onError, new Error(`cannot read the stop alarms in ${region}: ${messageOf(error)}`, { cause: error }));
      }
      return;
    }
    if (cancel.aborted || fired) return;
    failingRegions.delete(region);
    for (const { alarm, index } of listed) {
      const reading = found.get(alarm.name);
      if (reading === undefined) {
        if (!reportedMissing.has(index)) {
          reportedMissing.add(index);
          deliver(onError, new StopAlarmNotFoundError([notFoundProblem(alarm, index)]));
        }
        continue;
      }
      if (reading.state === 'ALARM') {
        fired = true;
        deliver(onBreach, `stop condition: CloudWatch alarm ${describeAlarmState({ ...reading, alarm })}`);
        // Nothing more to learn; the drill is stopping. Not awaited: this very poll is in flight.
        void poller.stop();
        return;
      }
    }
  };

  const poller = startGridPoller({
    keys: [...regions.keys()],
    intervalMs,
    poll,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  return { stop: () => poller.stop() };
}

/**
 * What the iam-policy command must grant for `guardrails.stopOnAlarms`: DescribeAlarms on each
 * alarm's ARN (the action supports resource-level permissions, so `*` is not needed).
 */
export function stopAlarmPermissions(alarms: readonly StopAlarm[], environment: Pick<Environment, 'regions' | 'accountId'>): IamPermission[] {
  const arns = new Set(
    alarms.map((stopAlarm) => {
      const { name, region } = resolveStopAlarm(stopAlarm, environment);
      return `arn:aws:cloudwatch:${region}:${environment.accountId}:alarm:${name}`;
    }),
  );
  return [...arns].map((resource) => ({ action: 'cloudwatch:DescribeAlarms', resource }));
}

interface ListedAlarm {
  readonly alarm: ResolvedStopAlarm;
  /** Position in `guardrails.stopOnAlarms`. */
  readonly index: number;
}

/** The listed alarms by AWS region, in first-listed order. */
function groupByRegion(target: Pick<StopAlarmTarget, 'alarms' | 'environment'>): Map<string, ListedAlarm[]> {
  const regions = new Map<string, ListedAlarm[]>();
  target.alarms.forEach((stopAlarm, index) => {
    const alarm = resolveStopAlarm(stopAlarm, target.environment);
    const listed = regions.get(alarm.region) ?? [];
    listed.push({ alarm, index });
    regions.set(alarm.region, listed);
  });
  return regions;
}

/** Every listed alarm of one region that exists, by name: one call per 100 names, pages followed. */
async function readRegion(
  cloudWatch: CloudWatchClient,
  listed: readonly ListedAlarm[],
  signal: AbortSignal | undefined,
): Promise<Map<string, Omit<AlarmReading, 'alarm'>>> {
  const names = [...new Set(listed.map((l) => l.alarm.name))];
  const found = new Map<string, Omit<AlarmReading, 'alarm'>>();
  for (let start = 0; start < names.length; start += NAMES_PER_CALL) {
    let nextToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const output = await cloudWatch.send(
        new DescribeAlarmsCommand({
          AlarmNames: names.slice(start, start + NAMES_PER_CALL),
          // Without AlarmTypes only metric alarms come back, and a composite alarm is the usual stop condition.
          AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
          MaxRecords: NAMES_PER_CALL,
          ...(nextToken === undefined ? {} : { NextToken: nextToken }),
        }),
        signal === undefined ? {} : { abortSignal: signal },
      );
      for (const alarm of [...(output.MetricAlarms ?? []), ...(output.CompositeAlarms ?? [])]) {
        if (alarm.AlarmName === undefined) continue;
        const changedAt = alarm.StateTransitionedTimestamp ?? alarm.StateUpdatedTimestamp;
        found.set(alarm.AlarmName, {
          state: alarm.StateValue ?? 'INSUFFICIENT_DATA',
          reason: alarm.StateReason ?? '',
          ...(changedAt === undefined ? {} : { changedAt }),
        });
      }
      nextToken = output.NextToken;
      if (nextToken === undefined || nextToken === '') break;
    }
  }
  return found;
}

/** `"api-5xx" in us-east-1 (primary) is in ALARM since 2025-01-01T10:00:00.000Z: Threshold Crossed: ...` */
function describeAlarmState(reading: AlarmReading): string {
  const since = reading.changedAt === undefined ? '' : ` since ${reading.changedAt.toISOString()}`;
  return `${describeStopAlarm(reading.alarm)} is in ${reading.state}${since}: ${reading.reason === '' ? '(no reason given)' : reading.reason}`;
}

function notFoundProblem(alarm: ResolvedStopAlarm, index: number): string {
  return `guardrails.stopOnAlarms[${index}].name: no CloudWatch metric or composite alarm ${describeStopAlarm(alarm)} (check the name and the region)`;
}

function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.name !== 'Error' && !error.message.startsWith(error.name) ? `${error.name}: ${error.message}` : error.message;
}
