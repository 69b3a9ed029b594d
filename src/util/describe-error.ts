/** `Name: message` of a thrown value, for logs, journals and verdicts (AWS SDK errors are named by their code). */
export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
