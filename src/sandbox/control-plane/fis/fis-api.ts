import { AwsServiceError } from '../aws-errors.ts';
import type { Experiment, FisTemplate } from './fis-engine.ts';
import { epochSeconds } from '../json-rpc.ts';
import { createRestJsonService } from '../rest-json-service.ts';
import type { RestJsonContext } from '../rest-json-service.ts';
import type { SandboxState } from '../../sandbox-state.ts';
import type { AwsOperationResult, AwsServiceHandler, OperationRoute } from '../service-handler.ts';

/**
 * The FIS slice (REST-JSON): experiment templates and experiments whose Lambda actions change
 * what the sandbox functions answer until the action's duration (scaled) ends or they are stopped.
 */
export function createFisApi(state: SandboxState): AwsServiceHandler {
  const region = (context: RestJsonContext): string => context.request.scope.region;
  const routes: readonly OperationRoute<RestJsonContext>[] = [
    {
      method: 'GET',
      pattern: /^\/experimentTemplates\/?$/,
      operation: 'ListExperimentTemplates',
      mutating: false,
      run: (context) =>
        ok({
          experimentTemplates: state.fis.templates(region(context)).map((t) => ({
            id: t.id,
            arn: templateArn(state, t),
            description: t.description,
            creationTime: epochSeconds(t.createdAt),
            lastUpdateTime: epochSeconds(t.createdAt),
            tags: t.tags,
          })),
        }),
    },
    {
      method: 'GET',
      pattern: /^\/experimentTemplates\/([^/]+)$/,
      operation: 'GetExperimentTemplate',
      mutating: false,
      run: (context, [id = '']) => ok({ experimentTemplate: templateJson(state, state.fis.template(region(context), id)) }),
    },
    {
      method: 'POST',
      pattern: /^\/experiments\/?$/,
      operation: 'StartExperiment',
      mutating: true,
      run: (context) => {
        const input = context.input();
        const templateId = input.experimentTemplateId;
        if (typeof templateId !== 'string' || templateId === '') {
          throw new AwsServiceError('ValidationException', 400, 'experimentTemplateId: required');
        }
        const tags = typeof input.tags === 'object' && input.tags !== null ? (input.tags as Record<string, string>) : {};
        return ok({ experiment: experimentJson(state, state.fis.start(region(context), templateId, tags)) });
      },
    },
    {
      method: 'GET',
      pattern: /^\/experiments\/([^/]+)$/,
      operation: 'GetExperiment',
      mutating: false,
      run: (context, [id = '']) => ok({ experiment: experimentJson(state, state.fis.experiment(region(context), id)) }),
    },
    {
      method: 'DELETE',
      pattern: /^\/experiments\/([^/]+)$/,
      operation: 'StopExperiment',
      mutating: true,
      run: (context, [id = '']) => ok({ experiment: experimentJson(state, state.fis.stop(region(context), id)) }),
    },
  ];
  return createRestJsonService({ signingName: 'fis', serviceName: 'FIS', routes, unknownOperationCode: 'ValidationException' });
}

function ok(body: object): AwsOperationResult {
  return { status: 200, body: JSON.stringify(body) };
}

function templateArn(state: SandboxState, t: FisTemplate): string {
  return `arn:aws:fis:${t.region}:${state.topology.accountId}:experiment-template/${t.id}`;
}

function templateJson(state: SandboxState, t: FisTemplate): object {
  return {
    id: t.id,
    arn: templateArn(state, t),
    description: t.description,
    targets: t.targets,
    actions: t.actions,
    stopConditions: t.stopConditions,
    creationTime: epochSeconds(t.createdAt),
    lastUpdateTime: epochSeconds(t.createdAt),
    roleArn: t.roleArn,
    tags: t.tags,
  };
}

function experimentJson(state: SandboxState, e: Experiment): object {
  return {
    id: e.id,
    arn: `arn:aws:fis:${e.region}:${state.topology.accountId}:experiment/${e.id}`,
    experimentTemplateId: e.template.id,
    roleArn: e.template.roleArn,
    state: { status: e.status, reason: e.reason },
    targets: e.template.targets,
    actions: Object.fromEntries(
      e.actions.map((a) => [
        a.name,
        {
          actionId: a.action.actionId,
          description: a.action.description,
          parameters: a.action.parameters,
          targets: a.action.targets,
          state: { status: a.status, reason: a.reason },
          ...(a.startTime === undefined ? {} : { startTime: epochSeconds(a.startTime) }),
          ...(a.endTime === undefined ? {} : { endTime: epochSeconds(a.endTime) }),
        },
      ]),
    ),
    stopConditions: e.template.stopConditions,
    creationTime: epochSeconds(e.createdAt),
    ...(e.startTime === undefined ? {} : { startTime: epochSeconds(e.startTime) }),
    ...(e.endTime === undefined ? {} : { endTime: epochSeconds(e.endTime) }),
    tags: e.tags,
  };
}
