/**
 * An error the control plane answers with, in AWS terms: the error code the SDK turns into a
 * named exception, the HTTP status AWS uses for it, and whether the caller (Sender) or AWS
 * (Receiver) is at fault. Each protocol renders it in its own wire shape.
 */
export class AwsServiceError extends Error {
  override readonly name = 'AwsServiceError';
  readonly code: string;
  readonly status: number;
  readonly fault: 'Sender' | 'Receiver';
  /** Extra members some services put in the error body (API Gateway's `resourceType`). */
  readonly fields: Readonly<Record<string, string>>;

  constructor(
    code: string,
    status: number,
    message: string,
    fault: 'Sender' | 'Receiver' = 'Sender',
    fields: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.code = code;
    this.status = status;
    this.fault = fault;
    this.fields = fields;
  }
}

/** A request body the control plane could not read (size limit, broken XML/JSON). */
export class MalformedRequestError extends Error {
  override readonly name = 'MalformedRequestError';
}
