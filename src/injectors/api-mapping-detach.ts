import { CreateApiMappingCommand, DeleteApiMappingCommand, GetApiMappingsCommand, type ApiMapping } from '@aws-sdk/client-apigatewayv2';
import { z } from 'zod';
import { faultFields } from './fault-fields.ts';
import { apiGatewayArn } from './arns.ts';
import { awsCall, isAwsError, requestIdsOf } from './aws-call.ts';
import { TargetNotFoundError, TargetRefusedError, type InjectorDefinition, type InjectorDeps, type PlannedChange } from './injector.ts';
import { applyInOrder, undoInReverse } from './multi-target.ts';
import { requiredResource, resolveServiceTargets, serviceTargetSchema } from './service-targets.ts';
import { waitUntil } from '../util/wait-until.ts';

/**
 * Detaches the API mappings of a service's API Gateway custom domain in one region: the custom
 * domain then answers 403 `{"message":"Forbidden"}` while the execute-api endpoint keeps
 * working. Whether that fails over depends on which host the health check asks — the lesson
 * of the `api-mapping-blind-spot` drill. Rollback re-creates each mapping with the same API,
 * stage and key; AWS gives it a new id, which the rollback reports.
 *
 * @example { injector: 'api-mapping-detach', target: { region: 'primary', service: 'service2' } }
 */
export const apiMappingDetachSpecSchema = z.strictObject({
  injector: z.literal('api-mapping-detach'),
  ...faultFields,
  target: serviceTargetSchema,
  /** Detach only the mapping with this key (`''` is the root mapping); default: every mapping of the domain. */
  apiMappingKey: z.string().optional(),
});
export type ApiMappingDetachSpec = z.output<typeof apiMappingDetachSpecSchema>;

/** One detached mapping, as it was. */
export type DetachedMapping = {
  readonly region: string;
  readonly domainName: string;
  readonly apiMappingId: string;
  readonly apiId: string;
  readonly stage: string;
  readonly apiMappingKey: string;
};

export type ApiMappingDetachHandle = { readonly mappings: readonly DetachedMapping[] };

const VERIFY_POLL_MS = 200;

export const apiMappingDetach: InjectorDefinition<ApiMappingDetachSpec, ApiMappingDetachHandle> = {
  kind: 'api-mapping-detach',
  specSchema: apiMappingDetachSpecSchema,

  async plan(spec, deps) {
    const changes: PlannedChange[] = [];
    for (const mapping of await currentMappings(spec, deps)) {
      changes.push({ target: label(mapping), field: 'api mapping', from: `${mapping.apiId}/${mapping.stage} at "/${mapping.apiMappingKey}"`, to: 'detached' });
    }
    return changes;
  },

  async inject(spec, deps, journal) {
    const mappings = await currentMappings(spec, deps);
    const handle: ApiMappingDetachHandle = { mappings };
    await journal(handle);
    const requestIds = await applyInOrder(mappings, { label, apply: (m) => deleteMapping(deps, m), undo: (m) => restoreMapping(deps, m) });
    return { handle, requestIds };
  },

  async verify(handle, deps, signal) {
    for (const mapping of handle.mappings) {
      await waitUntil(async () => (await listMappings(deps, mapping.region, mapping.domainName)).every((m) => m.ApiMappingId !== mapping.apiMappingId), {
        interval: VERIFY_POLL_MS,
        signal,
      });
    }
  },

  rollback(handle, deps) {
    return undoInReverse(handle.mappings, { label, undo: (m) => restoreMapping(deps, m) });
  },

  describe(handle) {
    const domains = [...new Set(handle.mappings.map((m) => `${m.region} ${m.domainName}`))];
    return `apigateway api-mappings of ${domains.join(', ')}`;
  },

  manualUndo(handle, aws) {
    return handle.mappings
      .map(
        (m) =>
          `${aws()} apigatewayv2 create-api-mapping --region ${m.region} --domain-name ${m.domainName} --api-id ${m.apiId} --stage ${m.stage}` +
          (m.apiMappingKey === '' ? '' : ` --api-mapping-key ${m.apiMappingKey}`),
      )
      .reverse();
  },

  revertCalls(handle) {
    // Re-creating a mapping that is already back fails with ConflictException (its key is taken)
    // and changes nothing: harmless, though that switch execution then reports Failed.
    return handle.mappings
      .map((m) => ({ service: 'apigatewayv2', api: 'CreateApiMapping', region: m.region, request: createMappingRequest(m) }))
      .reverse();
  },

  permissions(spec, deps) {
    return domainsOf(spec, deps).flatMap(({ region, domainName }) => [
      { action: 'apigateway:GET', resource: apiGatewayArn(region, `/domainnames/${domainName}/apimappings`) },
      { action: 'apigateway:DELETE', resource: apiGatewayArn(region, `/domainnames/${domainName}/apimappings/*`) },
      { action: 'apigateway:POST', resource: apiGatewayArn(region, `/domainnames/${domainName}/apimappings`) },
    ]);
  },
};

function label(mapping: DetachedMapping): string {
  return `apigateway ${mapping.region} ${mapping.domainName} mapping ${mapping.apiMappingId}`;
}

function domainsOf(spec: ApiMappingDetachSpec, deps: Pick<InjectorDeps, 'environment' | 'defaultService'>): { region: string; domainName: string }[] {
  return resolveServiceTargets(spec.target, deps).map((target) => ({ region: target.region, domainName: requiredResource(target, 'customDomains', deps) }));
}

/** The mappings the fault will detach; refuses a domain that has none left (already detached). */
async function currentMappings(spec: ApiMappingDetachSpec, deps: InjectorDeps): Promise<DetachedMapping[]> {
  const detached: DetachedMapping[] = [];
  for (const { region, domainName } of domainsOf(spec, deps)) {
    const found = (await listMappings(deps, region, domainName)).filter((m) => spec.apiMappingKey === undefined || (m.ApiMappingKey ?? '') === spec.apiMappingKey);
    if (found.length === 0) {
      throw new TargetRefusedError(
        `custom domain ${domainName} in ${region} has no API mapping${spec.apiMappingKey === undefined ? '' : ` with key "${spec.apiMappingKey}"`} ` +
          'to detach: it is already detached (another drill or a person may be mid-change). Re-create the mapping and run the drill again.',
      );
    }
    for (const m of found) {
      detached.push({ region, domainName, apiMappingId: m.ApiMappingId ?? '', apiId: m.ApiId ?? '', stage: m.Stage ?? '', apiMappingKey: m.ApiMappingKey ?? '' });
    }
  }
  return detached;
}

async function listMappings(deps: InjectorDeps, region: string, domainName: string): Promise<ApiMapping[]> {
  const found: ApiMapping[] = [];
  let nextToken: string | undefined;
  try {
    for (let page = 0; page < 20; page++) {
      const output = await awsCall(deps, { action: 'apigateway:GET', resource: apiGatewayArn(region, `/domainnames/${domainName}/apimappings`) }, () =>
        deps.clients.apiGatewayV2(region).send(new GetApiMappingsCommand({ DomainName: domainName, ...(nextToken === undefined ? {} : { NextToken: nextToken }) })),
      );
      found.push(...(output.Items ?? []));
      nextToken = output.NextToken;
      if (nextToken === undefined) break;
    }
  } catch (error) {
    if (isAwsError(error, 'NotFoundException')) {
      throw new TargetNotFoundError(`API Gateway custom domain "${domainName}" not found in ${region} (environment "${deps.environment.name}")`, { cause: error, id: domainName, region });
    }
    throw error;
  }
  return found;
}

async function deleteMapping(deps: InjectorDeps, mapping: DetachedMapping): Promise<string[]> {
  const output = await awsCall(
    deps,
    { action: 'apigateway:DELETE', resource: apiGatewayArn(mapping.region, `/domainnames/${mapping.domainName}/apimappings/${mapping.apiMappingId}`) },
    () => deps.clients.apiGatewayV2(mapping.region).send(new DeleteApiMappingCommand({ DomainName: mapping.domainName, ApiMappingId: mapping.apiMappingId })),
  );
  return requestIdsOf(output);
}

/**
 * The same API, stage and key; the root mapping (`''`) is sent without a key, as AWS expects.
 * A type literal rather than the SDK's interface, so it is also a plain `AwsApiCall` request.
 */
function createMappingRequest(mapping: DetachedMapping): { DomainName: string; ApiId: string; Stage: string; ApiMappingKey?: string } {
  return {
    DomainName: mapping.domainName,
    ApiId: mapping.apiId,
    Stage: mapping.stage,
    ...(mapping.apiMappingKey === '' ? {} : { ApiMappingKey: mapping.apiMappingKey }),
  };
}

/** Re-creates the mapping unless an identical one (API, stage, key) is already there: idempotent. */
async function restoreMapping(deps: InjectorDeps, mapping: DetachedMapping): Promise<{ requestIds: string[]; detail?: string }> {
  const existing = (await listMappings(deps, mapping.region, mapping.domainName)).find(
    (m) => m.ApiId === mapping.apiId && m.Stage === mapping.stage && (m.ApiMappingKey ?? '') === mapping.apiMappingKey,
  );
  if (existing !== undefined) return { requestIds: [] };
  const output = await awsCall(deps, { action: 'apigateway:POST', resource: apiGatewayArn(mapping.region, `/domainnames/${mapping.domainName}/apimappings`) }, () =>
    deps.clients.apiGatewayV2(mapping.region).send(new CreateApiMappingCommand(createMappingRequest(mapping))),
  );
  return { requestIds: requestIdsOf(output), detail: `api mapping ${mapping.apiMappingId} re-created as ${output.ApiMappingId ?? 'an unknown id'}` };
}
