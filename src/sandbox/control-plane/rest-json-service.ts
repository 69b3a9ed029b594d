import { AwsServiceError } from './aws-errors.ts';
import { parseJsonBody } from './json-rpc.ts';
import type { JsonObject } from './json-rpc.ts';
import { matchRoute } from './service-handler.ts';
import type { AwsRequest, AwsResponse, AwsServiceHandler, OperationRoute } from './service-handler.ts';

/** What a REST-JSON operation needs: the request and its parsed JSON body. */
export interface RestJsonContext {
  readonly request: AwsRequest;
  readonly input: () => JsonObject;
}

export interface RestJsonServiceOptions {
  readonly signingName: string;
  readonly serviceName: string;
  readonly routes: readonly OperationRoute<RestJsonContext>[];
  /** Error code for a request no route matches. */
  readonly unknownOperationCode: string;
  /** HTTP status for a request no route matches; default 404. */
  readonly unknownOperationStatus?: number;
  /** The error body; default `{"message": …}` plus the error's fields. */
  readonly renderError?: (error: AwsServiceError) => string;
}

/**
 * A REST-JSON service (API Gateway v2, FIS, Lambda): method + path pick the operation; errors carry the
 * code in `x-amzn-ErrorType` and `{"message": …}` (plus service fields) in the body.
 */
export function createRestJsonService(options: RestJsonServiceOptions): AwsServiceHandler {
  return {
    signingName: options.signingName,
    handle(request: AwsRequest): AwsResponse {
      const match = matchRoute(options.routes, request.method, request.path);
      const operation = match?.route.operation ?? 'Unknown';
      const mutating = match?.route.mutating ?? false;
      try {
        if (match === undefined) {
          throw new AwsServiceError(
            options.unknownOperationCode,
            options.unknownOperationStatus ?? 404,
            `The drdrill sandbox does not support the ${options.serviceName} operation ${request.method} ${request.path}`,
          );
        }
        const result = match.route.run({ request, input: () => parseJsonBody(request.body) }, match.params);
        return { ...result, headers: { 'content-type': 'application/json' }, operation, mutating };
      } catch (error) {
        if (!(error instanceof AwsServiceError)) throw error;
        return {
          status: error.status,
          headers: { 'content-type': 'application/json', 'x-amzn-ErrorType': error.code },
          body: options.renderError?.(error) ?? JSON.stringify({ message: error.message, ...error.fields }),
          operation,
          mutating,
          errorCode: error.code,
        };
      }
    },
  };
}
