import type { MetadataBearer, MiddlewareStack, Provider } from '@smithy/types';
import type { ControlPlaneCallRecord } from '../runner/run-record.ts';

/** Receives one record per SDK call, in completion order. */
export type CallSink = (call: ControlPlaneCallRecord) => void;

/** The part of an SDK v3 client `recordCalls` uses; any `@aws-sdk/client-*` client fits. */
export interface InstrumentableClient<Input extends object, Output extends MetadataBearer> {
  readonly middlewareStack: MiddlewareStack<Input, Output>;
  readonly config: { readonly region: string | Provider<string> };
}

interface ResponseMetadataLike {
  readonly httpStatusCode?: number;
  readonly requestId?: string;
  readonly extendedRequestId?: string;
  readonly attempts?: number;
}

/** Name of the middleware in the client's stack, so attaching twice replaces instead of doubling. */
export const RECORD_CALLS_MIDDLEWARE = 'drdrillRecordCalls';

/**
 * Records every call a client makes into `sink`: service, operation, region, AWS request id,
 * start/end, HTTP status, attempts and error code. Added at the `initialize` step (outermost),
 * so one logical call is one record with its retries counted, and its times are what the
 * drill waited. Parameters and payloads are deliberately not recorded: they may hold secrets.
 * A sink that throws is ignored rather than failing the AWS call it observes.
 *
 * @example recordCalls(lambdaClient, (call) => calls.push(call))
 */
export function recordCalls<Input extends object, Output extends MetadataBearer>(client: InstrumentableClient<Input, Output>, sink: CallSink): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const startedAt = Date.now();
      const service = (context.clientName ?? 'Unknown').replace(/Client$/, '');
      const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      const region = await regionOf(client);
      const emit = (call: ControlPlaneCallRecord): void => {
        try {
          sink(call);
        } catch {
          // The audit sink must never change the outcome of the call it watches.
        }
      };
      try {
        const result = await next(args);
        const metadata = metadataOf(result.output.$metadata);
        emit({ service, operation, region, startedAt, endedAt: Date.now(), ...metadata });
        return result;
      } catch (error) {
        const metadata = metadataOf((error as { $metadata?: unknown } | undefined)?.$metadata);
        const errorCode = errorCodeOf(error);
        emit({ service, operation, region, startedAt, endedAt: Date.now(), ...metadata, ...(errorCode === undefined ? {} : { errorCode }) });
        throw error;
      }
    },
    { step: 'initialize', name: RECORD_CALLS_MIDDLEWARE, priority: 'high', override: true },
  );
}

async function regionOf(client: { readonly config: { readonly region: string | Provider<string> } }): Promise<string> {
  try {
    const region = client.config.region;
    return typeof region === 'function' ? await region() : region;
  } catch {
    return 'unknown';
  }
}

function metadataOf(value: unknown): Pick<ControlPlaneCallRecord, 'requestId' | 'httpStatus' | 'attempts'> {
  if (typeof value !== 'object' || value === null) return {};
  const metadata = value as ResponseMetadataLike;
  const requestId = metadata.requestId ?? metadata.extendedRequestId;
  return {
    ...(typeof requestId === 'string' && requestId !== '' ? { requestId } : {}),
    ...(typeof metadata.httpStatusCode === 'number' ? { httpStatus: metadata.httpStatusCode } : {}),
    ...(typeof metadata.attempts === 'number' ? { attempts: metadata.attempts } : {}),
  };
}

function errorCodeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const candidate = (error as { Code?: unknown; code?: unknown; name?: unknown }).Code ?? (error as { name?: unknown }).name;
  return typeof candidate === 'string' && candidate !== '' ? candidate : undefined;
}
