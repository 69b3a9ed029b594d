import { createHash } from 'node:crypto';
import { AwsServiceError } from './aws-errors.ts';
import { renderJsonError } from './rest-json.ts';
import type { FunctionState, SandboxState } from './sandbox-state.ts';
import { matchRoute } from './service-handler.ts';
import type { AwsOperationResult, AwsRequest, AwsResponse, AwsServiceHandler, OperationRoute } from './service-handler.ts';

interface Context {
  readonly state: SandboxState;
  readonly request: AwsRequest;
}

// Lambda's default account limit and the unreserved floor it protects.
const ACCOUNT_CONCURRENCY = 1000;
const MIN_UNRESERVED = 100;

const FUNCTION = '([^/]+)';
const ROUTES: readonly OperationRoute<Context>[] = [
  { method: 'GET', pattern: new RegExp(`^/2015-03-31/functions/${FUNCTION}/configuration/?$`), operation: 'GetFunctionConfiguration', mutating: false, run: getFunctionConfiguration },
  { method: 'GET', pattern: new RegExp(`^/2019-09-30/functions/${FUNCTION}/concurrency/?$`), operation: 'GetFunctionConcurrency', mutating: false, run: getFunctionConcurrency },
  { method: 'PUT', pattern: new RegExp(`^/2017-10-31/functions/${FUNCTION}/concurrency/?$`), operation: 'PutFunctionConcurrency', mutating: true, run: putFunctionConcurrency },
  { method: 'DELETE', pattern: new RegExp(`^/2017-10-31/functions/${FUNCTION}/concurrency/?$`), operation: 'DeleteFunctionConcurrency', mutating: true, run: deleteFunctionConcurrency },
];

/**
 * The Lambda slice of the control plane (REST-JSON): function configuration and reserved
 * concurrency, per region (the region comes from the request's SigV4 scope, as on AWS).
 */
export function createLambdaApi(state: SandboxState): AwsServiceHandler {
  return {
    signingName: 'lambda',
    handle(request: AwsRequest): AwsResponse {
      const match = matchRoute(ROUTES, request.method, request.path);
      const operation = match?.route.operation ?? 'Unknown';
      const mutating = match?.route.mutating ?? false;
      try {
        if (match === undefined) {
          throw new AwsServiceError(
            'UnknownOperationException',
            400,
            `The drdrill sandbox does not support the Lambda operation ${request.method} ${request.path}`,
          );
        }
        const result = match.route.run({ state, request }, match.params);
        return { ...result, headers: { 'content-type': 'application/json' }, operation, mutating };
      } catch (error) {
        if (!(error instanceof AwsServiceError)) throw error;
        return {
          status: error.status,
          headers: { 'content-type': 'application/json', 'x-amzn-ErrorType': error.code },
          body: renderJsonError(error),
          operation,
          mutating,
          errorCode: error.code,
        };
      }
    },
  };
}

/** `arn:aws:lambda:<region>:<account>:function:<name>`. */
export function functionArn(region: string, accountId: string, name: string): string {
  return `arn:aws:lambda:${region}:${accountId}:function:${name}`;
}

const FULL_ARN = /^arn:aws[a-z-]*:lambda:([a-z0-9-]+):(\d{12}):function:([^:]+)(?::([^:]+))?$/;
const PARTIAL_ARN = /^(\d{12}):function:([^:]+)(?::([^:]+))?$/;

/**
 * Resolves a FunctionName parameter (name, partial ARN or full ARN, optionally qualified) to a
 * function in the caller's region; a mismatching region or account is simply not found, as on AWS.
 */
function findFunction(context: Context, given: string | undefined, allowQualifier: boolean): FunctionState {
  const region = context.request.scope.region;
  const accountId = context.state.topology.accountId;
  let name = given ?? '';
  let qualifier: string | undefined;
  let ownerMatches = true;
  const full = FULL_ARN.exec(name);
  const partial = PARTIAL_ARN.exec(name);
  if (full !== null) {
    ownerMatches = full[1] === region && full[2] === accountId;
    name = full[3] ?? '';
    qualifier = full[4];
  } else if (partial !== null) {
    ownerMatches = partial[1] === accountId;
    name = partial[2] ?? '';
    qualifier = partial[3];
  }
  qualifier ??= allowQualifier ? (context.request.query.get('Qualifier') ?? undefined) : undefined;
  const fn = ownerMatches ? context.state.findFunction(region, name) : undefined;
  if (qualifier !== undefined && !allowQualifier) {
    throw new AwsServiceError(
      'InvalidParameterValueException',
      400,
      `FunctionName: "${given ?? ''}" has a qualifier; reserved concurrency applies to the unqualified function`,
    );
  }
  const qualifierKnown = qualifier === undefined || qualifier === '$LATEST';
  if (fn === undefined || !qualifierKnown) {
    const arn = functionArn(region, accountId, name) + (qualifier === undefined ? '' : `:${qualifier}`);
    throw new AwsServiceError('ResourceNotFoundException', 404, `Function not found: ${arn}`);
  }
  return fn;
}

function getFunctionConfiguration(context: Context, [name]: readonly string[]): AwsOperationResult {
  const fn = findFunction(context, name, true);
  const accountId = context.state.topology.accountId;
  const configuration = {
    FunctionName: fn.functionName,
    FunctionArn: functionArn(fn.region, accountId, fn.functionName),
    Runtime: 'nodejs20.x',
    Role: `arn:aws:iam::${accountId}:role/${fn.functionName}-role`,
    Handler: 'index.handler',
    CodeSize: 1024,
    Description: `drdrill sandbox: ${fn.service.name} in ${fn.region}`,
    Timeout: 29,
    MemorySize: 256,
    LastModified: fn.lastModified,
    CodeSha256: createHash('sha256').update(`${fn.region}/${fn.functionName}`).digest('base64'),
    Version: '$LATEST',
    Environment: { Variables: { DRDRILL_SERVICE: fn.service.name, DRDRILL_REGION: fn.region } },
    TracingConfig: { Mode: 'PassThrough' },
    RevisionId: fn.revisionId,
    State: 'Active',
    LastUpdateStatus: 'Successful',
    PackageType: 'Zip',
    Architectures: ['x86_64'],
    EphemeralStorage: { Size: 512 },
  };
  return { status: 200, body: JSON.stringify(configuration) };
}

function getFunctionConcurrency(context: Context, [name]: readonly string[]): AwsOperationResult {
  const fn = findFunction(context, name, false);
  const body = fn.reservedConcurrency === null ? {} : { ReservedConcurrentExecutions: fn.reservedConcurrency };
  return { status: 200, body: JSON.stringify(body) };
}

function putFunctionConcurrency(context: Context, [name]: readonly string[]): AwsOperationResult {
  const fn = findFunction(context, name, false);
  let parsed: unknown;
  try {
    parsed = JSON.parse(context.request.body === '' ? '{}' : context.request.body);
  } catch {
    throw new AwsServiceError('InvalidRequestContentException', 400, 'Could not parse request body into json');
  }
  const value = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>).ReservedConcurrentExecutions : undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new AwsServiceError(
      'InvalidParameterValueException',
      400,
      `ReservedConcurrentExecutions: ${JSON.stringify(value ?? null)} is not an integer greater than or equal to 0`,
    );
  }
  const reservedElsewhere = context.state
    .topology.services.flatMap((s) => s.deployments)
    .filter((d) => d.region === fn.region && d.functionName !== fn.functionName)
    .map((d) => context.state.findFunction(d.region, d.functionName)?.reservedConcurrency ?? 0)
    .reduce((sum, n) => sum + n, 0);
  if (ACCOUNT_CONCURRENCY - reservedElsewhere - value < MIN_UNRESERVED) {
    throw new AwsServiceError(
      'InvalidParameterValueException',
      400,
      `Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [${MIN_UNRESERVED}].`,
    );
  }
  context.state.setReservedConcurrency(fn, value);
  return { status: 200, body: JSON.stringify({ ReservedConcurrentExecutions: value }) };
}

function deleteFunctionConcurrency(context: Context, [name]: readonly string[]): AwsOperationResult {
  const fn = findFunction(context, name, false);
  context.state.setReservedConcurrency(fn, null);
  return { status: 204, body: '' };
}
