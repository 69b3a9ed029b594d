import { createHash } from 'node:crypto';
import { AwsServiceError } from '../aws-errors.ts';
import { renderJsonError } from '../rest-json.ts';
import { functionArn } from '../../topology/sandbox-resources.ts';
import type { FunctionState, SandboxState } from '../../sandbox-state.ts';
import { createRestJsonService } from '../rest-json-service.ts';
import type { AwsOperationResult, AwsRequest, AwsServiceHandler, OperationRoute } from '../service-handler.ts';

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
  { method: 'PUT', pattern: new RegExp(`^/2015-03-31/functions/${FUNCTION}/configuration/?$`), operation: 'UpdateFunctionConfiguration', mutating: true, run: updateFunctionConfiguration },
  { method: 'GET', pattern: new RegExp(`^/2019-09-30/functions/${FUNCTION}/concurrency/?$`), operation: 'GetFunctionConcurrency', mutating: false, run: getFunctionConcurrency },
  { method: 'PUT', pattern: new RegExp(`^/2017-10-31/functions/${FUNCTION}/concurrency/?$`), operation: 'PutFunctionConcurrency', mutating: true, run: putFunctionConcurrency },
  { method: 'DELETE', pattern: new RegExp(`^/2017-10-31/functions/${FUNCTION}/concurrency/?$`), operation: 'DeleteFunctionConcurrency', mutating: true, run: deleteFunctionConcurrency },
];

/**
 * The Lambda slice of the control plane (REST-JSON): function configuration and reserved
 * concurrency, per region (the region comes from the request's SigV4 scope, as on AWS).
 */
export function createLambdaApi(state: SandboxState): AwsServiceHandler {
  return createRestJsonService({
    signingName: 'lambda',
    serviceName: 'Lambda',
    // The handlers read the sandbox state too, so each route is handed it along with the request.
    routes: ROUTES.map((route) => ({ ...route, run: (context, params) => route.run({ state, request: context.request }, params) })),
    unknownOperationCode: 'UnknownOperationException',
    unknownOperationStatus: 400,
    renderError: renderJsonError,
  });
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

function configurationJson(context: Context, fn: FunctionState): object {
  const accountId = context.state.topology.accountId;
  return {
    FunctionName: fn.functionName,
    FunctionArn: functionArn(fn.region, accountId, fn.functionName),
    Runtime: 'nodejs20.x',
    Role: `arn:aws:iam::${accountId}:role/${fn.functionName}-role`,
    Handler: 'index.handler',
    CodeSize: 1024,
    Description: fn.description,
    Timeout: fn.timeout,
    MemorySize: fn.memorySize,
    LastModified: fn.lastModified,
    CodeSha256: createHash('sha256').update(`${fn.region}/${fn.functionName}`).digest('base64'),
    Version: '$LATEST',
    Environment: { Variables: fn.environment },
    TracingConfig: { Mode: 'PassThrough' },
    RevisionId: fn.revisionId,
    Layers: [{ Arn: `arn:aws:lambda:${fn.region}:211125607513:layer:aws-fis-extension-x86_64:9`, CodeSize: 4096 }],
    State: 'Active',
    LastUpdateStatus: 'Successful',
    PackageType: 'Zip',
    Architectures: ['x86_64'],
    EphemeralStorage: { Size: 512 },
  };
}

function getFunctionConfiguration(context: Context, [name]: readonly string[]): AwsOperationResult {
  const fn = findFunction(context, name, true);
  return { status: 200, body: JSON.stringify(configurationJson(context, fn)) };
}

// Lambda refuses to let a function set these; they belong to the runtime.
const RESERVED_ENVIRONMENT_KEYS = new Set([
  '_HANDLER', '_X_AMZN_TRACE_ID', 'AWS_DEFAULT_REGION', 'AWS_REGION', 'AWS_EXECUTION_ENV', 'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_LAMBDA_INITIALIZATION_TYPE', 'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME', 'AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR',
]);
const ENVIRONMENT_KEY = /^[a-zA-Z]([a-zA-Z0-9_])+$/;

function updateFunctionConfiguration(context: Context, [name]: readonly string[]): AwsOperationResult {
  const fn = findFunction(context, name, false);
  const body = parseBody(context.request.body);
  const invalid = (message: string): AwsServiceError => new AwsServiceError('InvalidParameterValueException', 400, message);
  const revisionId = body.RevisionId;
  if (revisionId !== undefined && revisionId !== fn.revisionId) {
    throw new AwsServiceError('PreconditionFailedException', 412, 'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id');
  }
  let environment: Record<string, string> | undefined;
  if (body.Environment !== undefined) {
    const variables = isObject(body.Environment) ? (body.Environment.Variables ?? {}) : undefined;
    if (!isObject(variables)) throw invalid('Environment.Variables: expected a map of strings');
    environment = {};
    for (const [key, value] of Object.entries(variables)) {
      if (typeof value !== 'string') throw invalid(`Environment.Variables.${key}: expected a string value`);
      if (!ENVIRONMENT_KEY.test(key)) throw invalid(`Environment.Variables: "${key}" is not a valid variable name (a letter, then letters, digits or _)`);
      environment[key] = value;
    }
    const reserved = Object.keys(environment).filter((key) => RESERVED_ENVIRONMENT_KEYS.has(key));
    if (reserved.length > 0) {
      throw invalid(`Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${reserved.join(',')}`);
    }
    if (Buffer.byteLength(JSON.stringify(environment)) > 4096) throw invalid('Environment variables exceed the 4 KB limit');
  }
  const number = (field: string, min: number, max: number): number | undefined => {
    const value = body[field];
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw invalid(`${field}: ${JSON.stringify(value)} is not an integer from ${min} to ${max}`);
    }
    return value;
  };
  const timeout = number('Timeout', 1, 900);
  const memorySize = number('MemorySize', 128, 10240);
  const description = body.Description;
  if (description !== undefined && typeof description !== 'string') throw invalid('Description: expected a string');
  context.state.updateFunctionConfiguration(fn, {
    ...(environment === undefined ? {} : { environment }),
    ...(typeof description === 'string' ? { description } : {}),
    ...(timeout === undefined ? {} : { timeout }),
    ...(memorySize === undefined ? {} : { memorySize }),
  });
  return { status: 200, body: JSON.stringify(configurationJson(context, fn)) };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseBody(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text === '' ? '{}' : text);
  } catch {
    throw new AwsServiceError('InvalidRequestContentException', 400, 'Could not parse request body into json');
  }
  if (!isObject(parsed)) throw new AwsServiceError('InvalidRequestContentException', 400, 'Request body: expected a JSON object');
  return parsed;
}

function getFunctionConcurrency(context: Context, [name]: readonly string[]): AwsOperationResult {
  const fn = findFunction(context, name, false);
  const body = fn.reservedConcurrency === null ? {} : { ReservedConcurrentExecutions: fn.reservedConcurrency };
  return { status: 200, body: JSON.stringify(body) };
}

function putFunctionConcurrency(context: Context, [name]: readonly string[]): AwsOperationResult {
  const fn = findFunction(context, name, false);
  const value = parseBody(context.request.body).ReservedConcurrentExecutions;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new AwsServiceError(
      'InvalidParameterValueException',
      400,
      `ReservedConcurrentExecutions: ${JSON.stringify(value ?? null)} is not an integer greater than or equal to 0`,
    );
  }
  const reservedElsewhere = context.state
    .functions()
    .filter((other) => other.region === fn.region && other !== fn)
    .reduce((sum, other) => sum + (other.reservedConcurrency ?? 0), 0);
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
