import { AwsServiceError } from '../aws-errors.ts';
import type { AutomationExecution } from './automation-runner.ts';
import { InputReader, createJsonRpcService, epochSeconds } from '../json-rpc.ts';
import { parameterNotFound } from './parameter-store.ts';
import type { Parameter } from './parameter-store.ts';
import type { SandboxState } from '../../sandbox-state.ts';
import type { AwsServiceHandler } from '../service-handler.ts';

const TYPES = new Set(['String', 'StringList', 'SecureString']);

/**
 * The SSM slice of the control plane (awsJson 1.1): Parameter Store with Overwrite semantics,
 * and Automation for the sandbox's timed revert runbook.
 */
export function createSsmApi(state: SandboxState): AwsServiceHandler {
  const accountId = state.topology.accountId;
  const parameterXml = (p: Parameter): object => ({
    Name: p.name,
    Type: p.type,
    Value: p.value,
    Version: p.version,
    LastModifiedDate: epochSeconds(p.lastModified),
    ARN: `arn:aws:ssm:${p.region}:${accountId}:parameter${p.name.startsWith('/') ? '' : '/'}${p.name}`,
    DataType: p.dataType,
  });
  return createJsonRpcService({
    signingName: 'ssm',
    targetPrefix: 'AmazonSSM',
    version: '1.1',
    serviceName: 'SSM',
    operations: {
      GetParameter: {
        mutating: false,
        run: (input, request) => {
          const reader = new InputReader(input);
          const selector = reader.string('Name');
          const [name = '', version] = selector.replace(/^arn:aws[a-z-]*:ssm:[^:]*:\d{12}:parameter/, '').split(':');
          const parameter = state.parameters.get(request.scope.region, name);
          if (parameter === undefined) throw parameterNotFound(selector);
          if (version !== undefined && Number(version) !== parameter.version) {
            throw new AwsServiceError('ParameterVersionNotFound', 400, `Systems Manager could not find version ${version} of ${name}. Verify the version and try again.`);
          }
          return { Parameter: parameterXml(parameter) };
        },
      },
      PutParameter: {
        mutating: true,
        run: (input, request) => {
          const reader = new InputReader(input);
          const name = reader.string('Name');
          const value = reader.optionalString('Value');
          if (value === undefined) throw reader.invalid("1 validation error detected: Value null at 'value' failed to satisfy constraint: Member must not be null");
          const type = reader.optionalString('Type');
          if (type !== undefined && !TYPES.has(type)) {
            throw reader.invalid(`1 validation error detected: Value '${type}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [SecureString, StringList, String]`);
          }
          const description = reader.optionalString('Description');
          const dataType = reader.optionalString('DataType');
          const parameter = state.parameters.put(request.scope.region, {
            name,
            value,
            overwrite: reader.optionalBoolean('Overwrite') ?? false,
            ...(type === undefined ? {} : { type: type as Parameter['type'] }),
            ...(description === undefined ? {} : { description }),
            ...(dataType === undefined ? {} : { dataType }),
          });
          state.parameterChanged(request.scope.region, name, parameter.version);
          return { Version: parameter.version, Tier: 'Standard' };
        },
      },
      DeleteParameter: {
        mutating: true,
        run: (input, request) => {
          const name = new InputReader(input).string('Name');
          state.parameters.delete(request.scope.region, name);
          state.parameterChanged(request.scope.region, name, null);
          return {};
        },
      },
      StartAutomationExecution: {
        mutating: true,
        run: (input, request) => {
          const reader = new InputReader(input);
          const execution = state.automation.start(
            request.scope.region,
            reader.string('DocumentName'),
            reader.optionalStringListMap('Parameters') ?? {},
            reader.optionalString('ClientToken'),
          );
          return { AutomationExecutionId: execution.id };
        },
      },
      GetAutomationExecution: {
        mutating: false,
        run: (input, request) => {
          const execution = state.automation.get(request.scope.region, new InputReader(input).string('AutomationExecutionId'));
          return { AutomationExecution: executionJson(execution) };
        },
      },
      StopAutomationExecution: {
        mutating: true,
        run: (input, request) => {
          const reader = new InputReader(input);
          const type = reader.optionalString('Type') ?? 'Cancel';
          if (type !== 'Cancel' && type !== 'Complete') throw reader.invalid(`Type: "${type}" is not Cancel or Complete`);
          state.automation.stop(request.scope.region, reader.string('AutomationExecutionId'));
          return {};
        },
      },
    },
  });
}

function executionJson(execution: AutomationExecution): object {
  return {
    AutomationExecutionId: execution.id,
    DocumentName: execution.documentName,
    DocumentVersion: '1',
    AutomationExecutionStatus: execution.status,
    ExecutionStartTime: epochSeconds(execution.startTime),
    ...(execution.endTime === undefined ? {} : { ExecutionEndTime: epochSeconds(execution.endTime) }),
    Parameters: execution.parameters,
    Outputs: {},
    Mode: 'Auto',
    ...(execution.failureMessage === undefined ? {} : { FailureMessage: execution.failureMessage }),
    StepExecutions: execution.steps.map((step) => ({
      StepName: step.name,
      Action: step.action,
      StepStatus: step.status,
      ...(step.startTime === undefined ? {} : { ExecutionStartTime: epochSeconds(step.startTime) }),
      ...(step.endTime === undefined ? {} : { ExecutionEndTime: epochSeconds(step.endTime) }),
      ...(step.failureMessage === undefined ? {} : { FailureMessage: step.failureMessage }),
      ...(step.outputs === undefined ? {} : { Outputs: step.outputs }),
    })),
  };
}
