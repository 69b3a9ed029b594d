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

  constructor(code: string, status: number, message: string, fault: 'Sender' | 'Receiver' = 'Sender') {
    super(message);
    this.code = code;
    this.status = status;
    this.fault = fault;
  }
}

/** A request body the control plane could not read (size limit, broken XML/JSON). */
export class MalformedRequestError extends Error {
  override readonly name = 'MalformedRequestError';
}
