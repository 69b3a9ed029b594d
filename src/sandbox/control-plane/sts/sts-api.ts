import { AwsServiceError } from '../aws-errors.ts';
import { QueryParams } from '../query-protocol.ts';
import { buildXmlDocument, renderXmlError } from '../rest-xml.ts';
import type { SandboxState } from '../../sandbox-state.ts';
import type { AwsRequest, AwsResponse, AwsServiceHandler } from '../service-handler.ts';

const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** STS (query protocol): GetCallerIdentity, so preflight can confirm which account it is in. */
export function createStsApi(state: SandboxState): AwsServiceHandler {
  return {
    signingName: 'sts',
    handle(request: AwsRequest): AwsResponse {
      const params = new QueryParams(request.body, request.query);
      const action = params.get('Action') ?? '';
      const headers = { 'content-type': 'text/xml' };
      if (action !== 'GetCallerIdentity') {
        const error = new AwsServiceError('InvalidAction', 400, `Could not find operation ${action} (the drdrill sandbox supports GetCallerIdentity)`);
        return { status: 400, headers, body: renderXmlError(error, request.requestId), operation: 'Unknown', mutating: false, errorCode: error.code };
      }
      const accountId = state.topology.accountId;
      const body = buildXmlDocument(
        'GetCallerIdentityResponse',
        {
          GetCallerIdentityResult: {
            Arn: `arn:aws:iam::${accountId}:user/drdrill-sandbox`,
            UserId: `AIDA${request.scope.accessKeyId.toUpperCase().replace(/[^A-Z0-9]/g, '').padEnd(17, 'X').slice(0, 17)}`,
            Account: accountId,
          },
          ResponseMetadata: { RequestId: request.requestId },
        },
        STS_NAMESPACE,
      );
      return { status: 200, headers, body, operation: 'GetCallerIdentity', mutating: false };
    },
  };
}
