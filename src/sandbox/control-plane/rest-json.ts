import type { AwsServiceError } from './aws-errors.ts';

/**
 * Renders a REST-JSON error body the way Lambda does: `Type` (User/Service) and `message`.
 * The SDK reads the code from the `x-amzn-ErrorType` header, which the caller sets.
 */
export function renderJsonError(error: AwsServiceError): string {
  return JSON.stringify({ Type: error.fault === 'Sender' ? 'User' : 'Service', message: error.message });
}
