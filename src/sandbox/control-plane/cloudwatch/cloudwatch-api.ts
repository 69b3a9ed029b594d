import { ALARM_METRIC } from './alarm-store.ts';
import type { Alarm } from './alarm-store.ts';
import { InputReader, createJsonRpcService, epochSeconds } from '../json-rpc.ts';
import type { SandboxState } from '../../sandbox-state.ts';
import type { AwsServiceHandler } from '../service-handler.ts';

/**
 * The CloudWatch slice (awsJson 1.0, awsQuery-compatible, as the current SDK speaks it):
 * DescribeAlarms and SetAlarmState, enough for FIS and drill stop conditions.
 */
export function createCloudWatchApi(state: SandboxState): AwsServiceHandler {
  return createJsonRpcService({
    signingName: 'monitoring',
    targetPrefix: 'GraniteServiceVersion20100801',
    version: '1.0',
    serviceName: 'CloudWatch',
    queryCompatible: true,
    operations: {
      DescribeAlarms: {
        mutating: false,
        run: (input, request) => {
          const reader = new InputReader(input, 'InvalidParameterValue');
          const names = reader.optionalStringList('AlarmNames');
          const prefix = reader.optionalString('AlarmNamePrefix');
          const stateValue = reader.optionalString('StateValue');
          if (names !== undefined && prefix !== undefined) throw reader.invalid('AlarmNames and AlarmNamePrefix cannot be used together');
          const alarms = state.alarms
            .list(request.scope.region)
            .filter((a) => names === undefined || names.includes(a.name))
            .filter((a) => prefix === undefined || a.name.startsWith(prefix))
            .filter((a) => stateValue === undefined || a.state === stateValue);
          return { MetricAlarms: alarms.map(alarmJson), CompositeAlarms: [] };
        },
      },
      SetAlarmState: {
        mutating: true,
        run: (input, request) => {
          const reader = new InputReader(input, 'InvalidParameterValue');
          const reasonData = reader.optionalString('StateReasonData');
          state.setAlarmState(request.scope.region, reader.string('AlarmName'), reader.string('StateValue'), reader.string('StateReason'), reasonData);
          return {};
        },
      },
    },
  });
}

function alarmJson(alarm: Alarm): object {
  return {
    AlarmName: alarm.name,
    AlarmArn: alarm.arn,
    AlarmDescription: alarm.description,
    ActionsEnabled: false,
    OKActions: [],
    AlarmActions: [],
    InsufficientDataActions: [],
    StateValue: alarm.state,
    StateReason: alarm.reason,
    ...(alarm.reasonData === undefined ? {} : { StateReasonData: alarm.reasonData }),
    StateUpdatedTimestamp: epochSeconds(alarm.updatedAt),
    MetricName: ALARM_METRIC.metricName,
    Namespace: ALARM_METRIC.namespace,
    Statistic: ALARM_METRIC.statistic,
    Dimensions: [],
    Period: ALARM_METRIC.period,
    EvaluationPeriods: ALARM_METRIC.evaluationPeriods,
    Threshold: ALARM_METRIC.threshold,
    ComparisonOperator: ALARM_METRIC.comparisonOperator,
  };
}
