import type { ApiMapping, DomainName } from './api-gateway-store.ts';
import { AwsServiceError } from '../aws-errors.ts';
import { createRestJsonService } from '../rest-json-service.ts';
import type { RestJsonContext } from '../rest-json-service.ts';
import type { SandboxState } from '../../sandbox-state.ts';
import type { AwsOperationResult, AwsServiceHandler, OperationRoute } from '../service-handler.ts';

const DOMAIN = '([^/]+)';

/**
 * The API Gateway v2 slice (REST-JSON, lowerCamel members): custom domain names and their API
 * mappings, per region. Deleting the mapping makes the custom domain answer 403 in that region
 * while the API's execute-api endpoint keeps answering.
 */
export function createApiGatewayV2Api(state: SandboxState): AwsServiceHandler {
  const region = (context: RestJsonContext): string => context.request.scope.region;
  const routes: readonly OperationRoute<RestJsonContext>[] = [
    {
      method: 'GET',
      pattern: new RegExp(`^/v2/domainnames/${DOMAIN}/?$`),
      operation: 'GetDomainName',
      mutating: false,
      run: (context, [name = '']) => ok(200, domainJson(state, state.apiGateway.domain(region(context), name))),
    },
    {
      method: 'GET',
      pattern: /^\/v2\/apis\/([^/]+)\/integrations\/?$/,
      operation: 'GetIntegrations',
      mutating: false,
      run: (context, [apiId = '']) => ok(200, { items: state.apiGateway.requireApi(region(context), apiId).integrations.map((i) => ({ ...i, payloadFormatVersion: '2.0', timeoutInMillis: 30000 })) }),
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/v2/domainnames/${DOMAIN}/apimappings/?$`),
      operation: 'GetApiMappings',
      mutating: false,
      run: (context, [name = '']) => ok(200, { items: [...state.apiGateway.domain(region(context), name).mappings.values()].map(mappingJson) }),
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/v2/domainnames/${DOMAIN}/apimappings/([^/]+)$`),
      operation: 'GetApiMapping',
      mutating: false,
      run: (context, [name = '', id = '']) => {
        const mapping = state.apiGateway.domain(region(context), name).mappings.get(id);
        if (mapping === undefined) throw new AwsServiceError('NotFoundException', 404, 'Invalid mapping identifier specified', 'Sender', { resourceType: 'ApiMapping' });
        return ok(200, mappingJson(mapping));
      },
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/v2/domainnames/${DOMAIN}/apimappings/?$`),
      operation: 'CreateApiMapping',
      mutating: true,
      run: (context, [name = '']) => {
        const input = context.input();
        const text = (field: string, required: boolean): string | undefined => {
          const value = input[field];
          if (value === undefined || value === null) {
            if (required) throw new AwsServiceError('BadRequestException', 400, `Invalid request input: ${field} is required`);
            return undefined;
          }
          if (typeof value !== 'string') throw new AwsServiceError('BadRequestException', 400, `Invalid request input: ${field} must be a string`);
          return value;
        };
        const apiId = text('apiId', true) ?? '';
        const stage = text('stage', true) ?? '';
        const apiMappingKey = text('apiMappingKey', false) ?? '';
        const mapping = state.apiGateway.createMapping(region(context), name, { apiId, stage, apiMappingKey });
        state.changed({ at: Date.now(), type: 'api-mapping', region: region(context), domainName: name.toLowerCase(), apiMappingId: mapping.apiMappingId, apiId, change: 'created' });
        return ok(201, mappingJson(mapping));
      },
    },
    {
      method: 'DELETE',
      pattern: new RegExp(`^/v2/domainnames/${DOMAIN}/apimappings/([^/]+)$`),
      operation: 'DeleteApiMapping',
      mutating: true,
      run: (context, [name = '', id = '']) => {
        const mapping = state.apiGateway.deleteMapping(region(context), name, id);
        state.changed({ at: Date.now(), type: 'api-mapping', region: region(context), domainName: name.toLowerCase(), apiMappingId: id, apiId: mapping.apiId, change: 'deleted' });
        return { status: 204, body: '' };
      },
    },
  ];
  return createRestJsonService({ signingName: 'apigateway', serviceName: 'API Gateway v2', routes, unknownOperationCode: 'NotFoundException' });
}

function ok(status: number, body: object): AwsOperationResult {
  return { status, body: JSON.stringify(body) };
}

function mappingJson(mapping: ApiMapping): object {
  return { apiId: mapping.apiId, apiMappingId: mapping.apiMappingId, apiMappingKey: mapping.apiMappingKey, stage: mapping.stage };
}

function domainJson(state: SandboxState, domain: DomainName): object {
  return {
    domainName: domain.domainName,
    apiMappingSelectionExpression: '$request.basepath',
    domainNameConfigurations: [
      {
        apiGatewayDomainName: domain.regionalDomainName,
        certificateArn: `arn:aws:acm:${domain.region}:${state.topology.accountId}:certificate/drdrill-sandbox`,
        domainNameStatus: 'AVAILABLE',
        endpointType: 'REGIONAL',
        hostedZoneId: domain.regionalHostedZoneId,
        securityPolicy: 'TLS_1_2',
      },
    ],
    tags: {},
  };
}
