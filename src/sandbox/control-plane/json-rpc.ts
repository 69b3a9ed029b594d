import { AwsServiceError } from './aws-errors.ts';
import type { AwsRequest, AwsResponse, AwsServiceHandler } from './service-handler.ts';

/** A JSON request body, already parsed to an object. */
export type JsonObject = Readonly<Record<string, unknown>>;

/** One operation of an awsJson service. */
export interface JsonRpcOperation {
  readonly mutating: boolean;
  readonly run: (input: JsonObject, request: AwsRequest) => object;
}

export interface JsonRpcServiceOptions {
  /** SigV4 signing name, e.g. `ssm`. */
  readonly signingName: string;
  /** X-Amz-Target prefix, e.g. `AmazonSSM`. */
  readonly targetPrefix: string;
  readonly version: '1.0' | '1.1';
  /** Service name for messages. */
  readonly serviceName: string;
  readonly operations: Readonly<Record<string, JsonRpcOperation>>;
  /** awsQuery-compatible services (CloudWatch) also send the query error code in a header. */
  readonly queryCompatible?: boolean;
}

/**
 * An awsJson 1.0/1.1 service: POST / with `X-Amz-Target: <prefix>.<Operation>`, JSON in and out,
 * errors as `{"__type": code, "message": …}` with the code also in `x-amzn-ErrorType`.
 */
export function createJsonRpcService(options: JsonRpcServiceOptions): AwsServiceHandler {
  const contentType = `application/x-amz-json-${options.version}`;
  return {
    signingName: options.signingName,
    handle(request: AwsRequest): AwsResponse {
      const target = headerValue(request.headers['x-amz-target']) ?? '';
      const [prefix, name = ''] = target.split('.');
      const operation = prefix === options.targetPrefix ? options.operations[name] : undefined;
      const operationName = operation === undefined ? 'Unknown' : name;
      const mutating = operation?.mutating ?? false;
      try {
        if (request.method !== 'POST' || operation === undefined) {
          throw new AwsServiceError(
            'UnknownOperationException',
            400,
            `The drdrill sandbox does not support the ${options.serviceName} operation "${target}" (supported: ${Object.keys(options.operations).join(', ')})`,
          );
        }
        const output = operation.run(parseJsonBody(request.body), request);
        return { status: 200, headers: { 'content-type': contentType }, body: JSON.stringify(output), operation: operationName, mutating };
      } catch (error) {
        if (!(error instanceof AwsServiceError)) throw error;
        return {
          status: error.status,
          headers: {
            'content-type': contentType,
            'x-amzn-ErrorType': error.code,
            ...(options.queryCompatible === true ? { 'x-amzn-query-error': `${error.code};${error.fault}` } : {}),
          },
          body: JSON.stringify({ __type: error.code, message: error.message, ...error.fields }),
          operation: operationName,
          mutating,
          errorCode: error.code,
        };
      }
    },
  };
}

/**
 * Parses a JSON body ('' is `{}`).
 *
 * @throws AwsServiceError SerializationException for anything but a JSON object.
 */
export function parseJsonBody(body: string): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body === '' ? '{}' : body);
  } catch {
    throw new AwsServiceError('SerializationException', 400, 'Could not parse the request body as JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new AwsServiceError('SerializationException', 400, 'Request body: expected a JSON object');
  }
  return parsed as JsonObject;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Reads input fields with AWS-shaped validation errors (`code` is the service's validation error). */
export class InputReader {
  readonly #input: JsonObject;
  readonly #code: string;

  constructor(input: JsonObject, code = 'ValidationException') {
    this.#input = input;
    this.#code = code;
  }

  invalid(message: string): AwsServiceError {
    return new AwsServiceError(this.#code, 400, message);
  }

  string(name: string): string {
    const value = this.optionalString(name);
    if (value === undefined || value === '') throw this.invalid(`1 validation error detected: Value null at '${lowerFirst(name)}' failed to satisfy constraint: Member must not be null`);
    return value;
  }

  optionalString(name: string): string | undefined {
    const value = this.#input[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw this.invalid(`${name}: expected a string, got ${JSON.stringify(value)}`);
    return value;
  }

  optionalBoolean(name: string): boolean | undefined {
    const value = this.#input[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') throw this.invalid(`${name}: expected true or false, got ${JSON.stringify(value)}`);
    return value;
  }

  optionalNumber(name: string): number | undefined {
    const value = this.#input[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value)) throw this.invalid(`${name}: expected a number, got ${JSON.stringify(value)}`);
    return value;
  }

  optionalStringList(name: string): readonly string[] | undefined {
    const value = this.#input[name];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) throw this.invalid(`${name}: expected a list of strings`);
    return value;
  }

  /** A map of string lists (SSM Automation parameters). */
  optionalStringListMap(name: string): Readonly<Record<string, readonly string[]>> | undefined {
    const value = this.#input[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) throw this.invalid(`${name}: expected a map of string lists`);
    const out: Record<string, readonly string[]> = {};
    for (const [key, list] of Object.entries(value as Record<string, unknown>)) {
      if (!Array.isArray(list) || !list.every((v): v is string => typeof v === 'string')) throw this.invalid(`${name}.${key}: expected a list of strings`);
      out[key] = list;
    }
    return out;
  }

  optionalObjectList(name: string): readonly JsonObject[] | undefined {
    const value = this.#input[name];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value) || !value.every((v): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v))) {
      throw this.invalid(`${name}: expected a list of objects`);
    }
    return value;
  }
}

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/** Epoch seconds, as awsJson and restJson timestamps travel. */
export function epochSeconds(ms: number): number {
  return ms / 1000;
}
