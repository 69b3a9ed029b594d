import { AwsServiceError } from '../aws-errors.ts';
import { alarmArn } from '../../topology/sandbox-resources.ts';
import type { SandboxAlarm } from '../../topology/topology.ts';

export type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/** One CloudWatch metric alarm the sandbox holds (its state is only ever set, never computed). */
export interface Alarm {
  readonly region: string;
  readonly name: string;
  readonly arn: string;
  readonly description: string;
  state: AlarmStateValue;
  reason: string;
  reasonData?: string;
  updatedAt: number;
}

const STATES: readonly AlarmStateValue[] = ['OK', 'ALARM', 'INSUFFICIENT_DATA'];

/** The metric every sandbox alarm watches (its state is set, never computed, so this is description only). */
export const ALARM_METRIC = {
  metricName: '5XXError',
  namespace: 'AWS/ApiGateway',
  statistic: 'Sum',
  period: 60,
  evaluationPeriods: 1,
  threshold: 1,
  comparisonOperator: 'GreaterThanOrEqualToThreshold',
} as const;

/** CloudWatch alarms, per region; SetAlarmState is how a drill or a test trips a stop condition. */
export class AlarmStore {
  readonly #alarms = new Map<string, Alarm>();

  constructor(accountId: string, alarms: readonly SandboxAlarm[]) {
    const now = Date.now();
    for (const a of alarms) {
      this.#alarms.set(`${a.region}\u0000${a.name}`, {
        region: a.region,
        name: a.name,
        arn: alarmArn(a.region, accountId, a.name),
        description: a.description ?? '',
        state: 'OK',
        reason: 'Sandbox start: alarm created in state OK',
        updatedAt: now,
      });
    }
  }

  list(region: string): readonly Alarm[] {
    return [...this.#alarms.values()].filter((a) => a.region === region);
  }

  find(region: string, name: string): Alarm | undefined {
    return this.#alarms.get(`${region}\u0000${name}`);
  }

  byArn(arn: string): Alarm | undefined {
    return [...this.#alarms.values()].find((a) => a.arn === arn);
  }

  /**
   * @returns the alarm and whether its state changed.
   * @throws AwsServiceError ResourceNotFound (404), InvalidFormat for a state that is not one of CloudWatch's
   */
  set(region: string, name: string, state: string, reason: string, reasonData?: string): { readonly alarm: Alarm; readonly changed: boolean } {
    if (!STATES.includes(state as AlarmStateValue)) {
      throw new AwsServiceError('InvalidFormat', 400, `StateValue: "${state}" is not one of ${STATES.join(', ')}`);
    }
    const alarm = this.#alarms.get(`${region}\u0000${name}`);
    if (alarm === undefined) throw new AwsServiceError('ResourceNotFound', 404, `Alarm ${name} not found`);
    const changed = alarm.state !== state;
    alarm.state = state as AlarmStateValue;
    alarm.reason = reason;
    if (reasonData === undefined) delete alarm.reasonData;
    else alarm.reasonData = reasonData;
    alarm.updatedAt = Date.now();
    return { alarm, changed };
  }
}
