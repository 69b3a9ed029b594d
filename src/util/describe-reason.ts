/** The message of a thrown value or abort reason, for progress lines that already say what failed. */
export function describeReason(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  return String(reason);
}
